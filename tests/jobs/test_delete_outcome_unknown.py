"""A bulk job's chunk whose answer was lost is read back, never sent again: gone counts as deleted,
still there as failed (with why), unreadable as failed too."""

from __future__ import annotations

import pytest

from voiphistory.history import writes
from voiphistory.jobs.deletes import delete_chunk
from voiphistory.voipstudio import NotFound, OutcomeUnknown, Unavailable


class Collection:
    """Deletes lose their answer; ``kept`` ids survived it, ``unreadable`` ones cannot be read."""

    def __init__(self, kept: set[int], unreadable: set[int] = frozenset()) -> None:
        self.kept, self.unreadable, self.deletes = kept, unreadable, []

    def delete(self, ids):
        self.deletes.append(list(ids))
        raise OutcomeUnknown(
            "VoIPstudio did not answer within 20 s, after the DELETE was sent",
            method="DELETE",
            path="/monitors/…",
        )

    def get(self, id):
        if id in self.unreadable:
            raise Unavailable("down")
        if id in self.kept:
            return {"id": id}
        raise NotFound("Resource not found", status=404)


@pytest.fixture(autouse=True)
def no_grace(monkeypatch):
    monkeypatch.setattr(writes, "READ_BACK_GRACE_SECONDS", 0)


def test_a_lost_chunk_is_read_back_and_sent_once():
    collection = Collection(kept={3}, unreadable={4})
    outcome = delete_chunk(collection, [1, 2, 3, 4])
    assert collection.deletes == [[1, 2, 3, 4]]  # not split, not retried
    assert outcome.deleted == 2 and outcome.already_gone == 0
    reasons = dict(outcome.failures)
    assert set(reasons) == {3, 4}
    assert "still has it" in reasons[3] and "answer was lost" in reasons[4]
