"""Shared fixtures: a live VoIPstudio emulator over real HTTP, seeded once per test session.

``emulator`` is shared by the whole session: tests must not change data other tests read (they
may add faults, but must clear them: the fixture does it after each test that uses it).
``fresh_emulator`` is a private copy for tests that delete or rewrite data.

Page tests run against both emulator profiles (EMULATOR_PROFILE, voiphistory/emulator/dialects.py):
a test whose fixtures reach the dashboard (``dashboard``, ``supervisor``, ``agent``, the browser's
``site``/``page``, or the Django ``client`` with ``fresh_emulator``) is parametrized over
``emulator_profile`` ("default", "reference"; the id shows which), and ``emulator`` /
``fresh_emulator`` then speak that profile. ``@pytest.mark.default_profile`` pins a test that checks
default-profile specifics; tests on the Celery stack (``worker``) are pinned, as its emulator
speaks the default. ``TEST_EMULATOR_PROFILES=default`` runs one profile only (a local shortcut).
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

import devstack

SUPERVISOR = "supervisor@northwind.example"
AGENT = "agent@northwind.example"
TWO_FACTOR = "twofactor@northwind.example"
DEMO_PASSWORD = "correct horse battery staple"
TWO_FACTOR_CODE = "123456"

pytest_plugins = ["tests.celery_stack"]  # the Redis + Celery worker fixtures

PROFILES = ("default", "reference")
_PAGE_FIXTURES = frozenset({"dashboard", "browser_emulator"})
_DJANGO_DB = frozenset({"db", "transactional_db"})
_PINNED_TO_DEFAULT = frozenset({"jobs_stack"})  # the Celery worker's emulator speaks the default dialect


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "default_profile: a page test of default-profile specifics; runs against that profile only"
    )


def _is_page_test(names: set[str]) -> bool:
    return bool(names & _PAGE_FIXTURES) or (
        {"client", "fresh_emulator"} <= names and bool(names & _DJANGO_DB)
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    names = set(metafunc.fixturenames)
    if not _is_page_test(names):
        return
    profiles = [
        p for p in os.environ.get("TEST_EMULATOR_PROFILES", ",".join(PROFILES)).split(",") if p in PROFILES
    ]
    if metafunc.definition.get_closest_marker("default_profile") or names & _PINNED_TO_DEFAULT:
        profiles = ["default"]
    # Session scope: the emulators are session-wide, and pytest then groups the tests by profile.
    metafunc.parametrize("emulator_profile", profiles or ["default"], scope="session", ids=str)


@pytest.fixture(scope="session")
def emulator_profile() -> str:
    """The dialect the test's emulator speaks; page tests are parametrized over PROFILES instead."""
    return "default"


@pytest.fixture(autouse=True)
def _dashboard_configured_for_the_profile(request: pytest.FixtureRequest, emulator_profile: str) -> None:
    """A page test against the reference profile runs with the operator's code mapping for it."""
    if OPERATOR_CODES[emulator_profile]:
        settings = request.getfixturevalue("settings")
        for name, value in OPERATOR_CODES[emulator_profile].items():
            setattr(settings, name, value)


@pytest.fixture(autouse=True)
def job_queue_up(monkeypatch):
    """Starting a job asks the broker first (jobs/broker.py). Tests without the Celery stack never
    publish (their transaction never commits), so the broker counts as up for them; the tests of a
    dead broker (tests/jobs/test_jobs_paused.py) put the real check back."""
    from voiphistory.jobs import broker

    broker.forget()
    monkeypatch.setattr(broker, "_ping", lambda url: True)


@pytest.fixture(autouse=True)
def _no_kept_call_windows():
    """Each test starts with no grouped Calls window kept from another (history.window_cache)."""
    from voiphistory.history import window_cache

    window_cache.clear()


@dataclass(frozen=True)
class Sent:
    method: str
    url: str
    body: bytes | None = None  # what a write carried, for tests that check only changes are sent
    token: str | None = None  # the X-Auth-Token it carried


