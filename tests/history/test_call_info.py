"""A call's "additional information" (info) through the bulk PATCH /cdrs: one call from its page,
many from the Calls table; only id+info sent, agents refused here, audited, a lost answer read back."""

from __future__ import annotations

import json

import pytest
import responses
from django.test import Client
from django.urls import reverse

from tests.conftest import SUPERVISOR, point_dashboard_at, sign_in_as
from voiphistory.audit.models import Action, AuditEvent

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def fresh(settings, fresh_emulator, tmp_path):
    """A private emulator: these tests change calls."""
    return point_dashboard_at(settings, fresh_emulator, tmp_path)


@pytest.fixture
def fresh_supervisor(client, fresh, db):
    return sign_in_as(client, fresh, SUPERVISOR)


def _cdrs(emulator, count: int = 2) -> list[dict]:
    return emulator.get("/cdrs", limit=count, sort="id", dir="DESC").json()["data"]


def _info(emulator, id: int) -> str | None:
    return emulator.get(f"/cdrs/{id}").json()["data"]["info"]


def test_the_patch_carries_only_id_and_info(supervisor, dashboard):
    with responses.RequestsMock() as upstream:
        upstream.add(
            responses.PATCH,
            f"{dashboard.api_url}/cdrs",
            json={"data": [{"id": 5, "calldate": "2026-11-30 09:00:00", "info": "Spring", "src": "44"}]},
        )
        supervisor.post(
            reverse("history:call_info", args=[5]), {"info": "  Spring ", "src": "1", "id": "9"}, **HTMX
        )
        upstream.add(responses.PATCH, f"{dashboard.api_url}/cdrs", json={"data": []})
        supervisor.post(
            reverse("history:calls_info"), {"ids": ["7", "8", "7"], "info": "Q1", "action": "info"}, **HTMX
        )
        bodies = [json.loads(call.request.body) for call in upstream.calls]
    assert bodies == [[{"id": 5, "info": "Spring"}], [{"id": 7, "info": "Q1"}, {"id": 8, "info": "Q1"}]]


