"""The audit trail: every listen, download, edit, move and delete is one append-only row with who,
when, what and from where; supervisors browse, filter and export it; nothing can rewrite it."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tests.conftest import AGENT, SUPERVISOR, sign_in_as
from tests.recording_form import opened_form
from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action, AppendOnly, AuditEvent

HTMX = {"HTTP_HX_REQUEST": "true"}
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (audit test)", "REMOTE_ADDR": "203.0.113.7"}


def events(**lookups) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**lookups).order_by("id"))


def _where(**conditions) -> str:
    return json.dumps([{"property": k, "operator": "eq", "value": v} for k, v in conditions.items()])


@pytest.fixture
def monitor(dashboard) -> dict:
    return dashboard.get("/monitors", limit=1).json()["data"][0]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# -- append-only ---------------------------------------------------------------------------------


def _event(**fields) -> AuditEvent:
    return AuditEvent.objects.create(customer_id=1, action=Action.LISTEN, email="a@example.com", **fields)


def test_the_model_refuses_to_change_or_delete_an_event(db):
    event = _event(object_ids=[1])
    event.email = "someone-else@example.com"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(email="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).email == "a@example.com"


def test_the_database_refuses_an_update_that_bypasses_the_model(db):
    event = _event()
    # A savepoint: on PostgreSQL a refused statement aborts the transaction it runs in.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET email = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).email == "a@example.com"


# -- what is recorded ----------------------------------------------------------------------------


def test_a_listen_is_one_row_per_recording_per_session_however_many_ranges(supervisor, monitor):
    url = f"/recordings/{monitor['id']}/audio.mp3"
    body(supervisor.get(url, HTTP_RANGE="bytes=0-", **BROWSER))
    body(supervisor.get(url, HTTP_RANGE="bytes=4096-", **BROWSER))
    body(supervisor.get(url, HTTP_RANGE="bytes=0-1023", **BROWSER))
    body(supervisor.get(url, **BROWSER))
    supervisor.head(url, **BROWSER)
    [listen] = events()
    assert (listen.action, listen.section, listen.object_ids) == ("listen", "recordings", [monitor["id"]])
    assert listen.email == SUPERVISOR and listen.user is not None and listen.customer_id > 0
    assert listen.client_ip == "203.0.113.7" and listen.user_agent == "Mozilla/5.0 (audit test)"
    assert timezone.now() - listen.created_at < timedelta(minutes=1)


def test_a_seek_alone_is_not_a_listen_and_a_new_session_listens_again(client, dashboard, db, monitor):
    sign_in_as(client, dashboard, SUPERVISOR)
    body(client.get(f"/recordings/{monitor['id']}/audio.mp3", HTTP_RANGE="bytes=5000-"))
    assert events() == []
    body(client.get(f"/recordings/{monitor['id']}/audio.mp3"))
    client.logout()
    sign_in_as(client, dashboard, SUPERVISOR)
    body(client.get(f"/recordings/{monitor['id']}/audio.mp3"))
    assert [e.action for e in events()] == ["listen", "listen"]


def test_every_download_is_recorded_audio_voicemail_and_pcap(supervisor, dashboard, monitor):
    body(supervisor.get(f"/recordings/{monitor['id']}/audio.mp3?download=1"))
    body(supervisor.get(f"/recordings/{monitor['id']}/audio.mp3?download=1"))
    voicemail = dashboard.get("/voicemessages", limit=1).json()["data"][0]
    body(supervisor.get(f"/voicemail/{voicemail['id']}/audio.mp3?download=1"))
    cdr = dashboard.get("/cdrs", limit=1, filter=_where(live_id=monitor["live_id"])).json()["data"][0]
    assert supervisor.get(f"/calls/{cdr['id']}/capture.pcap").status_code == 200
    rows = [(e.action, e.section, e.object_ids, e.detail) for e in events()]
    assert rows == [
        ("download", "recordings", [monitor["id"]], {}),
        ("download", "recordings", [monitor["id"]], {}),
        ("download", "voicemail", [voicemail["id"]], {}),
        ("download", "calls", [cdr["id"]], {"file": "pcap"}),
    ]


def test_failed_reads_record_nothing(supervisor, dashboard, monitor):
    dashboard.add_fault(path=r"\.mp3$", status=503)
    assert supervisor.get(f"/recordings/{monitor['id']}/audio.mp3").status_code == 502
    assert supervisor.get("/recordings/999999999/audio.mp3").status_code == 404
    dashboard.add_fault(path=r"\.pcap$", status=503)
    assert supervisor.get("/calls/1/capture.pcap").status_code in (404, 502)
    assert events() == []


@pytest.mark.default_profile  # deletes a call and a chat message by id: not in the History reference
def test_edit_move_and_deletes_are_recorded_with_what_changed(fresh_supervisor, fresh_emulator):
    monitor = fresh_emulator.get("/monitors", limit=1).json()["data"][0]
    cx_score = "78" if monitor.get("cx_score") == 77 else "77"  # a change, whatever the seed gave it
    data = opened_form(fresh_supervisor, monitor["id"], summary="Refund agreed.", cx_score=cx_score)
    fresh_supervisor.post(f"/recordings/{monitor['id']}/edit/", data, **HTMX)
    inbox = fresh_emulator.get("/voicemessages", limit=2, filter=_where(folder=1)).json()["data"]
    fresh_supervisor.post("/voicemail/move/", {"ids": [m["id"] for m in inbox], "folder": "Work"}, **HTMX)
    cdr = fresh_emulator.get("/cdrs", limit=1).json()["data"][0]
    fresh_supervisor.post(f"/calls/{cdr['id']}/delete/", {"next": "/calls/"})
    chat = fresh_emulator.get("/chats", limit=1, filter=_where(state=2)).json()["data"][0]
    message = fresh_emulator.get("/chatmsgs", limit=1, filter=_where(chat_id=chat["id"])).json()["data"][0]
    fresh_supervisor.post(
        f"/chats/{chat['id']}/messages/delete/", {"message": [message["id"]], "confirm": "yes"}, **HTMX
    )
    rows = [(e.action, e.section, sorted(e.object_ids), e.detail) for e in events()]
    changed = ["cx_score", "summary"]  # only what the supervisor changed was sent, and recorded
    assert rows == [
        ("edit", "recordings", [monitor["id"]], {"fields": sorted(changed)}),
        ("move", "voicemail", sorted(m["id"] for m in inbox), {"folder": "Work", "reason": "move"}),
        ("delete", "calls", [cdr["id"]], {}),
        ("delete", "chats", [chat["id"]], {"selected_messages": [message["id"]], "deleted": 1}),
    ]
    assert {e.email for e in events()} == {SUPERVISOR}


def test_a_refused_write_records_nothing(agent, dashboard, monitor):
    agent.post(f"/recordings/{monitor['id']}/delete/", {"next": "/recordings/"}, **HTMX)
    agent.post(
        f"/recordings/{monitor['id']}/edit/",
        {"summary": "x", "transcript": "", "transcript_speakers": "", "sentiment": "", "cx_score": ""},
        **HTMX,
    )
    assert events() == []


def test_a_job_without_a_request_names_its_owner(db, django_user_model):
    owner = django_user_model.objects.create(username="voipstudio-1")
    event = audit.record(
        actor=Actor.owner(owner, email="boss@example.com", customer_id=9),
        action=Action.BULK_DELETE,
        section="recordings",
        ids=[1, 2],
        detail={"job": 3},
    )
    assert event is not None and event.user == owner and event.client_ip is None and event.customer_id == 9


def test_a_forged_forwarded_address_is_not_stored_as_one(rf, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="<script>")
    request.user, request.session = _anonymous(), {}
    assert audit.record(actor=Actor.of(request), action=Action.LISTEN).client_ip is None


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# -- the audit page ------------------------------------------------------------------------------


@pytest.fixture
def logged(dashboard, db) -> list[AuditEvent]:
    """Events of the supervisor's customer (newest: a delete by the agent) and one of another customer."""
    me = dashboard.get("/me").json()["data"]
    now = timezone.now()
    rows = [
        AuditEvent(
            customer_id=me["customer_id"],
            email=SUPERVISOR,
            action="listen",
            section="recordings",
            object_ids=[11],
            created_at=now - timedelta(days=3),
            client_ip="198.51.100.1",
        ),
        AuditEvent(
            customer_id=me["customer_id"],
            email=SUPERVISOR,
            action="edit",
            section="recordings",
            object_ids=[12],
            detail={"fields": ["summary"]},
            created_at=now - timedelta(days=1),
        ),
        AuditEvent(
            customer_id=me["customer_id"],
            email=AGENT,
            action="delete",
            section="calls",
            object_ids=[13],
            created_at=now,
            user_agent='=HYPERLINK("http://evil.example")',
        ),
        AuditEvent(
            customer_id=me["customer_id"] + 1,
            email="other@customer.example",
            action="delete",
            section="calls",
            object_ids=[14],
            created_at=now,
        ),
    ]
    for row in rows:
        row.save()
    return rows


