"""An audit event is never silently dropped: a write the database refuses is retried, and one it
keeps refusing is spooled and written with the next event that gets through."""

from __future__ import annotations

import logging
from datetime import timedelta
from unittest.mock import Mock

import pytest
from django.db import OperationalError
from django.db.models import QuerySet
from django.utils import timezone

from voiphistory.audit import services as audit
from voiphistory.audit.actors import Actor
from voiphistory.audit.models import Action, AuditEvent


@pytest.fixture(autouse=True)
def spool(settings, tmp_path, monkeypatch):
    settings.AUDIT_SPOOL_DIR = tmp_path / "audit-spool"
    monkeypatch.setattr(audit, "RETRY_DELAYS", (0, 0, 0))
    return settings.AUDIT_SPOOL_DIR


@pytest.fixture
def refusing(monkeypatch):
    """The database refuses the next ``refusals[0]`` audit writes ("database is locked")."""
    refusals = [0]
    real_save = AuditEvent.save

    def save(self, *args, **kwargs):
        if refusals[0] > 0:
            refusals[0] -= 1
            raise OperationalError("database is locked")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(AuditEvent, "save", save)
    return refusals


def record(ids=(7,)):
    return audit.record(
        actor=Actor.owner(None, email="a@example.com", customer_id=1),
        action=Action.EDIT,
        section="recordings",
        ids=ids,
        detail={"fields": ["summary"]},
    )


def test_a_write_the_database_refuses_for_a_moment_is_retried(db, refusing, caplog):
    refusing[0] = 2
    event = record()
    assert event is not None and refusing[0] == 0
    assert list(AuditEvent.objects.values_list("action", "object_ids")) == [("edit", [7])]
    assert caplog.text.count("retrying") == 2


def test_a_write_refused_every_time_is_kept_and_written_with_the_next_one(db, refusing, spool, caplog):
    caplog.set_level(logging.ERROR)
    refusing[0] = 10**6
    assert record() is None
    assert AuditEvent.objects.count() == 0
    assert len(list(spool.glob("pending-*.jsonl"))) == 1
    assert "kept in" in caplog.text

    refusing[0] = 0
    later = audit.record(
        actor=Actor.owner(None, email="b@example.com", customer_id=1),
        action=Action.DELETE,
        section="calls",
        ids=[8],
    )
    assert later is not None
    kept = AuditEvent.objects.get(action="edit")
    assert (kept.section, kept.object_ids, kept.detail, kept.email) == (
        "recordings",
        [7],
        {"fields": ["summary"]},
        "a@example.com",
    )
    assert timezone.now() - kept.created_at < timedelta(minutes=1) and kept.created_at <= later.created_at
    assert list(spool.iterdir()) == []


def test_a_spool_the_database_still_refuses_is_kept_for_the_next_time(db, refusing, spool, monkeypatch):
    refusing[0] = 10**6
    record()
    refusing[0] = 0
    with monkeypatch.context() as patch:
        patch.setattr(QuerySet, "bulk_create", Mock(side_effect=OperationalError("database is locked")))
        record(ids=[9])  # written itself, but the spool is refused this time
    assert len(list(spool.glob("pending-*.jsonl"))) == 1  # not lost, not claimed for ever
    record(ids=[10])
    assert sorted(ids for [ids] in AuditEvent.objects.values_list("object_ids")) == [[7], [9], [10]]
