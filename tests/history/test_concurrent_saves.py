"""Twenty supervisors save the same recording at once (threads, the real emulator over HTTP, the
same and different fields): nobody's edit is lost, and each field's edit history is a chain that
ends at the value VoIPstudio holds."""

from __future__ import annotations

import threading
from html import unescape

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import SUPERVISOR, sign_in_as
from tests.recording_form import form_fields, opened_form
from voiphistory.history.models import RecordingEdit

HTMX = {"HTTP_HX_REQUEST": "true"}
SAVERS = 20


def _changes(i: int) -> dict[str, str]:
    """Seven change the summary, seven the CX score, six the summary and the transcript at once."""
    if i < 7:
        return {"summary": f"Summary by saver {i}."}
    if i < 14:
        return {"cx_score": str(i)}
    return {"summary": f"Summary and transcript by saver {i}.", "transcript": f"Transcript by saver {i}."}


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_saves_keep_every_edit_and_a_consistent_history(settings, fresh_emulator, tmp_path):
    settings.VOIPSTUDIO_BASE_URL = fresh_emulator.api_url
    settings.AUDIO_CACHE_DIR = tmp_path / "audio"
    analysed = '[{"property": "cx_score", "operator": "gte", "value": 0}]'
    original = fresh_emulator.get("/monitors", limit=1, filter=analysed).json()["data"][0]
    rid = original["id"]
    clients = [sign_in_as(Client(), fresh_emulator, SUPERVISOR) for _ in range(SAVERS)]
    forms = [
        opened_form(clients[i], rid, **_changes(i)) for i in range(SAVERS)
    ]  # all opened before anyone saves
    start = threading.Barrier(SAVERS)
    outcomes: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def save(i: int) -> None:
        try:
            data, said = forms[i], []
            start.wait()
            for _ in range(SAVERS + 1):  # each conflict is resolved as "use mine" and saved again
                html = clients[i].post(f"/recordings/{rid}/edit/", data, **HTMX).content.decode()
                if "Someone else changed" not in html:
                    said.append("saved" if "Saved" in html else unescape(html)[:300])
                    break
                said.append("conflict")
                data = form_fields(html)
                data |= {f"choose_{name}": "mine" for name in _changes(i)}
            outcomes[i] = said
        except BaseException as error:  # noqa: BLE001  (reported below, on the test's thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(SAVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert all(said[-1] == "saved" for said in outcomes.values()) and len(outcomes) == SAVERS, outcomes
    assert any("conflict" in said for said in outcomes.values())  # they did collide: same fields, same moment

    edits = list(RecordingEdit.objects.filter(recording_id=rid).order_by("id"))
    assert len(edits) == SAVERS and all(edit.applied for edit in edits)
    upstream = fresh_emulator.get(f"/monitors/{rid}").json()["data"]
    for name in ("summary", "transcript", "cx_score"):
        value = original[name]
        for edit in (e for e in edits if name in e.after):
            assert edit.before[name] == value, (
                name,
                edit.pk,
                edit.before[name],
                value,
            )  # a chain, link by link
            value = edit.after[name]
        assert value == upstream[name], name  # ... that ends at what VoIPstudio holds
    # Different fields both survive: the last CX score saved and the last summary saved are both there.
    assert upstream["cx_score"] == [e for e in edits if "cx_score" in e.after][-1].after["cx_score"]
    assert upstream["summary"] == [e for e in edits if "summary" in e.after][-1].after["summary"]
