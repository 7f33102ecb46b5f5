"""Agents (accounts without ROLE_ADMIN in /me's roles) are refused by the dashboard itself, before
any job is created or any request goes upstream; the danger zone is not theirs to open.

Driven from the URL configuration: every view, posted to by an agent with a form that would be
valid, sends no write upstream and creates no deleting job; every view marked as a write view
answers 403 in words and sends nothing upstream at all."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import SUPERVISOR, sign_in_as
from tests.security.conftest import ROUTES
from voiphistory.accounts.permissions import READ_ONLY_MESSAGE
from voiphistory.jobs.models import Job

HTMX = {"HTTP_HX_REQUEST": "true"}
# A form that every write view would accept, were the agent allowed: ids, confirmations, targets.
EVERYTHING = {
    "ids": ["1", "2"],
    "message": ["1"],
    "confirm": "yes",
    "action": "delete",
    "section": "calls",
    "query": "",
    "collection": "recordings",
    "folder": "Work",
    "summary": "agent was here",
    "cx_score": "1",
    "next": "/calls/",
}
#: The views that change VoIPstudio's data. A new one must be added here and refuse agents.
WRITE_VIEWS = {
    "history:recording_edit",
    "history:recording_revert",
    "history:delete",
    "history:chat_messages_delete",
    "history:call_info",
    "history:calls_info",
    "jobs:danger",
}
WRITE_METHODS = {"PATCH", "DELETE", "PUT"}


def test_every_write_view_is_marked_and_only_those_are():
    marked = {route.name for route in ROUTES if getattr(route.view, "writes", False)}
    assert marked == WRITE_VIEWS


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in WRITE_VIEWS], ids=str)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("fragment", [False, True], ids=["page", "htmx"])
def test_a_write_view_refuses_an_agent_in_words_before_asking_voipstudio(
    agent, upstream_log, route, method, fragment
):
    upstream_log.clear()  # what signing in asked
    response = getattr(agent, method)(
        route.path, EVERYTHING if method == "post" else {}, **(HTMX if fragment else {})
    )
    assert response.status_code in (403, 405), (route.name, response.status_code)
    if response.status_code == 403:
        page = response.content.decode()
        assert "read-only" in page and ("<html" in page) is not fragment
    assert upstream_log == [] and not Job.objects.exists()


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.name != "accounts:sign_out"], ids=str
)  # it revokes the token
def test_no_view_lets_an_agent_write_upstream_or_start_a_delete(agent, upstream_log, route):
    for data in (EVERYTHING, {**EVERYTHING, "action": "delete_matching"}):
        agent.post(route.path, data, **HTMX)
        agent.post(route.path, data)
    assert not [sent for sent in upstream_log if sent.method in WRITE_METHODS], route.name
    assert not Job.objects.filter(kind__in=[Job.Kind.DELETE, Job.Kind.DELETE_ALL]).exists(), route.name


@pytest.mark.parametrize("action", ["delete", "delete_matching"])
def test_an_agents_bulk_delete_is_refused_before_any_job_or_request(agent, upstream_log, action):
    upstream_log.clear()  # what signing in asked
    response = agent.post("/jobs/start/", {**EVERYTHING, "action": action}, **HTMX)
    assert response.status_code == 403 and READ_ONLY_MESSAGE in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert upstream_log == [] and not Job.objects.exists()


def test_the_danger_zone_is_not_an_agents_to_open_and_its_link_is_not_shown(agent):
    page = agent.get("/jobs/danger-zone/")
    assert page.status_code == 403 and "read-only" in page.content.decode()
    assert "/jobs/danger-zone/" not in agent.get("/jobs/").content.decode()
    assert (
        agent.post(
            "/jobs/danger-zone/", {"collection": "recordings", "confirm": "delete all recordings"}
        ).status_code
        == 403
    )
    assert not Job.objects.exists()


def test_a_supervisor_still_opens_the_danger_zone_and_the_edit_form(dashboard, db):
    supervisor = sign_in_as(Client(), dashboard, SUPERVISOR)
    assert supervisor.get("/jobs/danger-zone/").status_code == 200
    monitor = dashboard.get("/monitors", limit=1).json()["data"][0]
    assert 'name="summary"' in supervisor.get(f"/recordings/{monitor['id']}/edit/").content.decode()
