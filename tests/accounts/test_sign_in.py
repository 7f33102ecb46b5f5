"""Signing in with a VoIPstudio account against the live emulator: password, two-factor code,
the named API token the dashboard mints, where (not) the token ends up, and the error messages."""

from __future__ import annotations

import json
import logging
import re
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.conftest import AGENT, DEMO_PASSWORD, SUPERVISOR, TWO_FACTOR, TWO_FACTOR_CODE, Sent
from voiphistory.accounts import services, tokens
from voiphistory.accounts.forms import TwoFactorForm
from voiphistory.accounts.views import MAX_CODE_ATTEMPTS, PENDING_KEY

SIGN_IN = "/sign-in/"
CODE = "/sign-in/code/"


class LoginTokens:
    """The short login tokens VoIPstudio hands out during sign-in, as the upstream request log shows
    them: the token each named API token is minted with (``POST /apitokens``)."""

    def __init__(self, log: list[Sent]) -> None:
        self.log = log

    def _seen(self) -> list[str]:
        seen: list[str] = []
        for sent in self.log:
            minting = sent.method == "POST" and urlsplit(sent.url).path.endswith("/apitokens")
            if minting and sent.token and sent.token not in seen:
                seen.append(sent.token)
        return seen

    def __len__(self) -> int:
        return len(self._seen())

    def __getitem__(self, index: int) -> str:
        return self._seen()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._seen())


@pytest.fixture
def login_tokens(upstream_log: list[Sent]) -> LoginTokens:
    """The short login tokens of the sign-ins a test makes (to check they are ended)."""
    return LoginTokens(upstream_log)


@pytest.fixture
def minted(dashboard) -> list[str]:
    """Named tokens minted by a test; revoked afterwards so the shared emulator stays tidy."""
    made: list[str] = []
    yield made
    for token in made:
        requests.delete(f"{dashboard.api_url}/apitokens/{token}", headers={"X-Auth-Token": token}, timeout=10)


def sealed_state(client) -> dict:
    return client.session[tokens.SESSION_KEY]


def sign_in(client, minted: list[str], email: str = SUPERVISOR, **extra):
    response = client.post(SIGN_IN, {"email": email, "password": DEMO_PASSWORD, **extra})
    if tokens.SESSION_KEY in client.session:
        minted.append(tokens.unseal(sealed_state(client)["token"]))
    return response


def ping(dashboard, token: str) -> int:
    return requests.get(f"{dashboard.api_url}/ping", headers={"X-Auth-Token": token}, timeout=10).status_code


