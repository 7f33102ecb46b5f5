"""The emulator over real HTTP: authentication, the collection dialect, single resources, errors.

Writes live in test_writes.py (on private copies); files in test_files.py; faults in test_faults.py.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests

from tests.conftest import AGENT, DEMO_PASSWORD, SUPERVISOR, TWO_FACTOR, TWO_FACTOR_CODE

# Field lists of the History reference's example responses (docs/voipstudio-api.md, "The History reference").
REFERENCE_FIELDS = {
    "/cdrs": "id billsec call_id calldate charge clid context destination disposition dst dst_codec dst_id "
    "dst_name dst_ua duration info is_root live_id parent_live_id rate root_live_id server_id sip_endpoint_id "
    "src src_codec src_id src_name src_ua t_cause type user_id",
    "/monitors": "id call_id called caller context cx_score dst dst_id dst_name duration live_id sentiment "
    "sip_endpoint_id size src src_id src_name summary timestamp transcript type user_id",
    "/voicemessages": "id caller callerid dialled duration extension_id folder is_new live_id origtime "
    "parent_live_id transcript",
    "/chats": "id created_at customer_id duration operator_id operator_ua state visitor_city visitor_country "
    "visitor_email visitor_geo visitor_id visitor_ip visitor_name visitor_referer visitor_ua website_id",
    "/conversations": "id channel created_at customer_id cx_score dst dst_name duration monitor_id object_class "
    "object_id src src_name type user_id",
    "/msdrs": "id call_id created_at dst dst_id dst_ua duration media_session_id src src_id src_ua t_cause type user_id",
    "/sms": "id created_at from from_id from_name message result to to_id to_name type user_id",
}


def login(emulator, email: str, password: str = DEMO_PASSWORD) -> requests.Response:
    return requests.post(f"{emulator.api_url}/login", json={"email": email, "password": password}, timeout=10)


def all_rows(emulator, path: str, **params) -> list[dict]:
    rows, page = [], 1
    while True:
        body = emulator.get(path, page=page, limit=10000, **params).json()
        if not body["data"]:
            return rows
        rows += body["data"]
        page += 1


def flt(*conditions: tuple[str, str, object]) -> str:
    return json.dumps([{"property": p, "operator": o, "value": v} for p, o, v in conditions])


# --- Authentication ------------------------------------------------------------------------------


def test_login_returns_a_session_token_that_lists_cdrs(emulator):
    response = login(emulator, SUPERVISOR)
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Login success" and isinstance(body["user_id"], int)
    listed = requests.get(
        f"{emulator.api_url}/cdrs", headers={"X-Auth-Token": body["user_token"]}, timeout=10
    )
    assert listed.status_code == 200 and listed.json()["total"] >= 20000


def test_bad_credentials_answer_401_with_the_live_body(emulator):
    response = login(emulator, SUPERVISOR, "wrong")
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": "Invalid credentials"}]}


def test_two_factor_login_needs_the_code_and_a_live_nonce(emulator):
    first = login(emulator, TWO_FACTOR)
    assert first.status_code == 202
    nonce = first.json()["nonce"]
    wrong = requests.post(f"{emulator.api_url}/login2fa", json={"code": "000000", "nonce": nonce}, timeout=10)
    assert wrong.status_code == 401
    right = requests.post(
        f"{emulator.api_url}/login2fa", json={"code": TWO_FACTOR_CODE, "nonce": nonce}, timeout=10
    )
    assert right.status_code == 200 and right.json()["user_token"]
    reused = requests.post(
        f"{emulator.api_url}/login2fa", json={"code": TWO_FACTOR_CODE, "nonce": nonce}, timeout=10
    )
    assert reused.status_code == 401


@pytest.mark.parametrize("version", ["v1.1", "v1.2"])
def test_both_api_versions_answer(emulator, version):
    url = f"{emulator.root_url}/{version}/voipstudio/ping"
    response = requests.get(url, headers={"X-Auth-Token": emulator.token()}, timeout=10)
    assert response.json() == {"data": {"response": "Pong"}}


def test_missing_or_unknown_token_answers_401(emulator):
    for headers in ({}, {"X-Auth-Token": "not-a-token"}):
        response = requests.get(f"{emulator.api_url}/cdrs", headers=headers, timeout=10)
        assert response.status_code == 401
        assert response.json() == {"message": "Unauthorized"}


def test_legacy_basic_authorization_is_accepted_and_malformed_is_400(emulator):
    good = base64.b64encode(f"anything:{emulator.token()}".encode()).decode()
    response = requests.get(
        f"{emulator.api_url}/ping", headers={"Authorization": f"Basic {good}"}, timeout=10
    )
    assert response.status_code == 200
    bad = base64.b64encode(emulator.token().encode()).decode()
    response = requests.get(f"{emulator.api_url}/ping", headers={"Authorization": f"Basic {bad}"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["message"] == "Failed to parse Authorization header credentials"


def test_logout_ends_the_session(emulator):
    token = login(emulator, SUPERVISOR).json()["user_token"]
    headers = {"X-Auth-Token": token}
    assert requests.post(f"{emulator.api_url}/logout", headers=headers, timeout=10).status_code == 200
    assert requests.get(f"{emulator.api_url}/ping", headers=headers, timeout=10).status_code == 401


def test_me_describes_the_signed_in_user(emulator):
    data = emulator.get("/me").json()["data"]
    assert data["email"] == SUPERVISOR
    assert {"id", "first_name", "last_name", "customer_id"} <= set(data)


def test_named_api_tokens_are_unique_per_user_listed_and_revocable(emulator):
    headers = {"X-Auth-Token": emulator.token(AGENT)}  # a read-only user still manages its own tokens
    name = f"voiphistory-test-{time.monotonic_ns()}"
    created = requests.post(
        f"{emulator.api_url}/apitokens", json={"name": name, "expiry": 3600}, headers=headers, timeout=10
    )
    assert created.status_code == 201
    token = created.json()["data"]["token"]
    duplicate = requests.post(
        f"{emulator.api_url}/apitokens", json={"name": name, "expiry": 60}, headers=headers, timeout=10
    )
    assert duplicate.status_code == 400 and duplicate.json()["errors"][0]["field"] == "name"
    found = requests.get(
        f"{emulator.api_url}/apitokens",
        params={"filter": flt(("name", "eq", name))},
        headers=headers,
        timeout=10,
    ).json()["data"]
    assert [t["token"] for t in found] == [token]
    assert (
        requests.get(f"{emulator.api_url}/ping", headers={"X-Auth-Token": token}, timeout=10).status_code
        == 200
    )
    assert (
        requests.delete(f"{emulator.api_url}/apitokens/{token}", headers=headers, timeout=10).status_code
        == 204
    )
    assert (
        requests.get(f"{emulator.api_url}/ping", headers={"X-Auth-Token": token}, timeout=10).status_code
        == 401
    )


def test_tokens_expire_when_idle_and_use_renews_them(emulator):
    headers = {"X-Auth-Token": emulator.token()}
    token = requests.post(
        f"{emulator.api_url}/apitokens",
        json={"name": f"short-{time.monotonic_ns()}", "expiry": 2},
        headers=headers,
        timeout=10,
    ).json()["data"]["token"]
    for _ in range(4):  # used every 0.8 s, it outlives its 2 s idle expiry
        advance_clock(emulator, 0.8)
        assert (
            requests.get(f"{emulator.api_url}/ping", headers={"X-Auth-Token": token}, timeout=10).status_code
            == 200
        )
    advance_clock(emulator, 2.5)
    assert (
        requests.get(f"{emulator.api_url}/ping", headers={"X-Auth-Token": token}, timeout=10).status_code
        == 401
    )


def advance_clock(emulator, seconds: float) -> None:
    """Let ``seconds`` pass on the emulator's clock (the session tokens of other tests idle 30 minutes)."""
    before = requests.get(f"{emulator.root_url}/_emulator/clock", timeout=10).json()["data"]["offset_seconds"]
    moved = requests.post(f"{emulator.root_url}/_emulator/clock", json={"advance": seconds}, timeout=10)
    assert moved.status_code == 200 and moved.json()["data"]["offset_seconds"] == pytest.approx(
        before + seconds
    )


