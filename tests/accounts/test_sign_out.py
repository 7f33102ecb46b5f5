"""Signing out revokes the dashboard's token upstream; a token that stops working mid-session
(revoked in the portal, expired) sends the person back to sign-in and then back to the page."""

from __future__ import annotations

import logging
from importlib import import_module
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.messages import get_messages
from django.contrib.messages.storage import default_storage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from tests.conftest import DEMO_PASSWORD, SUPERVISOR
from voiphistory.accounts import tokens, upstream
from voiphistory.accounts.middleware import VoipstudioSessionMiddleware
from voiphistory.voipstudio import Unauthorized

SIGN_IN = "/sign-in/"
SIGN_OUT = "/sign-out/"
PAGE = "/calls/?page=2"


@pytest.fixture
def signed_in(client, dashboard):
    """A client signed in through the real sign-in view, and its named token."""
    client.post(SIGN_IN, {"email": SUPERVISOR, "password": DEMO_PASSWORD})
    token = tokens.unseal(client.session[tokens.SESSION_KEY]["token"])
    yield client, token
    requests.delete(f"{dashboard.api_url}/apitokens/{token}", headers={"X-Auth-Token": token}, timeout=10)


def ping(dashboard, token: str) -> int:
    return requests.get(f"{dashboard.api_url}/ping", headers={"X-Auth-Token": token}, timeout=10).status_code


def revoke_upstream(dashboard, token: str) -> None:
    """As a supervisor would in the VoIPstudio portal: from another session of the same user."""
    url = f"{dashboard.api_url}/apitokens/{token}"
    response = requests.delete(url, headers={"X-Auth-Token": dashboard.token(SUPERVISOR)}, timeout=10)
    assert response.status_code == 204


def messages_of(request) -> list[str]:
    return [message.message for message in get_messages(request)]


def request_in_session(client, path: str, **headers):
    """A request carrying ``client``'s session, as it reaches a view after the middleware."""
    request = RequestFactory().get(path, headers=headers)
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    request.user = get_user(request)
    request._messages = default_storage(request)
    request.htmx = HtmxDetails(request)
    return request


def next_of(url: str) -> str:
    parts = urlsplit(url)
    assert parts.path == SIGN_IN
    return parse_qs(parts.query)["next"][0]


@pytest.mark.django_db
def test_sign_out_revokes_the_token_upstream_and_ends_the_session(signed_in, dashboard, caplog):
    client, token = signed_in
    caplog.set_level(logging.INFO)
    assert ping(dashboard, token) == 200

    response = client.post(SIGN_OUT, follow=True)

    assert response.redirect_chain == [(SIGN_IN, 302)]
    assert "Signed out." in response.content.decode()
    assert ping(dashboard, token) == 401
    assert tokens.SESSION_KEY not in client.session
    assert "_auth_user_id" not in client.session
    assert client.get("/settings/").status_code == 302
    assert token not in caplog.text


@pytest.mark.django_db
def test_sign_out_needs_a_post(signed_in):
    client, token = signed_in

    assert client.get(SIGN_OUT).status_code == 405
    assert tokens.SESSION_KEY in client.session


