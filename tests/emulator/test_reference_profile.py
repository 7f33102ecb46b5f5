"""The reference profile (EMULATOR_PROFILE=reference) over real HTTP, point by point against the default.

``emulator`` speaks the default dialect and ``reference_emulator`` the reference one, over copies of
one seeded database, so the same ids are compared (voiphistory/emulator/dialects.py). Writes run on
a private reference copy.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator

import pytest
import requests

import devstack
from tests.conftest import AGENT, TWO_FACTOR, TWO_FACTOR_CODE, Emulator, free_port, running_copy
from tests.emulator.test_api import all_rows, flt, login
from tests.emulator.test_writes import call
from voiphistory.emulator.sip import parse_ngrep, parse_trace

NGREP_HEADER = re.compile(r"U \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} [\d.]+:\d+ -> [\d.]+:\d+")


@pytest.fixture(scope="module")
def reference_copy(emulator_template, tmp_path_factory) -> Iterator[Emulator]:
    """A private reference-profile emulator for the writes."""
    with running_copy(
        emulator_template, tmp_path_factory.mktemp("reference-writes"), "reference"
    ) as emulator:
        yield emulator


def by_id(rows: list[dict]) -> dict[int, dict]:
    return {row["id"]: row for row in rows}


def total(emulator: Emulator, path: str, *conditions: tuple[str, str, object]) -> int:
    response = emulator.get(path, limit=1, filter=flt(*conditions))
    assert response.status_code == 200, response.text
    return response.json()["total"]


def first_cdr(emulator: Emulator) -> dict:
    return emulator.get("/cdrs", limit=1).json()["data"][0]


# --- Start-up ---------------------------------------------------------------------------------------


def test_an_unknown_profile_stops_the_emulator_at_start(tmp_path):
    env = devstack.emulator_env(tmp_path)
    env["EMULATOR_PROFILE"] = "referense"
    check = subprocess.run(
        devstack.emulator_command("check"), cwd=devstack.ROOT, env=env, capture_output=True, text=True
    )
    assert check.returncode != 0
    assert "EMULATOR_PROFILE must be one of default, reference, got 'referense'" in check.stderr
    with pytest.raises(RuntimeError, match="emulator exited"):
        devstack.start_emulator(env, "127.0.0.1", free_port(), tmp_path / "emulator.log")


# --- Routes: the reference's only -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "default_status"),
    [
        ("GET", "/users", 404, 200),
        ("GET", "/users/201001", 404, 404),
        ("GET", "/chatmsgs", 404, 200),  # the reference can only delete chat messages
        ("GET", "/chatmsgs/4200001", 404, 200),
        ("GET", "/sms", 404, 200),
        ("GET", "/statements", 404, 405),
        ("DELETE", "/cdrs/{cdr}", 405, None),  # only DELETE /cdrs (everything) is in the reference
        ("PATCH", "/cdrs/{cdr}", 405, 405),
        ("DELETE", "/chats/310001", 405, 405),
        ("GET", "/no-such-endpoint", 404, 404),
    ],
)
def test_what_the_reference_lacks_answers_404_or_405_as_json(
    emulator, reference_emulator, method, path, status, default_status
):
    path = path.format(cdr=first_cdr(reference_emulator)["id"])
    response = call(reference_emulator, method, path)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"message": {404: "Resource not found", 405: "Method not allowed"}[status]}
    if default_status is not None:  # a delete the default allows is not tried on the shared copy
        assert call(emulator, method, path).status_code == default_status


def test_the_refused_delete_by_id_deleted_nothing(reference_emulator):
    cdr = first_cdr(reference_emulator)
    assert call(reference_emulator, "DELETE", f"/cdrs/{cdr['id']}").status_code == 405
    assert reference_emulator.get(f"/cdrs/{cdr['id']}").json()["data"] == cdr


@pytest.mark.parametrize(
    "path",
    [
        "/cdrs",
        "/cdrs/calltracking",
        "/calltracking/cdrs",
        "/cdrs/dictionaries",
        "/cdrs/{cdr}",
        "/cdrs/{cdr}.trace",
        "/cdrs/{cdr}.pcap",
        "/cdrs/{cdr}/notes",
        "/conversations",
        "/monitors",
        "/monitors/{monitor}",
        "/monitors/{monitor}.mp3",
        "/voicemessages",
        "/voicemessages/{vm}",
        "/voicemessages/{vm}.mp3",
        "/chats",
        "/chats/{chat}",
        "/msdrs",
        "/msdrs/{msdr}",
        "/msdrs/{msdr}.trace",
        "/msdrs/{msdr}.pcap",
        "/msdrs/dictionaries",
        "/sms/dictionaries",
        "/mediasessions/dictionaries",
        "/users/201001/cdrs.csv",
        "/me",
        "/ping",
        "/apitokens",
    ],
)
def test_every_reference_read_answers(reference_emulator, path):
    ids = {
        name: reference_emulator.get(f"/{resource}", limit=1).json()["data"][0]["id"]
        for name, resource in (
            ("cdr", "cdrs"),
            ("monitor", "monitors"),
            ("vm", "voicemessages"),
            ("chat", "chats"),
            ("msdr", "msdrs"),
        )
    }
    response = reference_emulator.get(path.format(**ids))
    assert response.status_code == 200, response.text


def test_sign_in_two_factor_and_sign_out_are_served(reference_emulator):
    first = login(reference_emulator, TWO_FACTOR)
    assert first.status_code == 202
    second = requests.post(
        f"{reference_emulator.api_url}/login2fa",
        json={"code": TWO_FACTOR_CODE, "nonce": first.json()["nonce"]},
        timeout=10,
    )
    token = second.json()["user_token"]
    headers = {"X-Auth-Token": token}
    assert requests.get(f"{reference_emulator.api_url}/me", headers=headers, timeout=10).json()["data"][
        "roles"
    ]
    assert (
        requests.post(f"{reference_emulator.api_url}/logout", headers=headers, timeout=10).status_code == 200
    )
    assert requests.get(f"{reference_emulator.api_url}/me", headers=headers, timeout=10).status_code == 401


def test_agents_still_cannot_write(reference_emulator):
    response = requests.delete(
        f"{reference_emulator.api_url}/cdrs",
        headers={"X-Auth-Token": reference_emulator.token(AGENT)},
        timeout=10,
    )
    assert response.status_code == 403
    assert "ROLE_ADMIN" not in reference_emulator.get("/me", AGENT).json()["data"]["roles"]


# --- Voicemail folders: 0-based, plus Urgent ----------------------------------------------------------


def test_voicemail_folders_are_zero_based_and_some_messages_are_urgent(emulator, reference_emulator):
    default = by_id(all_rows(emulator, "/voicemessages"))
    reference = by_id(all_rows(reference_emulator, "/voicemessages"))
    assert default.keys() == reference.keys()
    pairs = Counter((default[i]["folder"], reference[i]["folder"]) for i in default)
    # INBOX 0, Old 1, Work 2 (the seed's folders); Urgent 5 is listed as INBOX by the default dialect.
    assert set(pairs) == {(1, 0), (2, 1), (3, 2), (1, 5)}
    assert {row["folder"] for row in default.values()} <= {1, 2, 3, 4, 5}
    urgent = [i for i in reference if reference[i]["folder"] == 5]
    assert urgent and all(default[i]["folder"] == 1 for i in urgent)
    for i in default:  # nothing else differs
        assert {**reference[i], "folder": None} == {**default[i], "folder": None}


def test_voicemail_folder_filters_use_the_dialects_numbers(emulator, reference_emulator):
    urgent = total(reference_emulator, "/voicemessages", ("folder", "eq", 5))
    inbox = total(reference_emulator, "/voicemessages", ("folder", "eq", 0))
    assert urgent > 0 and inbox > 0
    assert inbox + urgent == total(emulator, "/voicemessages", ("folder", "eq", 1))
    assert total(reference_emulator, "/voicemessages", ("folder", "lte", 1)) == inbox + total(
        emulator, "/voicemessages", ("folder", "eq", 2)
    )
    assert total(emulator, "/voicemessages", ("folder", "eq", 6)) == 0
    assert reference_emulator.get("/voicemessages", filter=flt(("folder", "eq", "urgent"))).status_code == 400


def test_bulk_folder_move_takes_names_and_urgent_only_in_reference(emulator, reference_copy):
    inbox = reference_copy.get(
        "/voicemessages", limit=2, filter=flt(("folder", "eq", 0), ("is_new", "eq", True))
    )
    first, second = inbox.json()["data"]
    response = call(
        reference_copy,
        "PATCH",
        "/voicemessages",
        json=[{"id": first["id"], "folder": "Urgent"}, {"id": second["id"], "folder": "old"}],
    )
    assert response.status_code == 200, response.text
    moved = by_id(response.json()["data"])
    assert moved[first["id"]]["folder"] == 5 and moved[first["id"]]["is_new"] is True
    assert moved[second["id"]]["folder"] == 1 and moved[second["id"]]["is_new"] is False
    assert reference_copy.get(f"/voicemessages/{first['id']}").json()["data"]["folder"] == 5
    numeric = call(reference_copy, "PATCH", "/voicemessages", json=[{"id": first["id"], "folder": 0}])
    assert numeric.status_code == 400 and "Urgent" in numeric.json()["errors"][0]["message"]
    refused = call(emulator, "PATCH", "/voicemessages", json=[{"id": first["id"], "folder": "Urgent"}])
    assert refused.status_code == 400 and "Urgent" not in refused.json()["errors"][0]["message"]


# --- Sentiment -1/0/1 ---------------------------------------------------------------------------------


def test_sentiment_is_minus_one_to_one(emulator, reference_emulator):
    default = by_id(all_rows(emulator, "/monitors"))
    reference = by_id(all_rows(reference_emulator, "/monitors"))
    assert {row["sentiment"] for row in reference.values()} == {-1, 0, 1, None}
    for i, row in default.items():
        expected = None if row["sentiment"] is None else row["sentiment"] - 1
        assert reference[i] == {**row, "sentiment": expected}
    assert total(reference_emulator, "/monitors", ("sentiment", "eq", -1)) == total(
        emulator, "/monitors", ("sentiment", "eq", 0)
    )
    assert total(reference_emulator, "/monitors", ("sentiment", "gte", 0)) == total(
        emulator, "/monitors", ("sentiment", "gte", 1)
    )


def test_sentiment_patch_takes_the_word_and_answers_the_number(reference_copy):
    monitor = reference_copy.get("/monitors", limit=1, filter=flt(("sentiment", "eq", -1))).json()["data"][0]
    response = call(reference_copy, "PATCH", f"/monitors/{monitor['id']}", json={"sentiment": "positive"})
    assert response.status_code == 200 and response.json()["data"]["sentiment"] == 1
    assert reference_copy.get(f"/monitors/{monitor['id']}").json()["data"]["sentiment"] == 1
    numeric = call(reference_copy, "PATCH", f"/monitors/{monitor['id']}", json={"sentiment": 0})
    assert numeric.status_code == 400 and numeric.json()["errors"][0]["field"] == "sentiment"
    assert reference_copy.get(f"/monitors/{monitor['id']}").json()["data"]["sentiment"] == 1


# --- Recording type: the call direction, in both profiles --------------------------------------------


@pytest.mark.parametrize("profile", ["default", "reference"])
def test_recording_type_is_the_call_direction(request, profile):
    api = request.getfixturevalue("emulator" if profile == "default" else "reference_emulator")
    inbound = api.get("/monitors", limit=200, filter=flt(("type", "eq", "I"))).json()
    outbound = api.get("/monitors", limit=200, filter=flt(("type", "eq", "O"))).json()
    assert inbound["total"] > 0 and outbound["total"] > 0  # what the CLI's `--type I` asks
    assert inbound["total"] + outbound["total"] == api.get("/monitors", limit=1).json()["total"]
    assert {m["type"] for m in inbound["data"]} == {"I"} and {m["type"] for m in outbound["data"]} == {"O"}
    for monitor in inbound["data"][:5] + outbound["data"][:5]:
        leg = api.get("/cdrs", filter=flt(("live_id", "eq", monitor["live_id"]))).json()["data"][0]
        assert leg["type"] == monitor["type"]


# --- Chat states as words --------------------------------------------------------------------------------


def test_chat_states_are_words_with_abandoned(emulator, reference_emulator):
    default = by_id(all_rows(emulator, "/chats"))
    reference = by_id(all_rows(reference_emulator, "/chats"))
    words = {0: {"queued"}, 1: {"active"}, 2: {"closed"}, 3: {"missed", "abandoned"}}
    for i, row in default.items():
        assert reference[i]["state"] in words[row["state"]]
        assert {**reference[i], "state": None} == {**row, "state": None}
    seen = Counter(row["state"] for row in reference.values())
    assert seen["abandoned"] > 0 and seen["missed"] > 0 and seen["closed"] > 0
    assert set(seen) <= {"queued", "active", "closed", "missed", "abandoned"}
    assert total(reference_emulator, "/chats", ("state", "eq", "abandoned")) == seen["abandoned"]
    assert total(emulator, "/chats", ("state", "eq", 3)) == seen["missed"] + seen["abandoned"]
    assert emulator.get("/chats", filter=flt(("state", "eq", "missed"))).status_code == 400


# --- Dictionaries: a mapping per field -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/cdrs/dictionaries", "/msdrs/dictionaries", "/sms/dictionaries", "/mediasessions/dictionaries"]
)
def test_dictionaries_are_a_mapping_per_field_with_the_default_content(emulator, reference_emulator, path):
    reference = reference_emulator.get(path).json()["data"]
    default = emulator.get(path).json()["data"]
    assert reference == {
        field: {c["value"]: c["label"] for c in choices} for field, choices in default.items()
    }
    assert all(
        isinstance(code, str) and label for pairs in reference.values() for code, label in pairs.items()
    )


@pytest.mark.parametrize(
    ("collection", "dictionary", "fields"),
    [
        ("/cdrs", "/cdrs/dictionaries", ("type", "disposition", "destination", "context", "t_cause")),
        ("/msdrs", "/msdrs/dictionaries", ("type", "t_cause")),
        ("/sms", "/sms/dictionaries", ("type", "result")),
    ],
)
def test_dictionaries_label_every_code_the_data_uses(emulator, collection, dictionary, fields):
    """Default profile: it is the one that lists SMS; the content is the same in both (above)."""
    labels = {
        field: {c["value"] for c in choices}
        for field, choices in emulator.get(dictionary).json()["data"].items()
    }
    rows = all_rows(emulator, collection)
    for field in fields:
        used = {row[field] for row in rows}
        assert used and used <= labels[field], (field, used - labels[field])


# --- SIP trace: the ngrep layout; pcap identical ------------------------------------------------------


@pytest.mark.parametrize("resource", ["cdrs", "msdrs"])
def test_trace_is_in_the_ngrep_layout_with_the_same_messages(emulator, reference_emulator, resource):
    item = reference_emulator.get(f"/{resource}", limit=1, filter=flt(("duration", "gt", 30))).json()["data"][
        0
    ]
    text = reference_emulator.get(f"/{resource}/{item['id']}.trace").text
    lines = text.split("\n")
    assert NGREP_HEADER.fullmatch(lines[0]) and lines[1].startswith("INVITE sip:")
    assert "--" not in lines and text.endswith("\n\n")
    assert parse_ngrep(text) == parse_trace(emulator.get(f"/{resource}/{item['id']}.trace").text)
    pcap = reference_emulator.get(f"/{resource}/{item['id']}.pcap")
    assert (
        pcap.content == emulator.get(f"/{resource}/{item['id']}.pcap").content
        and pcap.content[:4] == b"\xd4\xc3\xb2\xa1"
    )


# --- Notes: id, text, author, date ---------------------------------------------------------------------


def test_notes_items_are_id_text_author_date(emulator, reference_emulator):
    for cdr in emulator.get("/cdrs", limit=400, filter=flt(("is_root", "eq", True))).json()["data"]:
        default = emulator.get(f"/cdrs/{cdr['id']}/notes").json()
        if default["total"]:
            break
    else:
        pytest.fail("the seed gives some calls notes")
    reference = reference_emulator.get(f"/cdrs/{cdr['id']}/notes").json()
    assert reference["total"] == default["total"]
    assert reference["data"] == [
        {"id": n["id"], "text": n["note"], "author": n["user_name"], "date": n["created_at"]}
        for n in default["data"]
    ]


# --- Sorting by a coded field: in the order of what the profile shows -------------------------------


@pytest.mark.parametrize("profile", ["default", "reference"])
def test_sorting_by_a_coded_field_follows_the_values_shown(request, profile):
    api = request.getfixturevalue("emulator" if profile == "default" else "reference_emulator")
    folders = [row["folder"] for row in all_rows(api, "/voicemessages", sort="folder", dir="ASC")]
    assert folders == sorted(folders)  # in default, urgent messages (shown as INBOX) sort with INBOX
    states = [row["state"] for row in all_rows(api, "/chats", sort="-state")]
    assert states == sorted(states, reverse=True) and len(set(states)) >= 2
    sentiments = [row["sentiment"] for row in all_rows(api, "/monitors", sort="sentiment", dir="DESC")]
    analysed = [s for s in sentiments if s is not None]
    assert analysed == sorted(analysed, reverse=True) and sentiments[len(analysed) :] == [None] * (
        len(sentiments) - len(analysed)
    )
