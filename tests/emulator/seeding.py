"""Running the emulator's seed and demo_password commands, and reading the SQLite files they write.

The dashboard settings (the tests') do not install the emulator app, so the commands run in
subprocesses (``python -m voiphistory.emulator …`` with their own database and data directory)
and the resulting SQLite files are inspected with the standard library.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
END = "2025-03-31"
WINDOW = ("2025-01-01 00:00:00", "2025-03-31 23:59:59")
PASSWORD = "correct-horse-42"
SMALL = "4000"
SEEDED_TABLES = (
    "emulator_customer",
    "emulator_user",
    "emulator_cdr",
    "emulator_monitor",
    "emulator_voicemessage",
    "emulator_note",
    "emulator_chat",
    "emulator_chatmsg",
    "emulator_msdr",
    "emulator_sms",
    "emulator_conversation",
    "emulator_statement",
)


def emulator(data_dir: Path, *args: str, password_env: str | None = None, check: bool = True):
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("VOIPHISTORY_DEMO_PASSWORD", None)
    if password_env:
        env["VOIPHISTORY_DEMO_PASSWORD"] = password_env
    env["EMULATOR_DB"] = str(data_dir / "emulator.sqlite3")
    env["VOIPHISTORY_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [sys.executable, "-m", "voiphistory.emulator", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
        text=True,
        timeout=240,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def seeded(data_dir: Path, *seed_args: str):
    data_dir.mkdir(parents=True, exist_ok=True)
    emulator(data_dir, "migrate", "--skip-checks", "--verbosity", "0")
    return emulator(data_dir, "seed", "--end", END, *seed_args)


def connect(data_dir: Path) -> sqlite3.Connection:
    db = sqlite3.connect(data_dir / "emulator.sqlite3")
    db.row_factory = sqlite3.Row
    return db


def dump(data_dir: Path) -> dict[str, str]:
    """A digest of every seeded table's rows in primary-key order."""
    with connect(data_dir) as db:
        digests = {}
        for table in SEEDED_TABLES:
            digest = hashlib.sha256()
            for row in db.execute(f"SELECT * FROM {table} ORDER BY 1"):
                digest.update(repr(tuple(row)).encode())
            digests[table] = digest.hexdigest()
        return digests


def scalar(db: sqlite3.Connection, sql: str, *params):
    return db.execute(sql, params).fetchone()[0]


def user_hash(db: sqlite3.Connection, email: str) -> str:
    return scalar(db, "SELECT password FROM emulator_user WHERE email = ?", email)


def check_password(password: str, encoded: str) -> bool:
    """Django's pbkdf2_sha256 format, checked without Django's (dashboard) hasher settings."""
    algorithm, iterations, salt, expected = encoded.split("$")
    assert algorithm == "pbkdf2_sha256"
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return base64.b64encode(digest).decode() == expected
