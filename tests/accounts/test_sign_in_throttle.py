"""Sign-in throttling: repeated wrong passwords or two-factor codes for one email, or from one
address, are refused for a while with a clear message and status 429, before VoIPstudio is even
asked; the counts live in the database, so they hold while the cache is down."""

from __future__ import annotations

from tests.conftest import DEMO_PASSWORD, SUPERVISOR, TWO_FACTOR, TWO_FACTOR_CODE

SIGN_IN = "/sign-in/"
CODE = "/sign-in/code/"


def wrong(client, email=SUPERVISOR, **extra):
    return client.post(SIGN_IN, {"email": email, "password": "not the password"}, **extra)


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(
    client, dashboard, db, settings
):
    for _ in range(settings.SIGN_IN_MAX_FAILURES_PER_EMAIL):
        assert wrong(client).status_code == 200
    dashboard.add_fault(path="^/login$", status=500)  # proves the refusal never reaches VoIPstudio
    response = client.post(SIGN_IN, {"email": SUPERVISOR, "password": DEMO_PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html and "15 minutes" in html
    assert "_auth_user_id" not in client.session


def test_the_count_is_per_email_and_case_insensitive(client, dashboard, db, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_EMAIL = 2
    wrong(client, SUPERVISOR.upper())
    wrong(client, SUPERVISOR)
    assert wrong(client, SUPERVISOR).status_code == 429
    other = client.post(SIGN_IN, {"email": "agent@northwind.example", "password": DEMO_PASSWORD})
    assert other.status_code == 302


def test_a_right_password_clears_the_email_count(client, dashboard, db, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_EMAIL = 2
    wrong(client)
    assert client.post(SIGN_IN, {"email": SUPERVISOR, "password": DEMO_PASSWORD}).status_code == 302
    client.post("/sign-out/")
    assert wrong(client).status_code == 200


def test_one_address_trying_many_emails_is_throttled(client, dashboard, db, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_IP = 3
    for n in range(3):
        wrong(client, f"nobody{n}@northwind.example")
    assert wrong(client, "someone-else@northwind.example").status_code == 429
    # another client address (behind one trusted proxy) is not affected
    settings.TRUSTED_PROXY_COUNT = 1
    assert (
        wrong(client, "someone-else@northwind.example", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
    )


def test_wrong_codes_count_like_wrong_passwords_across_sign_ins(client, dashboard, db, settings):
    """Three password sign-ins with wrong codes each: the limit holds, and then the right code is refused."""
    settings.SIGN_IN_MAX_FAILURES_PER_EMAIL = 5
    wrong_codes = 0
    for _ in range(3):
        assert client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD}).status_code == 302
        for _ in range(2):
            response = client.post(CODE, {"code": "000000"})
            wrong_codes += 1
            if wrong_codes > settings.SIGN_IN_MAX_FAILURES_PER_EMAIL:
                assert response.status_code == 429
    assert wrong_codes == 6
    response = client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD})
    assert response.status_code == 429 and "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_code_after_the_limit_is_refused_without_asking_voipstudio(client, dashboard, db, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_EMAIL = 2
    assert client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD}).status_code == 302
    client.post(CODE, {"code": "000000"})
    client.post(CODE, {"code": "000001"})
    dashboard.add_fault(path="^/login2fa$", status=500)  # proves the refusal never reaches VoIPstudio
    response = client.post(CODE, {"code": TWO_FACTOR_CODE})
    assert response.status_code == 429 and "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_alone_does_not_clear_the_count_when_a_code_follows(client, dashboard, db, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_EMAIL = 2
    client.post(SIGN_IN, {"email": TWO_FACTOR, "password": "not the password"})
    assert client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD}).status_code == 302
    client.post(CODE, {"code": "000000"})
    assert client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD}).status_code == 429


def test_a_completed_two_factor_sign_in_clears_the_email_count(client, dashboard, db, settings):
    settings.SIGN_IN_MAX_FAILURES_PER_EMAIL = 2
    client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD})
    client.post(CODE, {"code": "000000"})
    assert client.post(CODE, {"code": TWO_FACTOR_CODE}).status_code == 302
    client.post("/sign-out/")
    client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD})
    assert client.post(CODE, {"code": "000000"}).status_code == 200  # one failure, not three


def test_throttling_holds_while_the_cache_is_down(client, dashboard, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }  # nothing listens there
    settings.SIGN_IN_MAX_FAILURES_PER_EMAIL = 2
    wrong(client)
    wrong(client)
    assert client.post(SIGN_IN, {"email": SUPERVISOR, "password": DEMO_PASSWORD}).status_code == 429
