"""Sign-in throttling: repeated wrong passwords for one email, or from one address, are refused
for a while with a clear message and status 429, before VoIPstudio is even asked."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.conftest import DEMO_PASSWORD, SUPERVISOR

SIGN_IN = "/sign-in/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def wrong(client, email=SUPERVISOR, **extra):
    return client.post(SIGN_IN, {"email": email, "password": "not the password"}, **extra)


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(client, dashboard, db, settings):
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
    assert wrong(client, "someone-else@northwind.example", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 200
