"""Shared fixtures: a live VoIPstudio emulator over real HTTP, seeded once per test session.

``emulator`` is shared by the whole session: tests must not change data other tests read (they
may add faults, but must clear them: the fixture does it after each test that uses it).
``fresh_emulator`` is a private copy for tests that delete or rewrite data.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from voiphistory import devstack

SUPERVISOR = "supervisor@northwind.example"
AGENT = "agent@northwind.example"
TWO_FACTOR = "twofactor@northwind.example"
DEMO_PASSWORD = "correct horse battery staple"
TWO_FACTOR_CODE = "123456"

pytest_plugins = ["tests.celery_stack"]  # the Redis + Celery worker fixtures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Emulator:
    """A running emulator process and the helpers tests use to drive it."""

    root_url: str
    service: devstack.Service
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"{self.root_url}/v1.2/voipstudio"

    def token(self, email: str = SUPERVISOR) -> str:
        """A session token for a demo account without two-factor authentication (cached)."""
        if email not in self.tokens:
            response = requests.post(f"{self.api_url}/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10)
            response.raise_for_status()
            self.tokens[email] = response.json()["user_token"]
        return self.tokens[email]

    def get(self, path: str, email: str = SUPERVISOR, **params) -> requests.Response:
        return requests.get(f"{self.api_url}{path}", params=params, headers={"X-Auth-Token": self.token(email)}, timeout=30)

    def add_fault(self, **rule) -> None:
        requests.post(f"{self.root_url}/_emulator/faults", json=rule, timeout=10).raise_for_status()

    def clear_faults(self) -> None:
        requests.delete(f"{self.root_url}/_emulator/faults", timeout=10).raise_for_status()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A test database in a file, not in memory: the Celery worker the jobs tests start opens it too."""
    from django.db import connections

    path = tmp_path_factory.mktemp("test-db") / "test.sqlite3"
    connections["default"].settings_dict["TEST"]["NAME"] = str(path)


@pytest.fixture(scope="session")
def emulator_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded emulator database (the default 20,000-CDR demo), made once per session."""
    data_dir = tmp_path_factory.mktemp("emulator-template")
    env = devstack.emulator_env(data_dir)
    env["VOIPHISTORY_DEMO_PASSWORD"] = DEMO_PASSWORD
    devstack.prepare_emulator(env, "--seed", "1")
    return data_dir / "emulator.sqlite3"


def _start_copy(template: Path, data_dir: Path) -> Emulator:
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / "emulator.sqlite3"
    shutil.copyfile(template, db)
    env = devstack.emulator_env(data_dir, db)
    env["EMULATOR_ASYNC_DELETE_SECONDS"] = "0.5"
    service = devstack.start_emulator(env, "127.0.0.1", free_port(), data_dir / "emulator.log")
    return Emulator(service.url, service)


@pytest.fixture(scope="session")
def _shared_emulator(emulator_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    emulator = _start_copy(emulator_template, tmp_path_factory.mktemp("emulator-shared"))
    yield emulator
    emulator.service.stop()


@pytest.fixture
def emulator(_shared_emulator: Emulator) -> Iterator[Emulator]:
    yield _shared_emulator
    _shared_emulator.clear_faults()


@pytest.fixture
def fresh_emulator(emulator_template: Path, tmp_path: Path) -> Iterator[Emulator]:
    emulator = _start_copy(emulator_template, tmp_path / "emulator")
    yield emulator
    emulator.service.stop()


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
        user_id=me["id"], customer_id=me["customer_id"], email=me["email"],
        name=f"{me['first_name']} {me['last_name']}", can_write="ROLE_ADMIN" in me["roles"],
    )  # fmt: skip
    session[upstream.SESSION_KEY] = {"token": upstream.tokens.seal(emulator.token(email)), "token_name": "",
                                     "account": account.__dict__}  # fmt: skip
    session.save()
    return client


@pytest.fixture
def dashboard(settings, emulator, tmp_path):
    """Point the dashboard at the shared emulator (and a private audio cache)."""
    settings.VOIPSTUDIO_BASE_URL = emulator.api_url
    settings.VOIPSTUDIO_BACKOFF = 0.01
    settings.AUDIO_CACHE_DIR = tmp_path / "audio-cache"
    return emulator


@pytest.fixture
def supervisor(client, dashboard, db):
    return sign_in_as(client, dashboard, SUPERVISOR)


@pytest.fixture
def agent(client, dashboard, db):
    return sign_in_as(client, dashboard, AGENT)