def test_clock_refuses_to_go_backwards(emulator):
    response = requests.post(f"{emulator.root_url}/_emulator/clock", json={"advance": -1}, timeout=10)
    assert response.status_code == 400


def test_agent_reads_but_every_write_is_forbidden(emulator):
    headers = {"X-Auth-Token": emulator.token(AGENT)}
    monitor = emulator.get("/monitors", AGENT, limit=1).json()["data"][0]
    patch = requests.patch(
        f"{emulator.api_url}/monitors/{monitor['id']}", json={"summary": "x"}, headers=headers, timeout=10
    )
    delete = requests.delete(f"{emulator.api_url}/monitors/{monitor['id']}", headers=headers, timeout=10)
    assert (patch.status_code, delete.status_code) == (403, 403)
    assert patch.json() == {"message": "Forbidden"}
    assert emulator.get(f"/monitors/{monitor['id']}").json()["data"]["summary"] == monitor["summary"]


# --- Collections ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(REFERENCE_FIELDS))
def test_collections_answer_data_and_total_with_the_reference_fields(emulator, path):
    body = emulator.get(path, limit=5).json()
    assert set(body) == {"data", "total"}
    assert body["total"] > 0 and len(body["data"]) == 5
    assert set(REFERENCE_FIELDS[path].split()) <= set(body["data"][0])


