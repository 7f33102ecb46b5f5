"""Writes send only what changed; a lost answer is read back and the supervisor told what is true;
nobody's edit is silently lost (conflicts side by side, different fields both kept, reverts warn).

Against the real emulator over HTTP; the PATCH bodies are the ones that left the dashboard."""

from __future__ import annotations

import json
from html import unescape

import pytest
import requests

from tests.conftest import SUPERVISOR, sign_in_as
from tests.recording_form import form_fields, opened_form
from voiphistory.audit.models import AuditEvent
from voiphistory.history import writes
from voiphistory.history.models import RecordingEdit

HTMX = {"HTTP_HX_REQUEST": "true"}
ANALYSED = '[{"property": "cx_score", "operator": "gte", "value": 0}]'


@pytest.fixture
def fresh(fresh_supervisor, fresh_emulator, settings):
    settings.VOIPSTUDIO_READ_TIMEOUT = 0.5  # so a slow fault is a lost answer quickly
    return fresh_supervisor, fresh_emulator


def analysed(emulator) -> dict:
    return emulator.get("/monitors", limit=1, sort="timestamp", dir="DESC", filter=ANALYSED).json()["data"][0]


def never_analysed(emulator) -> dict:
    found = [
        m
        for m in emulator.get("/monitors", limit=500).json()["data"]
        if m["sentiment"] is None and m["cx_score"] is None
    ]
    assert found, "the seed has recordings the AI has not analysed"
    return found[0]


def patches(log) -> list[tuple[str, object]]:
    return [
        (sent.url.split("/voipstudio", 1)[1], json.loads(sent.body)) for sent in log if sent.method == "PATCH"
    ]


# -- 4. only what changed ----------------------------------------------------------------------------


def test_correcting_the_summary_of_a_never_analysed_recording_sends_only_the_summary(fresh, upstream_log):
    client, emulator = fresh
    recording = never_analysed(emulator)
    data = opened_form(client, recording["id"], summary="Caller asked for opening hours.")
    response = client.post(f"/recordings/{recording['id']}/edit/", data, **HTMX)
    assert response.status_code == 200 and "Saved" in response.content.decode()
    assert patches(upstream_log) == [
        (f"/monitors/{recording['id']}", {"summary": "Caller asked for opening hours."})
    ]
    now = emulator.get(f"/monitors/{recording['id']}").json()["data"]
    assert now == {**recording, "summary": "Caller asked for opening hours."}


def test_a_never_analysed_recording_reopens_with_its_new_summary_and_still_no_analysis(fresh):
    client, emulator = fresh
    recording = never_analysed(emulator)
    client.post(
        f"/recordings/{recording['id']}/edit/",
        opened_form(client, recording["id"], summary="By hand."),
        **HTMX,
    )
    reopened = opened_form(client, recording["id"])
    assert reopened["summary"] == "By hand."
    assert (reopened["sentiment"], reopened["cx_score"]) == ("", "")  # saving the summary invented no score


def test_changing_the_sentiment_sends_its_word_and_nothing_else(fresh, upstream_log):
    client, emulator = fresh
    recording = analysed(emulator)
    data = opened_form(client, recording["id"])
    other, word = (
        ("0", "negative") if data["sentiment"] != "0" else ("2", "positive")
    )  # not what it already is
    client.post(f"/recordings/{recording['id']}/edit/", {**data, "sentiment": other}, **HTMX)
    assert patches(upstream_log) == [(f"/monitors/{recording['id']}", {"sentiment": word})]


def test_saving_an_unchanged_form_sends_nothing(fresh, upstream_log):
    client, emulator = fresh
    recording = analysed(emulator)
    response = client.post(
        f"/recordings/{recording['id']}/edit/", opened_form(client, recording["id"]), **HTMX
    )
    assert "Nothing to save" in response.content.decode() and patches(upstream_log) == []
    assert not RecordingEdit.objects.exists() and not AuditEvent.objects.exists()


def test_a_form_without_its_opened_values_is_refused_and_sends_nothing(fresh, upstream_log):
    client, emulator = fresh
    recording = analysed(emulator)
    for opened in ("", "forged", "x:y:z"):
        data = {**opened_form(client, recording["id"], summary="Sneaky."), "opened": opened}
        html = client.post(f"/recordings/{recording['id']}/edit/", data, **HTMX).content.decode()
        assert "This form is out of date" in html
    assert patches(upstream_log) == []


