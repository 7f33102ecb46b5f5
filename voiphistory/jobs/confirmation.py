"""When a supervisor has confirmed a job: the rule the start view applies before any job exists.

- Deleting rows one by one (the ticked rows): more than ``JOBS_CONFIRM_THRESHOLD`` of them want
  their count typed; fewer go straight ahead (the rows were chosen one by one).
- A job over what a table's query matches (deleting all that match, every export and archive)
  first shows its scope; it goes ahead once the person answers "yes", or for a delete of more
  than the threshold types the count, and only while the count is the one they were shown: a
  count that changed meanwhile asks again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

__all__ = ["Confirmation", "scope_confirmation", "selection_confirmation"]


@dataclass(frozen=True, slots=True)
class Confirmation:
    count: int
    needs_typing: bool  # the count must be typed, not just a "yes"
    confirmed: bool
    changed_from: int | None = None  # the count the person was shown, when it is no longer true


def needs_typing(count: int) -> bool:
    return count > settings.JOBS_CONFIRM_THRESHOLD


def selection_confirmation(*, count: int, confirm: str) -> Confirmation:
    """Deleting ``count`` ticked rows; ``confirm`` is what the form posted."""
    typing = needs_typing(count)
    return Confirmation(count=count, needs_typing=typing, confirmed=not typing or confirm == str(count))


def scope_confirmation(*, count: int, deleting: bool, confirm: str, shown_count: int | None) -> Confirmation:
    """A job over a query that matches ``count`` items now; ``shown_count`` is the count the
    confirmation the person answered showed (None before they saw one)."""
    typing = deleting and needs_typing(count)
    changed_from = shown_count if shown_count is not None and shown_count != count else None
    expected = str(count) if typing else "yes"
    return Confirmation(
        count=count,
        needs_typing=typing,
        confirmed=confirm == expected and changed_from is None,
        changed_from=changed_from,
    )