def test_seeded_calls_look_like_a_contact_centre(emulator):
    first = emulator.get("/cdrs", limit=1, sort="calldate", dir="ASC").json()
    last = emulator.get("/cdrs", limit=1, sort="calldate", dir="DESC").json()
    assert first["total"] >= 20000
    assert {"type", "disposition"} <= set(first["data"][0])
    days = (
        time.mktime(time.strptime(last["data"][0]["calldate"], "%Y-%m-%d %H:%M:%S"))
        - time.mktime(time.strptime(first["data"][0]["calldate"], "%Y-%m-%d %H:%M:%S"))
    ) / 86400
    assert 80 <= days <= 91
    assert emulator.get("/cdrs", filter=flt(("id", "gt", 2**31)), limit=1).json()["total"] > 0


def test_default_page_size_and_paging_through_everything(emulator):
    assert len(emulator.get("/chats").json()["data"]) == 25
    total = emulator.get("/chats", limit=1).json()["total"]
    pages = [emulator.get("/chats", page=n, limit=100).json() for n in range(1, total // 100 + 3)]
    ids = [row["id"] for page in pages for row in page["data"]]
    assert len(ids) == len(set(ids)) == total
    assert pages[-1]["data"] == [] and pages[-1]["total"] == total


def test_a_10000_row_page_in_one_request_as_the_singer_tap_asks(emulator):
    body = emulator.get("/cdrs", limit=10000, filter="[]", sort="id", dir="DESC").json()
    assert len(body["data"]) == 10000
    ids = [row["id"] for row in body["data"]]
    assert ids == sorted(ids, reverse=True)


def test_no_client_ever_sees_an_x_next_page_header(emulator):
    assert "X-Next-Page" not in emulator.get("/cdrs", limit=10).headers


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (("type", "eq", "M"), lambda row: row["type"] == "M"),
        (("src", "like", "4477"), lambda row: "4477" in row["src"]),
        (("billsec", "gt", 600), lambda row: row["billsec"] > 600),
        (("billsec", "gte", 600), lambda row: row["billsec"] >= 600),
        (("duration", "lt", 5), lambda row: row["duration"] < 5),
        (("duration", "lte", 5), lambda row: row["duration"] <= 5),
    ],
)
def test_each_filter_operator_selects_exactly_the_matching_rows(emulator, all_cdrs, condition, expected):
    got = {row["id"] for row in all_rows(emulator, "/cdrs", filter=flt(condition))}
    want = {row["id"] for row in all_cdrs if expected(row)}
    assert want and got == want