@pytest.fixture
def upstream_log(monkeypatch) -> list[Sent]:
    """Every HTTP request the dashboard sends upstream (the emulator or anything else), as sent."""
    from requests.adapters import HTTPAdapter

    sent: list[Sent] = []
    original = HTTPAdapter.send

    def send(self, request, **kwargs):
        body = request.body if isinstance(request.body, bytes) else None
        sent.append(Sent(request.method, request.url, body, request.headers.get("X-Auth-Token")))
        return original(self, request, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", send)
    return sent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# How each profile codes what the reference leaves open (README, "The emulator"), written out here
# rather than imported from the emulator, so the tests check it independently.
PROFILE_CODES = {
    "default": {
        "folder": {"INBOX": 1, "Old": 2, "Work": 3, "Family": 4, "Friends": 5},
        "sentiment": {"negative": 0, "neutral": 1, "positive": 2},
        "state": {"queued": 0, "active": 1, "closed": 2, "missed": 3},
    },
    "reference": {
        "folder": {"INBOX": 0, "Old": 1, "Work": 2, "Family": 3, "Friends": 4, "Urgent": 5},
        "sentiment": {"negative": -1, "neutral": 0, "positive": 1},
        "state": {word: word for word in ("queued", "active", "closed", "missed", "abandoned")},
    },
}


# What an operator sets for a server speaking each profile, where the reference leaves the coding
# open and no /…/dictionaries endpoint answers it (README, "Configuration"): page tests against the
# reference profile run with it, as a deployment against such a server would.
OPERATOR_CODES = {
    "default": {},
    "reference": {
        "VOIPSTUDIO_VOICEMAIL_FOLDERS": PROFILE_CODES["reference"]["folder"],
        "VOIPSTUDIO_SENTIMENTS": PROFILE_CODES["reference"]["sentiment"],
        "VOIPSTUDIO_CHAT_STATES": {
            "Waiting": "queued",
            "Active": "active",
            "Closed": "closed",
            "Missed": "missed",
            "Abandoned": "abandoned",
        },
    },
}


@dataclass
class Emulator:
    """A running emulator process and the helpers tests use to drive it."""

    root_url: str
    service: devstack.Service
    profile: str = "default"  # EMULATOR_PROFILE: the dialect it speaks
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"{self.root_url}/v1.2/voipstudio"

    def token(self, email: str = SUPERVISOR) -> str:
        """A session token for a demo account without two-factor authentication (cached)."""
        if email not in self.tokens:
            response = requests.post(
                f"{self.api_url}/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10
            )
            response.raise_for_status()
            self.tokens[email] = response.json()["user_token"]
        return self.tokens[email]

    def get(self, path: str, email: str = SUPERVISOR, **params) -> requests.Response:
        return requests.get(
            f"{self.api_url}{path}", params=params, headers={"X-Auth-Token": self.token(email)}, timeout=30
        )

    def code(self, field: str, name: str) -> object:
        """What this emulator's profile shows for a coded value: ``code("folder", "INBOX")`` is 1 or 0."""
        return PROFILE_CODES[self.profile][field][name]

    def sip_messages(self, text: str) -> list:
        """The SIP messages of a ``.trace`` body, in this profile's layout."""
        from voiphistory.emulator.sip import parse_ngrep, parse_trace

        return (parse_ngrep if self.profile == "reference" else parse_trace)(text)

    def add_fault(self, **rule) -> None:
        requests.post(f"{self.root_url}/_emulator/faults", json=rule, timeout=10).raise_for_status()

    def clear_faults(self) -> None:
        requests.delete(f"{self.root_url}/_emulator/faults", timeout=10).raise_for_status()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """On SQLite, a test database in a file, not in memory: the Celery worker the jobs tests start
    opens it too. On PostgreSQL (DATABASE_URL=postgres://…) pytest-django's ``test_<name>`` database
    is one the worker can open as it is."""
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        settings_dict["TEST"]["NAME"] = str(tmp_path_factory.mktemp("test-db") / "test.sqlite3")


@pytest.fixture(scope="session")
def emulator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded emulator database (the default 20,000-CDR demo), made once per session."""
    data_dir = tmp_path_factory.mktemp("emulator-template")
    env = devstack.emulator_env(data_dir)
    env["VOIPHISTORY_DEMO_PASSWORD"] = DEMO_PASSWORD
    devstack.prepare_emulator(env, "--seed", "1")
    return data_dir / "emulator.sqlite3"


def _start_copy(template: Path, data_dir: Path, profile: str = "default") -> Emulator:
    """An emulator over a copy of ``template`` speaking ``profile`` (the data is canonical, so one
    template serves both dialects: voiphistory/emulator/dialects.py)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "emulator.sqlite3"
    shutil.copyfile(template, db)
    env = devstack.emulator_env(data_dir, db)
    env["EMULATOR_ASYNC_DELETE_SECONDS"] = "0.5"
    env["EMULATOR_PROFILE"] = profile
    service = devstack.start_emulator(env, "127.0.0.1", free_port(), data_dir / "emulator.log")
    return Emulator(service.url, service, profile=profile)


@contextmanager
def running_copy(template: Path, data_dir: Path, profile: str = "default") -> Iterator[Emulator]:
    """An emulator over a copy of ``template`` speaking ``profile``, stopped on leaving."""
    emulator = _start_copy(template, data_dir, profile)
    try:
        yield emulator
    finally:
        emulator.service.stop()


@pytest.fixture(scope="session")
def _shared_emulator(emulator_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with running_copy(emulator_template, tmp_path_factory.mktemp("emulator-shared")) as emulator:
        yield emulator


@pytest.fixture
def emulator(request: pytest.FixtureRequest, emulator_profile: str) -> Iterator[Emulator]:
    """The shared emulator (in a page test, the one speaking the test's profile)."""
    shared = request.getfixturevalue(
        "_shared_emulator" if emulator_profile == "default" else "_shared_reference_emulator"
    )
    yield shared
    shared.clear_faults()


@pytest.fixture(scope="session")
def _shared_reference_emulator(
    emulator_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Emulator]:
    with running_copy(
        emulator_template, tmp_path_factory.mktemp("emulator-reference"), "reference"
    ) as emulator:
        yield emulator


@pytest.fixture
def reference_emulator(_shared_reference_emulator: Emulator) -> Iterator[Emulator]:
    """The same data as ``emulator``, in the reference dialect (EMULATOR_PROFILE=reference); shared."""
    yield _shared_reference_emulator
    _shared_reference_emulator.clear_faults()


@pytest.fixture
def fresh_emulator(emulator_template: Path, tmp_path: Path, emulator_profile: str) -> Iterator[Emulator]:
    with running_copy(emulator_template, tmp_path / "emulator", emulator_profile) as emulator:
        yield emulator


# --- The dashboard, signed in against the live emulator ----------------------------------------


def sign_in_as(client, emulator: Emulator, email: str):
    """Sign ``client`` (Django's test client) in as a demo account, the way the sign-in view leaves
    the session: a local user, and the sealed VoIPstudio token with the account in the session."""
    from django.contrib.auth import get_user_model

    from voiphistory.accounts import upstream

    me = emulator.get("/me", email).json()["data"]
    user, _ = get_user_model().objects.get_or_create(username=f"voipstudio-{me['id']}")
    client.force_login(user)
    session = client.session
    account = upstream.Account(
        user_id=me["id"],
        customer_id=me["customer_id"],
        email=me["email"],
        name=f"{me['first_name']} {me['last_name']}",
        can_write="ROLE_ADMIN" in me["roles"],
    )
    session[upstream.tokens.SESSION_KEY] = {
        "token": upstream.tokens.seal(emulator.token(email)),
        "token_name": "",
        "account": account.__dict__,
    }
    session.save()
    return client


def point_dashboard_at(settings, emulator: Emulator, tmp_path: Path) -> Emulator:
    """Point the dashboard at ``emulator`` (and a private audio cache)."""
    settings.VOIPSTUDIO_BASE_URL = emulator.api_url
    settings.VOIPSTUDIO_BACKOFF = 0.01
    settings.AUDIO_CACHE_DIR = tmp_path / "audio-cache"
    return emulator


@pytest.fixture
def dashboard(settings, emulator, tmp_path):
    """Point the dashboard at the shared emulator (and a private audio cache)."""
    return point_dashboard_at(settings, emulator, tmp_path)


@pytest.fixture
def reference_supervisor(client, settings, reference_emulator, tmp_path, db):
    """A supervisor signed in to the dashboard pointed at the reference-profile emulator, whatever
    profile the test runs with (for tests of what that dialect does differently)."""
    return sign_in_as(client, point_dashboard_at(settings, reference_emulator, tmp_path), SUPERVISOR)


@pytest.fixture
def supervisor(client, dashboard, db):
    return sign_in_as(client, dashboard, SUPERVISOR)


@pytest.fixture
def fresh_supervisor(client, settings, fresh_emulator, tmp_path, db):
    """The supervisor signed in against a private emulator copy, for tests that change data."""
    settings.VOIPSTUDIO_BASE_URL = fresh_emulator.api_url
    settings.VOIPSTUDIO_BACKOFF = 0.01
    settings.AUDIO_CACHE_DIR = tmp_path / "audio"
    return sign_in_as(client, fresh_emulator, SUPERVISOR)


@pytest.fixture
def agent(client, dashboard, db):
    return sign_in_as(client, dashboard, AGENT)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgresql`` need the production database: on SQLite they are deselected (and
    counted as such), never skipped; `.ci/run` runs the suite a second time on PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgresql")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