def messages_of(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_sign_in_page_has_accessible_fields_and_names_the_voipstudio_it_signs_in_to(client, dashboard):
    response = client.get(SIGN_IN)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_email"' in html and 'for="id_password"' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert "autofocus" in html
    host = dashboard.api_url.split("/")[2]
    assert f"<strong>{host}</strong>" in html


@pytest.mark.django_db
def test_supervisor_signs_in_with_a_named_token_kept_sealed_and_the_login_token_ended(
    client, dashboard, minted, login_tokens, caplog
):
    caplog.set_level(logging.DEBUG)

    response = sign_in(client, minted)

    assert response.status_code == 302
    assert response.url == resolve_url(settings.LOGIN_REDIRECT_URL)
    state = sealed_state(client)
    token = tokens.unseal(state["token"])
    assert state["token"] != token
    assert re.fullmatch(r"voiphistory [0-9a-f]{10}", state["token_name"])
    # The named token exists upstream for this user, and works.
    by_name = json.dumps([{"property": "name", "operator": "eq", "value": state["token_name"]}])
    found = dashboard.get("/apitokens", SUPERVISOR, filter=by_name).json()["data"]
    assert [item["token"] for item in found] == [token]
    assert ping(dashboard, token) == 200
    # The short login token no longer works: only the named token remains.
    assert len(login_tokens) == 1 and login_tokens[0] != token
    assert ping(dashboard, login_tokens[0]) == 401
    # The account, as VoIPstudio describes it.
    me = dashboard.get("/me", SUPERVISOR).json()["data"]
    assert state["account"] == {
        "user_id": me["id"],
        "customer_id": me["customer_id"],
        "email": SUPERVISOR,
        "name": f"{me['first_name']} {me['last_name']}",
        "can_write": True,
    }
    user = get_user_model().objects.get(username=f"voipstudio-{me['id']}")
    assert (user.first_name, user.last_name, user.email) == (me["first_name"], me["last_name"], SUPERVISOR)
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["time_zone"] == "UTC"
    # Nowhere a browser, a log line or the session table could show it in plain text.
    page = client.get(reverse("accounts:preferences"))
    for secret in (token, *login_tokens):
        assert secret not in response.content.decode() and secret not in page.content.decode()
        assert all(secret not in morsel.value for morsel in client.cookies.values())
        assert secret not in caplog.text
        assert secret not in json.dumps(Session.objects.get(pk=client.session.session_key).get_decoded())
    assert state["token"] not in page.content.decode()
    assert DEMO_PASSWORD not in caplog.text


@pytest.mark.django_db
def test_each_sign_in_mints_its_own_token_so_two_browsers_do_not_collide(client, dashboard, minted):
    from django.test import Client

    sign_in(client, minted)
    other = Client()
    sign_in(other, minted)

    assert len(minted) == 2 and minted[0] != minted[1]
    assert sealed_state(client)["token_name"] != sealed_state(other)["token_name"]
    assert ping(dashboard, minted[0]) == ping(dashboard, minted[1]) == 200


@pytest.mark.django_db
def test_sign_in_rotates_the_session_key(client, dashboard, minted):
    session = client.session
    session["probe"] = "before sign-in"
    session.save()
    before = session.session_key

    sign_in(client, minted)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(pk=before).exists()
    assert tokens.SESSION_KEY in client.session


@pytest.mark.django_db
def test_wrong_password_says_so_keeps_the_email_and_stores_nothing(client, dashboard):
    response = client.post(SIGN_IN, {"email": SUPERVISOR, "password": "not the password"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Wrong email or password." in html
    assert f'value="{SUPERVISOR}"' in html
    assert "not the password" not in html
    assert 'role="alert"' in html
    assert tokens.SESSION_KEY not in client.session
    assert not response.wsgi_request.user.is_authenticated
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_an_invalid_email_is_a_field_error_described_to_assistive_technology(client, dashboard):
    response = client.post(SIGN_IN, {"email": "not-an-email", "password": "x"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html and 'id="id_email_error"' in html


@pytest.mark.django_db
def test_two_factor_account_is_asked_for_a_code_then_signs_in(client, dashboard, minted, login_tokens):
    response = client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD})

    assert response.status_code == 302 and response.url == CODE
    assert set(client.session[PENDING_KEY]) == {"nonce", "email", "attempts"}
    assert tokens.SESSION_KEY not in client.session
    page = client.get(CODE)
    assert TWO_FACTOR in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()

    wrong = client.post(CODE, {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert 'aria-describedby="id_code_error"' in wrong.content.decode()
    assert tokens.SESSION_KEY not in client.session

    right = client.post(CODE, {"code": f"{TWO_FACTOR_CODE[:3]} {TWO_FACTOR_CODE[3:]}"})
    assert right.status_code == 302 and right.url == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert PENDING_KEY not in client.session
    assert sealed_state(client)["account"]["email"] == TWO_FACTOR
    minted.append(tokens.unseal(sealed_state(client)["token"]))
    assert ping(dashboard, minted[0]) == 200
    assert ping(dashboard, login_tokens[0]) == 401


@pytest.mark.django_db
def test_an_expired_code_step_goes_back_to_sign_in_with_a_message(client, dashboard):
    client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD, "next": "/calls/"})
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "nonce": "0" * 32}  # unknown to VoIPstudio: expired
    session.save()

    response = client.post(CODE, {"code": TWO_FACTOR_CODE, "next": "/calls/"})

    assert response.status_code == 302 and response.url == f"{SIGN_IN}?next=%2Fcalls%2F"
    assert any("expired" in text for text in messages_of(response))
    assert PENDING_KEY not in client.session


@pytest.mark.django_db
def test_too_many_wrong_codes_start_over(client, dashboard):
    client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD})

    responses = [client.post(CODE, {"code": "000000"}) for _ in range(MAX_CODE_ATTEMPTS)]

    assert [r.status_code for r in responses] == [200] * (MAX_CODE_ATTEMPTS - 1) + [302]
    assert responses[-1].url == SIGN_IN
    assert PENDING_KEY not in client.session


@pytest.mark.django_db
def test_the_code_step_without_a_password_step_goes_to_sign_in(client, dashboard):
    response = client.get(CODE)

    assert response.status_code == 302 and response.url == SIGN_IN


@pytest.mark.parametrize("typed", ["123456", " 123 456 ", "12 34\t56"])
def test_the_code_form_strips_spaces(typed):
    form = TwoFactorForm({"code": typed})
    assert form.is_valid() and form.cleaned_data["code"] == "123456"


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", ""])
def test_the_code_form_wants_six_digits(typed):
    assert not TwoFactorForm({"code": typed}).is_valid()


