"""Access control, driven from the URL configuration: every view needs sign-in (but a short,
explicit list), every write needs the CSRF token, an agent cannot write with a crafted request,
``next`` never leads off-site, and the session is new at sign-in and gone at sign-out."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from tests.conftest import AGENT, DEMO_PASSWORD, SUPERVISOR, sign_in_as
from tests.recording_form import opened_form
from tests.security.conftest import ROUTES
from voiphistory.accounts import tokens

# The only views anyone may reach signed out: signing in (two steps), signing out (a lapsed
# session's button must work), and the load balancer's health check. Static files are served by
# WhiteNoise before any view, so they are no URL pattern.
PUBLIC = {"accounts:sign_in", "accounts:two_factor", "accounts:sign_out", "ops:health"}
PRIVATE = [route for route in ROUTES if route.name not in PUBLIC]
HTMX = {"HTTP_HX_REQUEST": "true"}
OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "http://testserver@evil.example/",
    "/%09/evil.example",
    "\t//evil.example",
    "///evil.example",
    "data:text/html,<script>alert(1)</script>",
]


def test_the_walk_sees_every_view_and_the_public_list_is_exactly_what_is_public():
    names = {route.name for route in ROUTES}
    assert {"history:table", "history:recording_audio", "jobs:download", "audit:export"} <= names
    assert names >= PUBLIC
    marked_public = {route.name for route in ROUTES if getattr(route.view, "login_required", True) is False}
    assert marked_public == PUBLIC, (
        "a view was marked login_not_required: add it to PUBLIC only if it must be"
    )


@pytest.mark.parametrize("route", PRIVATE, ids=str)
@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_every_view_sends_the_signed_out_to_sign_in(client, db, route, method):
    response = getattr(client, method)(route.path)
    assert response.status_code == 302, (route.name, response.status_code)
    location = urlsplit(response["Location"])
    assert location.path == "/sign-in/" and parse_qs(location.query) == {"next": [route.path]}


@pytest.mark.parametrize("route", PRIVATE, ids=str)
def test_every_view_answers_signed_out_htmx_with_a_client_redirect(client, db, route):
    response = client.get(route.path, **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/sign-in/?next=")
    assert b"<html" not in response.content


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_post_without_the_csrf_token_is_refused(csrf_client, route):
    """Nothing is csrf_exempt: the check runs before any view, so a forged form reaches nothing."""
    assert not getattr(route.view, "csrf_exempt", False)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(csrf_client, method)(route.path, {"confirm": "yes"}, **HTMX)
        assert response.status_code == 403, (route.name, method, response.status_code)


def test_a_forged_token_is_refused_and_htmxs_header_is_accepted(csrf_client):
    page = csrf_client.get("/calls/").content.decode()
    assert "hx-headers='{&quot;X-CSRFToken&quot;: &quot;" in page or 'hx-headers=\'{"X-CSRFToken": "' in page
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
    forged = csrf_client.post("/settings/", {"time_zone": "Nowhere/Land"}, HTTP_X_CSRFTOKEN="x" * 32)
    assert forged.status_code == 403
    accepted = csrf_client.post("/settings/", {"time_zone": "Nowhere/Land"}, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200  # the form's own error, past the CSRF check


def test_a_cross_origin_post_with_a_stolen_token_is_refused_over_https(dashboard, db, settings):
    settings.ALLOWED_HOSTS = ["dashboard.example"]
    client = sign_in_as(Client(enforce_csrf_checks=True), dashboard, SUPERVISOR)
    client.get("/calls/", secure=True, HTTP_HOST="dashboard.example")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/settings/",
        {"time_zone": "UTC"},
        secure=True,
        HTTP_HOST="dashboard.example",
        HTTP_ORIGIN="https://evil.example",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 403


# -- an agent (read-only account) cannot write, whatever it sends ------------------------------------


def _where(**conditions) -> str:
    return json.dumps([{"property": k, "operator": "eq", "value": v} for k, v in conditions.items()])


@pytest.mark.parametrize(
    ("slug", "path"), [("calls", "/cdrs"), ("recordings", "/monitors"), ("voicemail", "/voicemessages")]
)
def test_an_agents_crafted_delete_is_refused_by_the_dashboard_in_every_section(
    agent, dashboard, upstream_log, slug, path
):
    item = dashboard.get(path, limit=1).json()["data"][0]
    upstream_log.clear()
    page = agent.post(f"/{slug}/{item['id']}/delete/", {"next": f"/{slug}/"})
    assert page.status_code == 403 and "read-only" in page.content.decode()
    assert upstream_log == []  # refused here: VoIPstudio was not even asked
    assert dashboard.get(f"{path}/{item['id']}").status_code == 200


def test_an_agents_crafted_recording_edit_changes_nothing(agent, dashboard, upstream_log):
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    data = {
        "summary": "agent was here",
        "transcript": "",
        "transcript_speakers": "",
        "sentiment": "1",
        "cx_score": "1",
    }
    upstream_log.clear()
    response = agent.post(f"/recordings/{monitor['id']}/edit/", data)
    assert response.status_code == 403 and "read-only" in response.content.decode() and upstream_log == []
    assert (
        agent.get(f"/recordings/{monitor['id']}/edit/").status_code == 403
    )  # nor is the form theirs to open
    assert dashboard.get(f"/monitors/{monitor['id']}").json()["data"] == monitor


def test_an_agents_crafted_voicemail_move_changes_nothing(agent, dashboard):
    inbox = dashboard.get(
        "/voicemessages", limit=2, filter=_where(folder=dashboard.code("folder", "INBOX"))
    ).json()["data"]
    response = agent.post(
        "/voicemail/move/", {"ids": [m["id"] for m in inbox], "folder": "Work"}, follow=True
    )
    assert "Your account is read-only" in response.content.decode()  # refused before VoIPstudio is asked
    assert [dashboard.get(f"/voicemessages/{m['id']}").json()["data"]["folder"] for m in inbox] == [
        m["folder"] for m in inbox
    ]


def test_an_agent_session_cannot_make_itself_a_supervisor(agent, dashboard):
    """The dashboard refuses agents from the roles /me reported at sign-in; behind that, VoIPstudio's
    own roles decide. Even a session edited to claim write access (were it possible) is refused upstream."""
    session = agent.session
    state = session[tokens.SESSION_KEY]
    state["account"]["can_write"] = True
    session[tokens.SESSION_KEY] = state
    session.save()
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    assert "Delete" in agent.get("/recordings/").content.decode()
    page = agent.post(f"/recordings/{monitor['id']}/delete/", {"next": "/recordings/"})
    assert "refused this for your account" in page.content.decode()
    assert dashboard.get(f"/monitors/{monitor['id']}").status_code == 200


# -- next never leads off-site ----------------------------------------------------------------------


def _on_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        parts.scheme in ("", "http")
        and parts.netloc in ("", "testserver")
        and not location.startswith(("//", "/\\"))
    )


def _links_on_site(page: str) -> bool:
    """Every link, form target and kept ``next`` value of a page points at this site."""
    values = re.findall(r'(?:href|action|hx-get|hx-post)="([^"]*)"|name="next" value="([^"]*)"', page)
    return all(_on_site(html.unescape(a or b)) for a, b in values)


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", OFF_SITE)
def test_sign_in_never_sends_anyone_off_site(client, dashboard, next_url):
    assert _links_on_site(client.get("/sign-in/", {"next": next_url}).content.decode())
    response = client.post("/sign-in/", {"email": AGENT, "password": DEMO_PASSWORD, "next": next_url})
    assert response.status_code == 302 and _on_site(response["Location"]), response["Location"]
    _revoke(dashboard, client)


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_views_that_go_back_to_next_stay_on_site(agent, dashboard, next_url):
    """Every view that reads ``next``: delete, recording edit (failing for the agent, and see the
    supervisor test below for its success path) and voicemail move."""
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    responses = [
        agent.post("/voicemail/move/", {"ids": [1], "folder": "Work", "next": next_url}),
        agent.post("/voicemail/move/", {"ids": ["x"], "folder": "Work", "next": next_url}),
    ]
    for response in responses:
        assert response.status_code == 302 and _on_site(response["Location"]), response["Location"]
    supervisor = sign_in_as(Client(), dashboard, SUPERVISOR)  # the confirm step is not an agent's to see
    assert _links_on_site(
        supervisor.get(f"/recordings/{monitor['id']}/delete/", {"next": next_url}).content.decode()
    )


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_a_saved_recording_edit_never_redirects_off_site(supervisor, dashboard, next_url):
    """This was an open redirect: the edit form's ``next`` went straight into the redirect."""
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    data = opened_form(supervisor, monitor["id"], next=next_url)
    response = supervisor.post(f"/recordings/{monitor['id']}/edit/", data)  # nothing changed: nothing sent
    assert response.status_code == 302 and response["Location"] == "/recordings/"
    assert dashboard.get(f"/monitors/{monitor['id']}").json()["data"] == monitor


# -- the session: new at sign-in, gone at sign-out --------------------------------------------------


def _revoke(dashboard, client) -> None:
    state = client.session.get(tokens.SESSION_KEY)
    if state:
        token = tokens.unseal(state["token"])
        requests.delete(f"{dashboard.api_url}/apitokens/{token}", headers={"X-Auth-Token": token}, timeout=10)


@pytest.mark.django_db
def test_a_session_fixed_before_sign_in_is_worthless_after_it_and_after_sign_out(client, dashboard):
    client.get("/sign-in/")
    client.session.save()
    planted = client.cookies[settings.SESSION_COOKIE_NAME].value  # what an attacker could have fixed
    client.post("/sign-in/", {"email": SUPERVISOR, "password": DEMO_PASSWORD})
    signed_in = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in != planted and not Session.objects.filter(pk=planted).exists()
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert attacker.get("/calls/").status_code == 302

    assert client.get("/calls/").status_code == 200
    client.post("/sign-out/")
    assert not Session.objects.filter(pk=signed_in).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = signed_in  # a copied cookie after sign-out
    assert replay.get("/calls/").status_code == 302 and replay.get("/audit/").status_code == 302