def test_the_opened_values_of_one_recording_do_not_fit_another(fresh, upstream_log):
    client, emulator = fresh
    first, second = emulator.get("/monitors", limit=2, filter=ANALYSED).json()["data"]
    data = {
        **opened_form(client, second["id"], summary="Mixed up."),
        "opened": opened_form(client, first["id"])["opened"],
    }
    assert (
        "This form is out of date"
        in client.post(f"/recordings/{second['id']}/edit/", data, **HTMX).content.decode()
    )
    assert patches(upstream_log) == []


# -- 7. outcome unknown: read back, say what is true, keep it ---------------------------------------


def test_an_edit_whose_answer_is_cut_off_is_read_back_and_reported_saved(fresh):
    client, emulator = fresh
    recording = analysed(emulator)
    data = opened_form(client, recording["id"], summary="Applied, answer lost.")
    emulator.add_fault(
        method="PATCH", path=r"^/monitors/\d+$", truncate_bytes=20
    )  # applied, then the answer cut
    html = client.post(f"/recordings/{recording['id']}/edit/", data, **HTMX).content.decode()
    emulator.clear_faults()
    assert "Saved — VoIPstudio's answer was lost, but reading it back shows the change." in unescape(html)
    assert 'name="summary"' not in html  # the row again, not the form
    [edit] = RecordingEdit.objects.all()
    assert edit.outcome == RecordingEdit.Outcome.ANSWER_LOST_SAVED and edit.after == {
        "summary": "Applied, answer lost."
    }
    assert edit.attempted == {"summary": "Applied, answer lost."} and edit.before == {
        "summary": recording["summary"]
    }
    [event] = AuditEvent.objects.all()
    assert event.detail["outcome"] == writes.LOST_DONE and event.detail["fields"] == ["summary"]


def test_an_edit_whose_answer_never_comes_and_was_not_applied_says_not_saved(fresh):
    client, emulator = fresh
    recording = analysed(emulator)
    data = opened_form(client, recording["id"], summary="Never arrived.")
    emulator.add_fault(method="PATCH", status=504)  # a gateway gave up before VoIPstudio wrote anything
    html = client.post(f"/recordings/{recording['id']}/edit/", data, **HTMX).content.decode()
    emulator.clear_faults()
    assert (
        "Not saved — VoIPstudio still has the old text (VoIPstudio's answer was lost; read back just now)."
        in unescape(html)
    )
    assert form_fields(html)["summary"] == "Never arrived."  # the person's text is still in the form
    [edit] = RecordingEdit.objects.all()
    assert edit.outcome == RecordingEdit.Outcome.ANSWER_LOST_NOT_SAVED and edit.after == edit.before
    assert AuditEvent.objects.get().detail["outcome"] == writes.LOST_NOT_DONE
    assert emulator.get(f"/monitors/{recording['id']}").json()["data"] == recording
    again = client.post(f"/recordings/{recording['id']}/edit/", form_fields(html), **HTMX).content.decode()
    assert (
        "Saved" in again
        and emulator.get(f"/monitors/{recording['id']}").json()["data"]["summary"] == "Never arrived."
    )


def test_an_edit_that_times_out_and_lands_late_is_reported_saved(fresh, monkeypatch):
    """The emulator's latency fault sleeps, then writes: the first read back is too early."""
    client, emulator = fresh
    monkeypatch.setattr(writes, "READ_BACK_GRACE_SECONDS", 1.5)
    recording = analysed(emulator)
    data = opened_form(client, recording["id"], cx_score="3")
    emulator.add_fault(method="PATCH", latency_ms=1200)
    html = client.post(f"/recordings/{recording['id']}/edit/", data, **HTMX).content.decode()
    emulator.clear_faults()
    assert "Saved — VoIPstudio's answer was lost, but reading it back shows the change." in unescape(html)
    assert RecordingEdit.objects.get().after == {"cx_score": 3}


def test_a_lost_answer_that_cannot_be_read_back_says_it_is_not_known():
    from voiphistory.voipstudio import OutcomeUnknown, Unavailable

    def write():
        raise OutcomeUnknown(
            "VoIPstudio did not answer within 20 s, after the PATCH was sent", method="PATCH", path="/x"
        )

    def read_one(id):
        raise Unavailable("down")

    settled = writes.settle_write(ids=[1, 2], write=write, read_one=read_one, done=lambda item: True)
    assert settled.outcome == writes.UNKNOWN and settled.unknown == [1, 2] and not settled.all_done
    assert "could not be read back (2 of 2): we cannot tell whether it happened" in settled.message(
        done="Saved", not_done="Not saved"
    )
    assert settled.audit_detail()["unknown"] == [1, 2]