def test_supervisor_browses_their_customers_log_newest_first(supervisor, logged):
    html = supervisor.get("/audit/").content.decode()
    assert "<html" in html and 'id="audit"' in html and "1–3 of 3 events" in html
    assert html.index(AGENT) < html.index("summary") and "other@customer.example" not in html
    assert 'href="/audit/"' in supervisor.get("/calls/").content.decode()  # in the navigation


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "edit"}, [12]),
        ({"user": "agent@"}, [13]),
        ({"user": "SUPERVISOR"}, [11, 12]),
        ({"start": "{today}"}, [13]),
        ({"end": "{yesterday}"}, [11, 12]),
    ],
)
def test_filters_by_person_action_and_days_answer_a_fragment(supervisor, logged, query, expected):
    today = timezone.localdate()
    query = {k: v.format(today=today, yesterday=today - timedelta(days=1)) for k, v in query.items()}
    response = supervisor.get("/audit/", query, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="audit"')
    shown = sorted(int(i) for i in re.findall(r"(?:recordings|calls) (\d+)</td>", html))
    assert shown == expected


def test_invalid_filters_are_explained_not_a_500(supervisor, logged):
    html = supervisor.get(
        "/audit/", {"start": "2026-02-10", "end": "2026-01-01", "page": "x"}
    ).content.decode()
    assert "Some filters need fixing" in html


def test_the_log_is_paged(supervisor, dashboard, db):
    customer = dashboard.get("/me").json()["data"]["customer_id"]
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(customer_id=customer, email=SUPERVISOR, action="listen", object_ids=[i])
            for i in range(120)
        ]
    )
    first = supervisor.get("/audit/", **HTMX).content.decode()
    third = supervisor.get("/audit/", {"page": 3}, **HTMX).content.decode()
    assert "1–50 of 120 events" in first and 'rel="next"' in first
    assert "101–120 of 120 events" in third and 'rel="next"' not in third


def test_agents_cannot_browse_or_export_the_log(agent, logged):
    assert agent.get("/audit/").status_code == 403
    assert agent.get("/audit/export.csv").status_code == 403
    assert 'href="/audit/"' not in agent.get("/calls/").content.decode()


def test_export_streams_the_filtered_log_safe_for_spreadsheets(supervisor, logged):
    response = supervisor.get("/audit/export.csv", {"section": "ignored", "user": "agent"})
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["When", "Person", "Action"] and len(rows) == 2
    assert rows[1][1:5] == [AGENT, "Deleted", "calls", "13"]
    assert rows[1][7] == '\'=HYPERLINK("http://evil.example")'  # a formula is shown, never run
    everything = b"".join(supervisor.get("/audit/export.csv").streaming_content).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(everything)))) == 4 and "other@customer.example" not in everything
