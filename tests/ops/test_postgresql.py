"""What only PostgreSQL, the production database, can show: the audit trigger refusing writes that
bypass the model, and ``migrate_locked`` run by two replicas at once.

These tests run when the suite runs on PostgreSQL (``DATABASE_URL=postgres://…``, as `.ci/run`'s
second pass does); on SQLite they are deselected, not skipped (tests/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from tests.celery_stack import shared_database_url
from voiphistory.audit.models import AuditEvent

pytestmark = pytest.mark.postgresql
ROOT = Path(__file__).resolve().parents[2]


def _event() -> AuditEvent:
    return AuditEvent.objects.create(
        email="a@example.com", customer_id=1, action="edit", section="recordings"
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET email = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_the_audit_trigger_refuses_updates_and_deletes(db, statement):
    event = _event()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).email == "a@example.com"


@pytest.fixture
def empty_database(db) -> str:
    """A new, empty PostgreSQL database on the test server; its URL."""
    name = f"voiphistory_migrate_{uuid.uuid4().hex[:12]}"
    server = shared_database_url().rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_replicas_migrating_at_once_take_turns(empty_database, tmp_path):
    env = {**os.environ, "DATABASE_URL": empty_database, "VOIPHISTORY_DATA_DIR": str(tmp_path)}
    replicas = [
        subprocess.Popen(
            [sys.executable, "manage.py", "migrate_locked", "--verbosity", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [replica.communicate(timeout=240)[0] for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0, 0], outputs
    # One replica applied everything; the other waited on the lock and found nothing left to do.
    assert sum("No migrations to apply" in output for output in outputs) == 1, outputs
    with psycopg.connect(empty_database) as db:
        applied = db.execute(
            "SELECT app, name, count(*) FROM django_migrations GROUP BY app, name"
        ).fetchall()
        triggers = db.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname = 'audit_auditevent_append_only'"
        ).fetchall()
    assert applied and all(count == 1 for _, _, count in applied)
    assert ("audit", "0001_initial", 1) in applied
    assert triggers == [("audit_auditevent_append_only",)]
