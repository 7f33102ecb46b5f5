"""Every correction of a recording's AI text keeps what was there before; one click reverts it."""

from __future__ import annotations

import pytest

from tests.conftest import AGENT, SUPERVISOR, sign_in_as
from tests.recording_form import opened_form
from voiphistory.history.models import RecordingEdit

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def fresh(client, settings, fresh_emulator, tmp_path, db):
    settings.VOIPSTUDIO_BASE_URL = fresh_emulator.api_url
    settings.AUDIO_CACHE_DIR = tmp_path / "audio"
    return fresh_emulator


def a_recording(emulator) -> dict:
    """The newest recording the AI has scored (the newest of all may not be analysed yet, depending
    on the hour the emulator was seeded)."""
    scored = '[{"property": "cx_score", "operator": "gte", "value": 0}]'
    return emulator.get("/monitors", limit=1, sort="timestamp", dir="DESC", filter=scored).json()["data"][0]


def test_an_edit_keeps_the_previous_text_who_and_when_and_shows_a_readable_diff(client, fresh):
    supervisor = sign_in_as(client, fresh, SUPERVISOR)
    recording = a_recording(fresh)
    summary = "Customer asked for a refund; agent agreed to call back tomorrow."
    response = supervisor.post(
        f"/recordings/{recording['id']}/edit/",
        opened_form(supervisor, recording["id"], summary=summary, cx_score=91),
    )
    assert response.status_code == 302
    [edit] = RecordingEdit.objects.filter(recording_id=recording["id"])
    assert edit.before == {"summary": recording["summary"], "cx_score": recording["cx_score"]}
    assert edit.after == {"summary": summary, "cx_score": 91}
    assert edit.editor_name and edit.editor is not None and edit.customer_id == 100234
    page = supervisor.get(f"/recordings/{recording['id']}/history/").content.decode()
    assert "Edited by a person" in page and edit.editor_name in page
    assert "<ins>" in page and "<del>" in page and "tomorrow.</ins>" in page  # word-level diff
    assert f"<del>{recording['cx_score']}</del>" in page and "<ins>91</ins>" in page


def test_saving_without_changes_adds_no_history(client, fresh):
    supervisor = sign_in_as(client, fresh, SUPERVISOR)
    recording = a_recording(fresh)
    supervisor.post(f"/recordings/{recording['id']}/edit/", opened_form(supervisor, recording["id"]))
    assert not RecordingEdit.objects.exists()
    assert (
        "as VoIPstudio's AI wrote it"
        in supervisor.get(f"/recordings/{recording['id']}/history/").content.decode()
    )


def test_one_click_revert_puts_the_old_text_back_and_is_itself_in_the_history(client, fresh):
    supervisor = sign_in_as(client, fresh, SUPERVISOR)
    recording = a_recording(fresh)
    supervisor.post(
        f"/recordings/{recording['id']}/edit/",
        opened_form(supervisor, recording["id"], summary="Wrong.", sentiment=0),
    )
    edit = RecordingEdit.objects.get()
    assert supervisor.get(f"/recordings/{recording['id']}/history/{edit.pk}/revert/").status_code == 405
    response = supervisor.post(f"/recordings/{recording['id']}/history/{edit.pk}/revert/", **HTMX)
    assert response.status_code == 200 and "Reverted." in response.content.decode()
    now = fresh.get(f"/monitors/{recording['id']}").json()["data"]
    assert now["summary"] == recording["summary"] and now["sentiment"] == recording["sentiment"]
    revert = RecordingEdit.objects.order_by("-id").first()
    assert revert.reverts_id == edit.pk and revert.after["summary"] == recording["summary"]


def test_revert_needs_csrf_and_a_writer_and_the_same_customer(client, fresh, db):
    from django.test import Client

    supervisor = sign_in_as(client, fresh, SUPERVISOR)
    recording = a_recording(fresh)
    supervisor.post(
        f"/recordings/{recording['id']}/edit/", opened_form(supervisor, recording["id"], summary="Changed.")
    )
    edit = RecordingEdit.objects.get()
    url = f"/recordings/{recording['id']}/history/{edit.pk}/revert/"
    strict = sign_in_as(Client(enforce_csrf_checks=True), fresh, SUPERVISOR)
    assert strict.post(url).status_code == 403  # no CSRF token
    agent = sign_in_as(Client(), fresh, AGENT)
    assert agent.post(url).status_code == 403  # read-only account
    assert supervisor.post(f"/recordings/{recording['id'] + 1}/history/{edit.pk}/revert/").status_code == 404
    RecordingEdit.objects.filter(pk=edit.pk).update(customer_id=1)
    assert supervisor.post(url).status_code == 404  # another customer's edit
    assert fresh.get(f"/monitors/{recording['id']}").json()["data"]["summary"] == "Changed."


def test_the_recordings_table_marks_a_corrected_recording_as_edited_by_a_person(client, fresh):
    supervisor = sign_in_as(client, fresh, SUPERVISOR)
    recording = a_recording(fresh)
    saved = supervisor.post(
        f"/recordings/{recording['id']}/edit/",
        opened_form(supervisor, recording["id"], summary="Checked by a person."),
        **HTMX,
    )
    assert "Edited by a person" in saved.content.decode()  # the row that comes back after saving
    table = supervisor.get("/recordings/", {"sort": "-when"}, **HTMX).content.decode()
    own = table.split(f'<tbody id="recording-{recording["id"]}"', 1)[1].split("</tbody>", 1)[0]
    assert "Edited by a person" in own and f"/recordings/{recording['id']}/history/" in own
    assert table.count("Edited by a person") == 1
