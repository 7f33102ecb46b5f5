"""Writes change state, on a private emulator copy per test: PATCH, bulk PATCH, deletes."""

from __future__ import annotations

import requests

from tests.emulator.test_api import flt


def call(emulator, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"X-Auth-Token": emulator.token()}
    return requests.request(method, f"{emulator.api_url}{path}", headers=headers, timeout=30, **kwargs)


def test_patching_a_recording_persists_and_maps_the_sentiment_word(fresh_emulator):
    monitor = fresh_emulator.get("/monitors", limit=1).json()["data"][0]
    changes = {
        "summary": "Refund agreed.",
        "transcript": "Agent: Hello",
        "sentiment": "positive",
        "cx_score": 91,
    }
    response = call(fresh_emulator, "PATCH", f"/monitors/{monitor['id']}", json=changes)
    assert response.status_code == 200
    saved = fresh_emulator.get(f"/monitors/{monitor['id']}").json()["data"]
    assert (saved["summary"], saved["transcript"], saved["sentiment"], saved["cx_score"]) == (
        "Refund agreed.",
        "Agent: Hello",
        2,
        91,
    )
    assert response.json()["data"] == saved


def test_invalid_recording_patch_answers_field_errors_and_changes_nothing(fresh_emulator):
    monitor = fresh_emulator.get("/monitors", limit=1).json()["data"][0]
    response = call(
        fresh_emulator,
        "PATCH",
        f"/monitors/{monitor['id']}",
        json={"summary": "new", "sentiment": "ecstatic", "cx_score": 101},
    )
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"sentiment", "cx_score"}
    assert fresh_emulator.get(f"/monitors/{monitor['id']}").json()["data"] == monitor


def test_bulk_folder_move_of_voicemail(fresh_emulator):
    messages = fresh_emulator.get("/voicemessages", limit=3, filter=flt(("folder", "eq", 1))).json()["data"]
    body = [{"id": m["id"], "folder": "Work"} for m in messages]
    response = call(fresh_emulator, "PATCH", "/voicemessages", json=body)
    assert response.status_code == 200
    assert [m["folder"] for m in response.json()["data"]] == [3, 3, 3]
    for message in messages:
        assert fresh_emulator.get(f"/voicemessages/{message['id']}").json()["data"]["folder"] == 3


def test_moving_to_old_marks_heard(fresh_emulator):
    message = fresh_emulator.get("/voicemessages", limit=1, filter=flt(("is_new", "eq", True))).json()[
        "data"
    ][0]
    call(
        fresh_emulator, "PATCH", "/voicemessages", json=[{"id": message["id"], "folder": "old"}]
    ).raise_for_status()
    saved = fresh_emulator.get(f"/voicemessages/{message['id']}").json()["data"]
    assert (saved["folder"], saved["is_new"]) == (2, False)


def test_bulk_patch_validates_every_item_before_changing_any(fresh_emulator):
    first, second = fresh_emulator.get("/voicemessages", limit=2).json()["data"]
    response = call(
        fresh_emulator,
        "PATCH",
        "/voicemessages",
        json=[{"id": first["id"], "folder": "Work"}, {"id": second["id"], "folder": "Attic"}],
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "[1].folder"
    assert fresh_emulator.get(f"/voicemessages/{first['id']}").json()["data"]["folder"] == first["folder"]
    unknown = call(
        fresh_emulator,
        "PATCH",
        "/voicemessages",
        json=[{"id": first["id"], "folder": "Work"}, {"id": 1, "folder": "Work"}],
    )
    assert unknown.status_code == 404
    assert fresh_emulator.get(f"/voicemessages/{first['id']}").json()["data"]["folder"] == first["folder"]


def test_bulk_patch_of_cdr_info(fresh_emulator):
    cdr = fresh_emulator.get("/cdrs", limit=1).json()["data"][0]
    response = call(fresh_emulator, "PATCH", "/cdrs", json=[{"id": cdr["id"], "info": "checked by QA"}])
    assert response.status_code == 200
    assert fresh_emulator.get(f"/cdrs/{cdr['id']}").json()["data"]["info"] == "checked by QA"
    assert call(fresh_emulator, "PATCH", "/cdrs", json=[{"id": cdr["id"], "billsec": 1}]).status_code == 400


def test_delete_by_ids_and_unknown_ids(fresh_emulator):
    rows = fresh_emulator.get("/monitors", limit=3).json()["data"]
    ids = ",".join(str(row["id"]) for row in rows)
    assert (
        call(fresh_emulator, "DELETE", f"/monitors/{ids},1").status_code == 404
    )  # one unknown: nothing deleted
    assert fresh_emulator.get(f"/monitors/{rows[0]['id']}").status_code == 200
    response = call(fresh_emulator, "DELETE", f"/monitors/{ids}")
    assert response.status_code == 204 and response.content == b""
    assert all(fresh_emulator.get(f"/monitors/{row['id']}").status_code == 404 for row in rows)


def test_whole_collection_deletes_204_now_or_202_shortly_after(fresh_emulator):
    assert call(fresh_emulator, "DELETE", "/cdrs").status_code == 204
    assert fresh_emulator.get("/cdrs").json()["total"] == 0
    assert call(fresh_emulator, "DELETE", "/chatmsgs").status_code == 204
    assert call(fresh_emulator, "DELETE", "/statements").status_code == 204
    for path in ("/monitors", "/voicemessages"):
        before = fresh_emulator.get(path, limit=1).json()["total"]
        assert call(fresh_emulator, "DELETE", path).status_code == 202
        assert fresh_emulator.get(path, limit=1).json()["total"] == before  # still there for a moment
    # Once the delay has passed on the emulator's clock the deletes have finished (clock.advance).
    moved = requests.post(f"{fresh_emulator.root_url}/_emulator/clock", json={"advance": 2.0}, timeout=30)
    assert moved.status_code == 200
    assert fresh_emulator.get("/monitors", limit=1).json()["total"] == 0
    assert fresh_emulator.get("/voicemessages", limit=1).json()["total"] == 0
