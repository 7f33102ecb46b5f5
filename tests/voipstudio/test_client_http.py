"""VoipstudioClient over HTTP: the token and its secrecy, query parameters, error mapping, and
the package's independence from Django. `responses` mocks the API (http_doubles); retries and
files are in test_client_retries, paging, deletes and writes in test_client_collections.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import responses

from tests.voipstudio.http_doubles import (  # noqa: F401 (fixtures: client, mock)
    BASE,
    CDR,
    TOKEN,
    client,
    closed_port,
    mock,
    query,
)
from voiphistory.voipstudio import (
    Filter,
    Forbidden,
    InvalidRequest,
    LoginResult,
    NotFound,
    RateLimited,
    TwoFactorRequired,
    Unauthorized,
    Unavailable,
    VoipstudioClient,
    VoipstudioError,
    date_range,
)

# -- authentication header and secrecy --------------------------------------------------------


def test_token_travels_per_request_and_never_on_the_session(mock, client):
    mock.get(f"{BASE}/me", json={"data": {"id": 1, "email": "a@b.c"}})
    client.me()
    sent = mock.calls[0].request.headers
    assert sent["X-Auth-Token"] == TOKEN
    assert "X-Next-Page" not in sent
    assert "X-Auth-Token" not in client.session.headers
    assert TOKEN not in repr(client)
    assert mock.calls[0].request.req_kwargs["timeout"] == (3.05, 20.0)


def test_redirects_are_not_followed(mock, client):
    """Following one would replay X-Auth-Token to wherever Location points."""
    mock.get(f"{BASE}/me", status=302, headers={"Location": "https://elsewhere.test/steal"})
    with pytest.raises(VoipstudioError, match="redirect"):
        client.me()
    assert len(mock.calls) == 1


def test_with_token_shares_the_pool_and_switches_user(mock, client):
    other = client.with_token("otherTOKEN")
    mock.get(f"{BASE}/ping", json={"data": {"response": "Pong"}})
    client.ping()
    other.ping()
    assert other.session is client.session
    assert [c.request.headers["X-Auth-Token"] for c in mock.calls] == [TOKEN, "otherTOKEN"]


def test_shared_session_carrying_a_token_is_refused(client):
    client.session.headers["X-Auth-Token"] = TOKEN
    with pytest.raises(ValueError) as excinfo:
        VoipstudioClient(BASE, TOKEN, session=client.session)
    assert TOKEN not in str(excinfo.value)


def test_token_is_absent_from_errors_and_logs(mock, client, caplog):
    caplog.set_level(logging.DEBUG)
    mock.get(f"{BASE}/me", status=401, json={"message": "Unauthorized"})
    with pytest.raises(Unauthorized) as excinfo:
        client.me()
    assert TOKEN not in str(excinfo.value) and TOKEN not in repr(excinfo.value)
    assert TOKEN not in caplog.text


def test_token_in_a_path_does_not_leak_on_failure(caplog):
    """DELETE /apitokens/{token} puts a token in the path: no message, chain or log shows it."""
    caplog.set_level(logging.DEBUG)
    dead = VoipstudioClient(f"http://127.0.0.1:{closed_port()}/v1", TOKEN, retries=0)
    with pytest.raises(Unavailable) as excinfo:
        dead.api_tokens.delete(TOKEN)
    assert excinfo.value.__cause__ is None and excinfo.value.__context__ is None
    assert TOKEN not in str(excinfo.value) and TOKEN not in caplog.text
    dead.session.close()


def test_login_sends_no_token_and_distinguishes_200_202_401(mock, client):
    mock.post(f"{BASE}/login", json={"message": "Login success", "user_token": "newTOKEN", "user_id": 42})
    result = client.login("a@b.c", "pw")
    assert result == LoginResult(token="newTOKEN", user_id=42)
    assert "newTOKEN" not in repr(result)
    assert "X-Auth-Token" not in mock.calls[0].request.headers
    assert json.loads(mock.calls[0].request.body) == {"email": "a@b.c", "password": "pw"}

    mock.replace(responses.POST, f"{BASE}/login", status=202, json={"nonce": "n0nce"})
    assert client.login("a@b.c", "pw") == TwoFactorRequired(nonce="n0nce")

    mock.replace(
        responses.POST, f"{BASE}/login", status=401, json={"errors": [{"message": "Invalid credentials"}]}
    )
    with pytest.raises(Unauthorized) as excinfo:
        client.login("a@b.c", "bad")
    assert excinfo.value.message == "Invalid credentials" and excinfo.value.status == 401


def test_login_2fa_posts_code_and_nonce(mock, client):
    mock.post(f"{BASE}/login2fa", json={"user_token": "t2", "user_id": 5})
    assert client.login_2fa("123456", "n0nce").user_id == 5
    assert json.loads(mock.calls[0].request.body) == {"code": "123456", "nonce": "n0nce"}


# -- query parameters -------------------------------------------------------------------------


def test_page_sends_filter_json_sort_dir_page_limit(mock, client):
    mock.get(f"{BASE}/cdrs", json={"data": [CDR], "total": 51})
    filters = [Filter("type", "eq", "O"), *date_range("calldate", "2024-01-01", "2024-01-31 12:00:00")]
    page = client.cdrs.page(page=3, limit=25, filters=filters, sort="calldate", direction="asc")
    assert query(mock.calls[0]) == {
        "filter": '[{"property":"type","operator":"eq","value":"O"},'
        '{"property":"calldate","operator":"gte","value":"2024-01-01"},'
        '{"property":"calldate","operator":"lte","value":"2024-01-31 12:00:00"}]',
        "sort": "calldate",
        "dir": "ASC",
        "page": "3",
        "limit": "25",
    }
    assert (page.total, page.page, page.limit, page.pages) == (51, 3, 25, 3)
    assert page.items[0].id == 2147483649


def test_defaults_match_the_cli_and_values_stay_out_of_the_path(mock, client):
    mock.get(f"{BASE}/monitors", json={"data": [], "total": 0})
    client.monitors.page(filters=[Filter("src", "like", "44/../../me?x=1")])
    call = mock.calls[0]
    assert urlsplit(call.request.url).path == "/v1.2/voipstudio/monitors"
    assert query(call)["sort"] == "id" and query(call)["dir"] == "DESC"
    assert json.loads(query(call)["filter"])[0]["value"] == "44/../../me?x=1"


@pytest.mark.parametrize("operator", ["between", "ne", "EQ", ""])
def test_unknown_operators_fail_before_sending(operator):
    with pytest.raises(ValueError):
        Filter("calldate", operator, "2024-01-01")


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "exc_type", "message", "field_errors"),
    [
        (400, {"message": "Filtration error"}, InvalidRequest, "Filtration error", {}),
        (
            400,
            {
                "message": "Validation error",
                "errors": [{"field": "info", "message": "Too long"}, {"field": "info", "message": "Bad"}],
            },
            InvalidRequest,
            "Validation error",
            {"info": ["Too long", "Bad"]},
        ),
        (401, {"message": "Unauthorized"}, Unauthorized, "Unauthorized", {}),
        (403, {"message": "Forbidden"}, Forbidden, "Forbidden", {}),
        (404, {"message": "Resource not found"}, NotFound, "Resource not found", {}),
        (
            422,
            {"errors": [{"field": "folder", "message": "Unknown folder"}]},
            InvalidRequest,
            "Unknown folder",
            {"folder": ["Unknown folder"]},
        ),
        (429, {"message": "Too many requests"}, RateLimited, "Too many requests", {}),
        (500, {"message": "Internal error"}, Unavailable, "Internal error", {}),
        (409, {"message": "Conflict"}, VoipstudioError, "Conflict", {}),
    ],
)
def test_status_maps_to_exception_with_api_message(
    mock, client, status, body, exc_type, message, field_errors
):
    mock.get(f"{BASE}/cdrs/5", status=status, json=body)
    with pytest.raises(exc_type) as excinfo:
        client.cdrs.get(5)
    assert type(excinfo.value) is exc_type
    assert (excinfo.value.message, excinfo.value.status) == (message, status)
    assert excinfo.value.field_errors == field_errors


def test_html_error_page_and_malformed_json(mock, client):
    mock.get(f"{BASE}/cdrs/5", status=502, body="<html>Bad gateway</html>", headers={"Retry-After": "3"})
    with pytest.raises(Unavailable) as excinfo:
        client.cdrs.get(5)
    assert excinfo.value.status == 502 and excinfo.value.retry_after == 3
    mock.replace(responses.GET, f"{BASE}/cdrs/5", status=200, body="{not json")
    with pytest.raises(Unavailable, match="malformed"):
        client.cdrs.get(5)
    mock.replace(responses.GET, f"{BASE}/cdrs/5", json={"data": {"id": 5, "calldate": "yesterday"}})
    with pytest.raises(Unavailable, match="malformed"):
        client.cdrs.get(5)


# -- boundary ---------------------------------------------------------------------------------


def test_package_imports_without_django():
    """Load the package with Django import blocked (and the project package's Celery app skipped)."""
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, types, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('django is blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "pkg = types.ModuleType('voiphistory'); pkg.__path__ = [sys.argv[1]]\n"
        "sys.modules['voiphistory'] = pkg\n"
        "import voiphistory.voipstudio as v\n"
        "v.VoipstudioClient('https://x.test/v1.2/voipstudio', 't')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(root / "voiphistory")],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