def test_filters_are_anded_and_dates_take_either_format(emulator, all_cdrs):
    day = all_cdrs[len(all_cdrs) // 2]["calldate"][:10]
    got = {
        row["id"]
        for row in all_rows(
            emulator,
            "/cdrs",
            filter=flt(("calldate", "gte", day), ("calldate", "lt", f"{day} 12:00:00"), ("type", "eq", "I")),
        )
    }
    want = {r["id"] for r in all_cdrs if day <= r["calldate"] < f"{day} 12:00:00" and r["type"] == "I"}
    assert want and got == want


@pytest.fixture(scope="module")
def all_cdrs(_shared_emulator) -> list[dict]:
    return all_rows(_shared_emulator, "/cdrs")


@pytest.mark.parametrize(
    "raw_filter",
    [
        flt(("calldate", "between", ["2026-01-01", "2026-02-01"])),
        flt(("no_such_field", "eq", 1)),
        flt(("billsec", "eq", "ten")),
        flt(("calldate", "gte", "yesterday")),
        "{not json",
        '"a string"',
    ],
)
def test_bad_filters_answer_400_filtration_error(emulator, raw_filter):
    response = emulator.get("/cdrs", filter=raw_filter)
    assert response.status_code == 400
    assert response.json()["message"] == "Filtration error"


@pytest.mark.parametrize(
    ("params", "descending"),
    [
        ({"sort": "calldate", "dir": "ASC"}, False),
        ({"sort": "calldate", "dir": "DESC"}, True),
        ({"sort": "-calldate"}, True),
    ],
)
def test_sort_and_direction(emulator, params, descending):
    dates = [row["calldate"] for row in emulator.get("/cdrs", limit=200, **params).json()["data"]]
    assert dates == sorted(dates, reverse=descending)


def test_unknown_sort_field_is_refused(emulator):
    assert emulator.get("/cdrs", sort="nope").status_code == 400


def test_calltracking_is_served_at_both_paths(emulator):
    one = emulator.get("/calltracking/cdrs", limit=50).json()
    other = emulator.get("/cdrs/calltracking", limit=50).json()
    assert one == other and 0 < one["total"] < emulator.get("/cdrs", limit=1).json()["total"]
    assert all(row["info"].startswith("Campaign") for row in one["data"])


# --- Single resources ----------------------------------------------------------------------------


def test_single_resources_come_with_links(emulator):
    for path in ("/cdrs", "/monitors", "/voicemessages", "/chats", "/msdrs"):
        row = emulator.get(path, limit=1).json()["data"][0]
        body = emulator.get(f"{path}/{row['id']}").json()
        assert body == {"data": row, "links": {}}


@pytest.mark.parametrize("bad_id", ["999", "0", "1,2;x", "-1", "abc", "99999999999999999999"])
def test_unknown_or_malformed_ids_answer_404(emulator, bad_id):
    response = emulator.get(f"/cdrs/{bad_id}")
    assert response.status_code == 404
    assert response.json() == {"message": "Resource not found"}


def test_notes_of_a_call(emulator):
    with_notes = None
    for cdr in emulator.get("/cdrs", limit=400, filter=flt(("is_root", "eq", True))).json()["data"]:
        notes = emulator.get(f"/cdrs/{cdr['id']}/notes").json()
        if notes["total"]:
            with_notes = notes
            break
    assert with_notes is not None, "the seed gives some calls notes"
    assert set(with_notes["data"][0]) == {"id", "cdr_id", "user_id", "user_name", "note", "created_at"}


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        ("/cdrs/dictionaries", {"type", "disposition", "destination", "context"}),
        ("/msdrs/dictionaries", {"type"}),
        ("/sms/dictionaries", {"type", "result"}),
        ("/mediasessions/dictionaries", {"type", "status"}),
    ],
)
def test_dictionaries_list_coded_values_with_labels(emulator, path, keys):
    data = emulator.get(path).json()["data"]
    assert keys <= set(data)
    assert all({"value", "label"} == set(choice) for choices in data.values() for choice in choices)


def test_users_and_the_per_user_csv_export_request(emulator):
    users = emulator.get("/users", limit=100).json()
    assert users["total"] >= 25
    assert all("password" not in user for user in users["data"])
    user = users["data"][0]
    assert emulator.get(f"/users/{user['id']}/cdrs.csv").json()["data"]["id"] == user["id"]