def test_a_delete_whose_answer_is_lost_is_read_back(fresh, monkeypatch):
    """Recordings: deleting one by id is in the reference (calls by id are not: see capabilities)."""
    client, emulator = fresh
    monkeypatch.setattr(writes, "READ_BACK_GRACE_SECONDS", 0)
    first, second = emulator.get("/monitors", limit=2).json()["data"]
    emulator.add_fault(method="DELETE", status=504, remaining=1)  # not applied
    kept = client.post(
        f"/recordings/{first['id']}/delete/", {"next": "/recordings/"}, **HTMX
    ).content.decode()
    assert (
        "Not deleted — VoIPstudio still has the recording (VoIPstudio's answer was lost; read back just now)."
        in unescape(kept)
    )
    assert emulator.get(f"/monitors/{first['id']}").status_code == 200
    emulator.add_fault(method="DELETE", latency_ms=800, remaining=1)  # applied after the 0.5 s timeout
    monkeypatch.setattr(writes, "READ_BACK_GRACE_SECONDS", 1.0)
    gone = client.post(
        f"/recordings/{second['id']}/delete/", {"next": "/recordings/"}, **HTMX
    ).content.decode()
    assert (
        "The recording was deleted — VoIPstudio's answer was lost, but reading it back shows the change."
        in unescape(gone)
    )
    assert emulator.get(f"/monitors/{second['id']}").status_code == 404
    events = {e.object_ids[0]: e.detail["outcome"] for e in AuditEvent.objects.all()}
    assert events == {first["id"]: writes.LOST_NOT_DONE, second["id"]: writes.LOST_DONE}


# -- 8. no lost edits --------------------------------------------------------------------------------


def test_two_supervisors_changing_different_fields_both_keep_their_change(fresh, client):
    ann, emulator = fresh
    from django.test import Client

    bob = sign_in_as(Client(), emulator, SUPERVISOR)
    recording = analysed(emulator)
    ann_form = opened_form(ann, recording["id"], summary="Ann's summary.")
    bob_form = opened_form(bob, recording["id"], cx_score="12")
    ann.post(f"/recordings/{recording['id']}/edit/", ann_form, **HTMX)
    bob.post(f"/recordings/{recording['id']}/edit/", bob_form, **HTMX)
    now = emulator.get(f"/monitors/{recording['id']}").json()["data"]
    assert (now["summary"], now["cx_score"]) == ("Ann's summary.", 12)


def test_a_field_changed_meanwhile_is_shown_side_by_side_and_the_person_chooses(fresh):
    ann, emulator = fresh
    from django.test import Client

    bob = sign_in_as(Client(), emulator, SUPERVISOR)
    recording = analysed(emulator)
    ann_form = opened_form(ann, recording["id"], summary="Ann's summary.", cx_score="40")
    bob_form = opened_form(bob, recording["id"], summary="Bob's summary.")
    ann.post(f"/recordings/{recording['id']}/edit/", ann_form, **HTMX)
    html = bob.post(f"/recordings/{recording['id']}/edit/", bob_form, **HTMX).content.decode()
    assert "Someone else changed 1 of the fields you changed" in html and "Nothing was saved" in html
    assert (
        "Now in VoIPstudio" in html
        and "Ann's summary." in unescape(html)
        and "Bob's summary." in unescape(html)
    )
    assert (
        emulator.get(f"/monitors/{recording['id']}").json()["data"]["summary"] == "Ann's summary."
    )  # not overwritten
    conflict = form_fields(html)
    assert (
        conflict["summary"] == "Bob's summary." and "choose_summary" not in conflict
    )  # nothing chosen for them
    unchosen = bob.post(f"/recordings/{recording['id']}/edit/", conflict, **HTMX).content.decode()
    assert "Choose whose text to keep." in unchosen
    kept = bob.post(f"/recordings/{recording['id']}/edit/", {**conflict, "choose_summary": "theirs"}, **HTMX)
    assert "Nothing to save" in kept.content.decode()
    assert emulator.get(f"/monitors/{recording['id']}").json()["data"]["summary"] == "Ann's summary."
    mine = bob.post(f"/recordings/{recording['id']}/edit/", {**conflict, "choose_summary": "mine"}, **HTMX)
    assert "Saved" in mine.content.decode()
    now = emulator.get(f"/monitors/{recording['id']}").json()["data"]
    assert (now["summary"], now["cx_score"]) == ("Bob's summary.", 40)  # Ann's score survives Bob's choice
    summaries = [
        (e.before["summary"], e.after["summary"])
        for e in RecordingEdit.objects.order_by("id")
        if "summary" in e.after
    ]
    assert summaries == [(recording["summary"], "Ann's summary."), ("Ann's summary.", "Bob's summary.")]


