"""The bulk-delete and scope confirmation rule (voiphistory.jobs.confirmation), on its own."""

from __future__ import annotations

import pytest

from voiphistory.jobs.confirmation import scope_confirmation, selection_confirmation


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.JOBS_CONFIRM_THRESHOLD = 100


def test_a_few_ticked_rows_need_no_typing():
    asked = selection_confirmation(count=100, confirm="")
    assert asked.confirmed and not asked.needs_typing


@pytest.mark.parametrize(
    ("confirm", "confirmed"), [("", False), ("yes", False), ("100", False), ("101", True)]
)
def test_many_ticked_rows_want_their_count_typed(confirm, confirmed):
    asked = selection_confirmation(count=101, confirm=confirm)
    assert asked.needs_typing and asked.confirmed is confirmed


@pytest.mark.parametrize(
    ("deleting", "confirm", "confirmed"),
    [
        (False, "yes", True),  # an export: a "yes", whatever the count
        (False, "", False),
        (False, "5000", False),
        (True, "yes", False),  # a big delete: its count typed
        (True, "5000", True),
        (True, "4999", False),
    ],
)
def test_a_scope_is_confirmed_by_yes_or_by_typing_a_big_deletes_count(deleting, confirm, confirmed):
    asked = scope_confirmation(count=5000, deleting=deleting, confirm=confirm, shown_count=5000)
    assert asked.confirmed is confirmed and asked.needs_typing is deleting and asked.changed_from is None


def test_a_small_delete_of_a_scope_is_confirmed_by_yes():
    assert scope_confirmation(count=100, deleting=True, confirm="yes", shown_count=100).confirmed


def test_a_count_that_changed_since_it_was_shown_asks_again():
    asked = scope_confirmation(count=120, deleting=False, confirm="yes", shown_count=80)
    assert not asked.confirmed and asked.changed_from == 80


def test_before_any_confirmation_was_shown_nothing_is_confirmed_but_yes():
    assert not scope_confirmation(count=3, deleting=False, confirm="", shown_count=None).confirmed
    assert scope_confirmation(count=3, deleting=False, confirm="yes", shown_count=None).changed_from is None