@pytest.mark.django_db
def test_next_is_kept_through_sign_in(client, dashboard, minted):
    page = client.get(SIGN_IN, {"next": "/calls/?page=2"})
    assert 'name="next" value="/calls/?page=2"' in page.content.decode()

    response = sign_in(client, minted, next="/calls/?page=2")

    assert response.status_code == 302 and response.url == "/calls/?page=2"


@pytest.mark.django_db
def test_next_is_kept_through_the_code_step(client, dashboard, minted):
    response = client.post(SIGN_IN, {"email": TWO_FACTOR, "password": DEMO_PASSWORD, "next": "/settings/"})
    assert response.url == f"{CODE}?next=%2Fsettings%2F"
    assert 'name="next" value="/settings/"' in client.get(response.url).content.decode()

    response = client.post(CODE, {"code": TWO_FACTOR_CODE, "next": "/settings/"})

    minted.append(tokens.unseal(sealed_state(client)["token"]))
    assert response.status_code == 302 and response.url == "/settings/"


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x/", "javascript:alert(1)"])
def test_off_site_next_is_refused(client, dashboard, minted, next_url):
    page = client.get(SIGN_IN, {"next": next_url})
    assert "evil.example" not in page.content.decode() and "javascript:" not in page.content.decode()

    response = sign_in(client, minted, next=next_url)

    assert response.status_code == 302 and response.url == resolve_url(settings.LOGIN_REDIRECT_URL)


@pytest.mark.django_db
def test_signed_in_visitor_of_the_sign_in_page_goes_home(supervisor):
    response = supervisor.get(SIGN_IN)

    assert response.status_code == 302 and response.url == resolve_url(settings.LOGIN_REDIRECT_URL)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fault, shown",
    [({"status": 503}, "Service unavailable"), ({"status": 429, "retry_after": 1}, "Too many requests")],
)
def test_voipstudio_down_at_sign_in_is_a_friendly_message(client, dashboard, fault, shown):
    dashboard.add_fault(path="^/login$", **fault)

    response = client.post(SIGN_IN, {"email": SUPERVISOR, "password": DEMO_PASSWORD})

    html = response.content.decode()
    assert response.status_code == 200
    assert f"VoIPstudio is not answering right now ({shown}). Please try again in a moment." in html
    assert f'value="{SUPERVISOR}"' in html
    assert tokens.SESSION_KEY not in client.session


@pytest.mark.django_db
def test_voipstudio_unreachable_at_sign_in_is_a_friendly_message(client, dashboard, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.VOIPSTUDIO_BASE_URL = f"http://127.0.0.1:{port}/v1.2/voipstudio"
    settings.VOIPSTUDIO_CONNECT_TIMEOUT = 1

    response = client.post(SIGN_IN, {"email": SUPERVISOR, "password": DEMO_PASSWORD})

    assert response.status_code == 200
    html = response.content.decode()
    assert "VoIPstudio is not answering right now (could not connect to VoIPstudio" in html


@pytest.mark.django_db
def test_a_failure_while_minting_the_token_signs_nobody_in_and_ends_the_login_token(
    client, dashboard, login_tokens
):
    dashboard.add_fault(path="^/apitokens$", method="POST", status=503)

    response = client.post(SIGN_IN, {"email": SUPERVISOR, "password": DEMO_PASSWORD})

    assert response.status_code == 200
    assert "VoIPstudio is not answering right now" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert tokens.SESSION_KEY not in client.session
    assert ping(dashboard, login_tokens[0]) == 401


@pytest.mark.django_db
def test_agent_signs_in_read_only_and_its_token_cannot_write(client, dashboard, minted):
    sign_in(client, minted, email=AGENT)

    assert sealed_state(client)["account"]["can_write"] is False
    page = client.get(reverse("accounts:preferences")).content.decode()
    assert '<span class="badge">read-only</span>' in page
    monitor_id = dashboard.get("/monitors", AGENT, limit=1).json()["data"][0]["id"]
    url = f"{dashboard.api_url}/monitors/{monitor_id}"  # a delete both emulator profiles serve
    refused = requests.delete(url, headers={"X-Auth-Token": minted[0]}, timeout=10)
    assert refused.status_code == 403
    assert dashboard.get(f"/monitors/{monitor_id}", AGENT).status_code == 200


def test_sign_in_result_masks_its_secrets():
    assert "abc" not in repr(services.SignInResult(session_token="abc"))
    assert "xyz" not in repr(services.SignInResult(nonce="xyz"))