@pytest.mark.django_db
def test_sign_out_after_the_token_was_revoked_elsewhere_still_signs_out(signed_in, dashboard):
    client, token = signed_in
    revoke_upstream(dashboard, token)

    response = client.post(SIGN_OUT, follow=True)

    assert [m.message for m in response.context["messages"]] == ["Signed out."]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_while_voipstudio_is_down_signs_out_locally_and_says_so(signed_in, dashboard):
    client, token = signed_in
    dashboard.add_fault(path="^/apitokens/", method="DELETE", status=503)

    response = client.post(SIGN_OUT, follow=True)

    shown = [m.message for m in response.context["messages"]]
    assert shown[0] == "Signed out." and "did not confirm" in shown[1]
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_token_revoked_mid_session_sends_the_next_page_to_sign_in_then_back(signed_in, dashboard):
    client, token = signed_in
    revoke_upstream(dashboard, token)
    request = request_in_session(client, PAGE)

    with pytest.raises(Unauthorized) as failure:
        upstream.client_for(request).me()  # what any VoIPstudio-backed page does
    response = VoipstudioSessionMiddleware(lambda r: HttpResponse()).process_exception(request, failure.value)

    assert response.status_code == 302 and next_of(response.url) == PAGE
    assert messages_of(request) == ["Your VoIPstudio session has ended. Please sign in again."]
    assert not request.user.is_authenticated and tokens.SESSION_KEY not in request.session
    # Signing in again lands on the page that was asked for.
    form = {"email": SUPERVISOR, "password": DEMO_PASSWORD, "next": next_of(response.url)}
    again = client.post(response.url, form)
    assert again.status_code == 302 and again.url == PAGE
    new_token = tokens.unseal(client.session[tokens.SESSION_KEY]["token"])
    revoke_upstream(dashboard, new_token)


@pytest.mark.django_db
def test_an_htmx_request_with_a_revoked_token_gets_hx_redirect_to_the_page(signed_in, dashboard):
    client, token = signed_in
    revoke_upstream(dashboard, token)
    request = request_in_session(
        client, "/calls/rows/?page=3", HX_Request="true", HX_Current_URL=f"http://testserver{PAGE}"
    )

    with pytest.raises(Unauthorized) as failure:
        upstream.client_for(request).me()
    response = VoipstudioSessionMiddleware(lambda r: HttpResponse()).process_exception(request, failure.value)

    assert response.status_code == 200
    assert next_of(response["HX-Redirect"]) == PAGE


@pytest.mark.django_db
def test_a_token_sealed_under_another_key_is_treated_as_signed_out(signed_in, settings):
    client, token = signed_in
    request = request_in_session(client, PAGE)
    settings.SECRET_KEY = "rotated " + settings.SECRET_KEY

    with pytest.raises(tokens.NotSignedIn) as failure:
        upstream.client_for(request)
    response = VoipstudioSessionMiddleware(lambda r: HttpResponse()).process_exception(request, failure.value)

    assert response.status_code == 302 and next_of(response.url) == PAGE


@pytest.mark.django_db
def test_a_signed_in_session_without_voipstudio_state_goes_back_to_sign_in(supervisor):
    session = supervisor.session
    del session[tokens.SESSION_KEY]
    session.save()

    response = supervisor.get("/settings/")

    assert response.status_code == 302 and next_of(response.url) == "/settings/"
    assert "_auth_user_id" not in supervisor.session


@pytest.mark.django_db
def test_an_htmx_request_that_is_not_signed_in_gets_hx_redirect(client, db):
    response = client.get("/settings/", headers={"HX-Request": "true"})

    assert next_of(response["HX-Redirect"]) == "/settings/"


@pytest.mark.django_db
def test_sign_out_from_a_session_that_already_ended_still_answers_signed_out(client, db):
    response = client.post(SIGN_OUT)

    assert response.status_code == 302 and response.url == SIGN_IN


@pytest.mark.django_db
def test_a_revoked_token_on_a_real_page_goes_to_sign_in_with_the_message(signed_in, dashboard):
    """The same, end to end through a VoIPstudio-backed page of the history app."""
    client, token = signed_in
    page = reverse("history:table", args=["calls"]) + "?page=2"
    assert client.get(page).status_code == 200
    revoke_upstream(dashboard, token)

    fragment = client.get(page, headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"})
    assert next_of(fragment["HX-Redirect"]) == page
    client.post(SIGN_IN, {"email": SUPERVISOR, "password": DEMO_PASSWORD})
    token = tokens.unseal(client.session[tokens.SESSION_KEY]["token"])
    revoke_upstream(dashboard, token)
    response = client.get(page, follow=True)

    assert response.redirect_chain[0] == (f"{SIGN_IN}?next={quote(page, safe='/')}", 302)
    assert "Your VoIPstudio session has ended. Please sign in again." in response.content.decode()