def test_one_call_from_its_page_htmx_answers_the_panel_and_the_field(fresh_supervisor, fresh):
    cdr = _cdrs(fresh, 1)[0]
    page = fresh_supervisor.get(reverse("history:call_detail", args=[cdr["id"]])).content.decode()
    assert 'id="call-info"' in page and f'action="{reverse("history:call_info", args=[cdr["id"]])}"' in page

    response = fresh_supervisor.post(
        reverse("history:call_info", args=[cdr["id"]]), {"info": "Spring <b>campaign</b>"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="call-info"') and "Additional information saved." in html
    assert "Spring &lt;b&gt;campaign&lt;/b&gt;" in html and "<b>campaign" not in html
    assert '<dd id="field-info" data-field="info" hx-swap-oob="true">Spring &lt;b&gt;' in html
    assert _info(fresh, cdr["id"]) == "Spring <b>campaign</b>"
    event = AuditEvent.objects.get(action=Action.EDIT, section="calls")
    assert event.object_ids == [cdr["id"]] and event.detail["field"] == "info"


def test_one_call_without_htmx_goes_back_to_its_page_with_a_message(fresh_supervisor, fresh):
    cdr = _cdrs(fresh, 1)[0]
    response = fresh_supervisor.post(
        reverse("history:call_info", args=[cdr["id"]]), {"info": "Checked"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("history:call_detail", args=[cdr["id"]])
    html = response.content.decode()
    assert (
        "Additional information saved." in html
        and '<dd id="field-info" data-field="info">\n          Checked' in html
    )


def test_many_calls_from_the_table(fresh_supervisor, fresh):
    first, second = _cdrs(fresh)
    table = fresh_supervisor.get(reverse("history:table", args=["calls"]) + "?legs=on").content.decode()
    assert "Set additional information" in table and f'formaction="{reverse("history:calls_info")}"' in table
    back = "/calls/?legs=on"
    response = fresh_supervisor.post(
        reverse("history:calls_info"),
        {"ids": [first["id"], second["id"]], "info": "Q4", "next": back},
        **HTMX,
    )
    assert response.status_code == 200 and json.loads(response["HX-Location"]) == {
        "path": back,
        "target": "#table",
        "swap": "outerHTML",
    }
    assert _info(fresh, first["id"]) == _info(fresh, second["id"]) == "Q4"
    table = fresh_supervisor.get(back, **HTMX).content.decode()
    assert "Additional information saved on 2 calls" in table


def test_a_lost_answer_is_read_back_and_told_as_it_is(fresh_supervisor, fresh):
    cdr = _cdrs(fresh, 1)[0]
    fresh.add_fault(path="^/cdrs$", method="PATCH", truncate_bytes=5)
    html = fresh_supervisor.post(
        reverse("history:call_info", args=[cdr["id"]]), {"info": "Lost?"}, **HTMX
    ).content.decode()
    assert "answer was lost, but reading it back shows the change" in html and "Lost?" in html
    assert _info(fresh, cdr["id"]) == "Lost?"
    assert AuditEvent.objects.get(action=Action.EDIT).detail["outcome"] == "lost_done"


def test_too_long_text_is_refused_and_nothing_sent(supervisor, emulator):
    cdr = _cdrs(emulator, 1)[0]
    html = supervisor.post(
        reverse("history:call_info", args=[cdr["id"]]), {"info": "x" * 1001}, **HTMX
    ).content.decode()
    assert "at most 1000 characters" in html and _info(emulator, cdr["id"]) == cdr["info"]
    assert not AuditEvent.objects.exists()


def test_an_agent_is_refused_by_the_dashboard_and_sees_no_form(agent, emulator):
    cdr = _cdrs(emulator, 1)[0]
    assert (
        'id="call-info-input"'
        not in agent.get(reverse("history:call_detail", args=[cdr["id"]])).content.decode()
    )
    assert "Set additional information" not in agent.get("/calls/?legs=on").content.decode()
    for url, data in (
        (reverse("history:call_info", args=[cdr["id"]]), {"info": "agent"}),
        (reverse("history:calls_info"), {"ids": [cdr["id"]], "info": "agent"}),
    ):
        response = agent.post(url, data)
        assert response.status_code == 403 and "read-only" in response.content.decode()
    assert _info(emulator, cdr["id"]) == cdr["info"]


def test_a_post_without_the_csrf_token_is_refused(dashboard, db, emulator):
    client = sign_in_as(Client(enforce_csrf_checks=True), dashboard, SUPERVISOR)
    cdr = _cdrs(emulator, 1)[0]
    assert client.post(reverse("history:call_info", args=[cdr["id"]]), {"info": "forged"}).status_code == 403
    assert (
        client.post(reverse("history:calls_info"), {"ids": [cdr["id"]], "info": "forged"}).status_code == 403
    )
    assert _info(emulator, cdr["id"]) == cdr["info"]


def test_signed_out_is_sent_to_sign_in(client, db):
    response = client.post(reverse("history:calls_info"), {"ids": [1], "info": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_one_call_can_be_cleared_but_many_only_set(fresh_supervisor, fresh):
    first, second = _cdrs(fresh)
    fresh_supervisor.post(reverse("history:call_info", args=[first["id"]]), {"info": "Old"}, **HTMX)
    html = fresh_supervisor.post(
        reverse("history:call_info", args=[first["id"]]), {"info": ""}, **HTMX
    ).content.decode()
    assert "No additional information on this call." in html and _info(fresh, first["id"]) == ""
    html = fresh_supervisor.post(
        reverse("history:call_info", args=[first["id"]]), {}, **HTMX
    ).content.decode()
    assert "Nothing to save" in html
    fresh_supervisor.post(reverse("history:calls_info"), {"ids": [second["id"]], "info": "Kept"})
    response = fresh_supervisor.post(
        reverse("history:calls_info"), {"ids": [second["id"]], "info": " "}, follow=True
    )
    assert (
        "Type the additional information to set" in response.content.decode()
        and _info(fresh, second["id"]) == "Kept"
    )