def test_the_same_change_made_twice_is_no_conflict(fresh):
    ann, emulator = fresh
    from django.test import Client

    bob = sign_in_as(Client(), emulator, SUPERVISOR)
    recording = analysed(emulator)
    forms = [opened_form(who, recording["id"], summary="Same fix.") for who in (ann, bob)]
    ann.post(f"/recordings/{recording['id']}/edit/", forms[0], **HTMX)
    html = bob.post(f"/recordings/{recording['id']}/edit/", forms[1], **HTMX).content.decode()
    assert "Nothing to save" in html and RecordingEdit.objects.count() == 1


def test_reverting_an_older_edit_warns_about_later_edits_and_needs_confirming(fresh, upstream_log):
    client, emulator = fresh
    recording = analysed(emulator)
    client.post(
        f"/recordings/{recording['id']}/edit/", opened_form(client, recording["id"], summary="First."), **HTMX
    )
    client.post(
        f"/recordings/{recording['id']}/edit/",
        opened_form(client, recording["id"], summary="Second."),
        **HTMX,
    )
    first = RecordingEdit.objects.order_by("id").first()
    url = f"/recordings/{recording['id']}/history/{first.pk}/revert/"
    sent = len(patches(upstream_log))
    warning = client.post(url, **HTMX).content.decode()
    assert "Revert the change of" in warning and "1 later edit of this recording was saved since" in warning
    assert "Revert anyway" in warning and len(patches(upstream_log)) == sent  # nothing sent yet
    assert emulator.get(f"/monitors/{recording['id']}").json()["data"]["summary"] == "Second."
    done = client.post(url, {"confirm": "yes"}, **HTMX).content.decode()
    assert "Reverted." in done
    assert emulator.get(f"/monitors/{recording['id']}").json()["data"]["summary"] == recording["summary"]
    latest = RecordingEdit.objects.order_by("-id").first()
    assert latest.reverts_id == first.pk and latest.before == {"summary": "Second."}


def test_reverting_the_latest_edit_needs_no_confirmation(fresh):
    client, emulator = fresh
    recording = analysed(emulator)
    client.post(
        f"/recordings/{recording['id']}/edit/", opened_form(client, recording["id"], summary="Only."), **HTMX
    )
    edit = RecordingEdit.objects.get()
    assert (
        "Reverted."
        in client.post(f"/recordings/{recording['id']}/history/{edit.pk}/revert/", **HTMX).content.decode()
    )


def test_a_revert_warns_when_voipstudio_holds_other_text_than_the_edit_saved(fresh):
    client, emulator = fresh
    recording = analysed(emulator)
    client.post(
        f"/recordings/{recording['id']}/edit/", opened_form(client, recording["id"], summary="Ours."), **HTMX
    )
    requests.patch(
        f"{emulator.api_url}/monitors/{recording['id']}",
        json={"summary": "Changed in VoIPstudio itself."},
        headers={"X-Auth-Token": emulator.token()},
        timeout=10,
    ).raise_for_status()
    edit = RecordingEdit.objects.get()
    html = client.post(f"/recordings/{recording['id']}/history/{edit.pk}/revert/", **HTMX).content.decode()
    assert (
        "VoIPstudio no longer holds what that edit saved" in html and "Changed in VoIPstudio itself." in html
    )
    assert (
        emulator.get(f"/monitors/{recording['id']}").json()["data"]["summary"]
        == "Changed in VoIPstudio itself."
    )


def test_the_whole_page_shows_a_conflict_and_a_saved_edit_goes_back_with_its_message(fresh):
    ann, emulator = fresh
    from django.test import Client

    bob = sign_in_as(Client(), emulator, SUPERVISOR)
    recording = analysed(emulator)
    bob_form = opened_form(bob, recording["id"], summary="Bob's.")
    saved = ann.post(
        f"/recordings/{recording['id']}/edit/",
        opened_form(ann, recording["id"], summary="Ann's."),
        follow=True,
    )
    assert saved.redirect_chain[-1][0] == "/recordings/" and "Saved." in saved.content.decode()
    page = bob.post(f"/recordings/{recording['id']}/edit/", bob_form).content.decode()
    assert "<html" in page and "Now in VoIPstudio" in page and 'name="choose_summary"' in page
