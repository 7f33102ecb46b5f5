"""The one place that turns call legs (CDRs) into calls: pure functions over ``Cdr`` records.

VoIPstudio writes one CDR per leg of a call (main line → menu → queue → agent). Supervisors count
calls, so the Calls table, the overview, the follow-up list, the number timeline and the exports
all group legs here. The rules (docs/calls.md; the API assumptions in docs/voipstudio-api.md,
"Calls from legs"):

* Legs belong to one call when they are chained by ``parent_live_id`` → ``live_id``, share a
  parent, or share a ``root_live_id``. Both ``root_live_id`` and ``is_root`` are marked deprecated in the reference,
  so neither is needed: the chain alone groups, and a leg with none of these fields is a call.
* A call's first leg is the leg whose parent is not in the call (``is_root`` or
  ``live_id == root_live_id`` break ties), then the earliest.
* A leg talked when it was connected (CONNECTED or ON_HOLD) and none of its children carried the
  same conversation on (a connected child of the same user, or any connected child of a leg with no
  user: a main line or queue leg is connected *through* its agent leg). Talk time is their billsec.
* How it ended: answered (by the users of the legs that talked), else voicemail (a VM leg), else
  busy, abandoned in the queue (it reached a queue), hung up in the menu (it reached an IVR), or
  missed / not answered.
* Direction from the first leg's ``destination`` (in, webcall: inbound; out, callmeback:
  outbound), else its ``type``. Type: outbound "O"; inbound answered or voicemail "I"; else "M".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property

from voiphistory.voipstudio import Cdr

CONNECTED = frozenset({"CONNECTED", "ON_HOLD"})
INBOUND_DESTINATIONS = frozenset({"in", "webcall"})
OUTBOUND_DESTINATIONS = frozenset({"out", "callmeback"})


class Outcome(StrEnum):
    ANSWERED = "answered"
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    ABANDONED_QUEUE = "abandoned_queue"
    ABANDONED_MENU = "abandoned_menu"
    MISSED = "missed"  # inbound: rang, nobody answered
    NOT_ANSWERED = "not_answered"  # outbound: the other side did not answer


def _is_queue(leg: Cdr) -> bool:
    return (leg.dst_id or "").startswith("Queue") or (leg.context == "QUEUE" and leg.user_id is None)


def _is_menu(leg: Cdr) -> bool:
    return (leg.dst_id or "").startswith("IVR") or (leg.context == "IVR" and leg.disposition != "VM")


def _explicit_first(leg: Cdr) -> bool:
    return bool(leg.is_root) or (leg.live_id is not None and leg.live_id == leg.root_live_id)


def leg_tree(legs: Iterable[Cdr]) -> list[tuple[Cdr, int]]:
    """Legs in tree order (each after its parent, siblings by calldate) with their depth. Legs whose
    parent is not among them start the tree; a parent loop in the data shows its legs flat."""
    legs = sorted(legs, key=lambda leg: (not _explicit_first(leg), leg.calldate, leg.id))
    by_live = {leg.live_id: leg for leg in legs if leg.live_id is not None}
    children: dict[int | None, list[Cdr]] = {}
    for leg in legs:
        parent = (
            leg.parent_live_id
            if leg.parent_live_id in by_live and leg.parent_live_id != leg.live_id
            else None
        )
        children.setdefault(parent, []).append(leg)
    for siblings in children.values():
        siblings.sort(key=lambda leg: (not _explicit_first(leg), leg.calldate, leg.id))
    ordered: list[tuple[Cdr, int]] = []
    seen: set[int] = set()
    stack = [(leg, 0) for leg in reversed(children.get(None, []))]
    while stack:  # iterative: a long chain must not hit the recursion limit
        leg, depth = stack.pop()
        if leg.id in seen:
            continue
        seen.add(leg.id)
        ordered.append((leg, depth))
        if leg.live_id is not None:
            stack += [(child, depth + 1) for child in reversed(children.get(leg.live_id, []))]
    ordered += [(leg, 0) for leg in legs if leg.id not in seen]
    return ordered


@dataclass(frozen=True)
class Call:
    """One call: its legs in tree order. Exposes the attributes the tables' columns read
    (calldate, type, src, dst, user_id, disposition, duration, billsec, info…) for the whole call."""

    tree: tuple[tuple[Cdr, int], ...]

    @property
    def legs(self) -> list[Cdr]:
        return [leg for leg, _ in self.tree]

    @property
    def first(self) -> Cdr:
        return self.tree[0][0]

    @property
    def id(self) -> int:
        return self.first.id

    @property
    def calldate(self) -> datetime:
        return self.first.calldate

    @cached_property
    def ended_at(self) -> datetime:
        return max(leg.calldate + timedelta(seconds=leg.duration or 0) for leg in self.legs)

    @property
    def duration(self) -> int:
        return int((self.ended_at - self.calldate).total_seconds())

    @cached_property
    def talking_legs(self) -> list[Cdr]:
        kids: dict[int, list[Cdr]] = {}
        for leg in self.legs:
            if leg.parent_live_id is not None and leg.parent_live_id != leg.live_id:
                kids.setdefault(leg.parent_live_id, []).append(leg)
        talked = []
        for leg in self.legs:
            if leg.disposition not in CONNECTED:
                continue
            carried_on = any(
                child.disposition in CONNECTED and (leg.user_id is None or child.user_id == leg.user_id)
                for child in (kids.get(leg.live_id, []) if leg.live_id is not None else [])
            )
            if not carried_on:
                talked.append(leg)
        return talked

    @property
    def billsec(self) -> int:
        """Talk time: the billsec of the legs that talked."""
        return sum(leg.billsec or 0 for leg in self.talking_legs)

    @property
    def talk_seconds(self) -> int:
        return self.billsec

    @cached_property
    def outbound(self) -> bool:
        destination = self.first.destination
        if destination in INBOUND_DESTINATIONS | OUTBOUND_DESTINATIONS:
            return destination in OUTBOUND_DESTINATIONS
        return self.first.type == "O"

    @cached_property
    def outcome(self) -> Outcome:
        legs = self.legs
        if self.talking_legs:
            return Outcome.ANSWERED
        if any(leg.disposition == "VM" for leg in legs):
            return Outcome.VOICEMAIL
        if self.first.t_cause == "User busy":
            return Outcome.BUSY
        if self.outbound:
            return Outcome.NOT_ANSWERED
        if any(_is_queue(leg) for leg in legs):
            return Outcome.ABANDONED_QUEUE
        if any(_is_menu(leg) for leg in legs):
            return Outcome.ABANDONED_MENU
        return Outcome.MISSED

    @property
    def type(self) -> str:
        """The Direction column and filter, for the whole call: O, I or M (an inbound call that
        was neither answered nor went to voicemail)."""
        if self.outbound:
            return "O"
        return "I" if self.outcome in (Outcome.ANSWERED, Outcome.VOICEMAIL) else "M"

    @property
    def missed(self) -> bool:
        return self.type == "M"

    @property
    def disposition(self) -> str:
        """The Outcome filter's code for the whole call (labels.DISPOSITIONS, its filter choices)."""
        if self.outcome is Outcome.ANSWERED:
            return (
                "CONNECTED" if any(leg.disposition == "CONNECTED" for leg in self.talking_legs) else "ON_HOLD"
            )
        if self.outcome is Outcome.VOICEMAIL:
            return "VM"
        return self.first.disposition if self.first.disposition in ("RINGING", "INITIAL") else "INITIAL"

    @cached_property
    def voicemail_leg(self) -> Cdr | None:
        found = [leg for leg in self.legs if leg.disposition == "VM"]
        with_user = [leg for leg in found if leg.user_id is not None]
        return (with_user or found)[-1] if found else None

    @cached_property
    def user_ids(self) -> tuple[int, ...]:
        """Who handled it: who talked; else whose voicemail took it; else everyone it rang or who placed it."""
        if self.talking_legs:
            legs = self.talking_legs
        elif self.voicemail_leg is not None and self.voicemail_leg.user_id is not None:
            legs = [self.voicemail_leg]
        else:
            legs = self.legs
        return tuple(dict.fromkeys(leg.user_id for leg in legs if leg.user_id is not None))

    @property
    def user_id(self) -> int | None:
        return self.user_ids[0] if self.user_ids else None

    @property
    def queue_name(self) -> str:
        return next((leg.dst_name or leg.dst_id or "" for leg in self.legs if _is_queue(leg)), "")

    def talk_by_user(self) -> dict[int, int]:
        talk: dict[int, int] = {}
        for leg in self.talking_legs:
            if leg.user_id is not None:
                talk[leg.user_id] = talk.get(leg.user_id, 0) + (leg.billsec or 0)
        return talk

    def describe(self, users: dict[int, str]) -> str:
        """How the call ended, in words ("Answered by Ann Lee", "Abandoned in the queue (Sales)")."""
        names = ", ".join(users.get(uid) or f"User {uid}" for uid in self.user_ids)
        outcome = self.outcome
        if outcome is Outcome.ANSWERED:
            return f"Answered by {names}" if names else "Answered"
        if outcome is Outcome.VOICEMAIL:
            return f"Went to voicemail ({names})" if names else "Went to voicemail"
        if outcome is Outcome.BUSY:
            return "Busy"
        if outcome is Outcome.ABANDONED_QUEUE:
            queue = self.queue_name
            if "queue" in queue.lower():  # "Support queue": the queue's own name says it
                return f"Abandoned in the {queue}"
            return f"Abandoned in the queue ({queue})" if queue else "Abandoned in the queue"
        if outcome is Outcome.ABANDONED_MENU:
            return "Hung up in the menu"
        if outcome is Outcome.NOT_ANSWERED:
            return "Not answered"
        return f"Missed (rang {names})" if names else "Missed"

    # The columns read these from the first leg: who called whom, how they were written.
    def __getattr__(self, name: str):
        if name in _FIRST_LEG_FIELDS:
            return getattr(self.first, name)
        raise AttributeError(name)


_FIRST_LEG_FIELDS = frozenset(
    {
        "src",
        "src_id",
        "src_name",
        "src_ua",
        "src_codec",
        "dst",
        "dst_id",
        "dst_name",
        "clid",
        "info",
        "destination",
        "context",
        "t_cause",
        "live_id",
        "root_live_id",
        "call_id",
        "rate",
        "charge",
    }
)


class _Groups:
    """Union-find over leg indexes."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def group_calls(legs: Iterable[Cdr]) -> list[Call]:
    """The calls these legs make, oldest first (by first leg's calldate, then id). A call whose
    other legs are not among ``legs`` is the part of it that is."""
    unique = list({leg.id: leg for leg in legs}.values())
    groups = _Groups(len(unique))
    by_live: dict[int, int] = {}
    by_root: dict[int, int] = {}
    by_parent: dict[int, int] = {}  # siblings are one call even when their parent leg is gone
    for i, leg in enumerate(unique):
        if leg.live_id is not None:
            by_live.setdefault(leg.live_id, i)
    for i, leg in enumerate(unique):
        if leg.parent_live_id is not None and leg.parent_live_id != leg.live_id:
            groups.union(i, by_parent.setdefault(leg.parent_live_id, i))
            if leg.parent_live_id in by_live:
                groups.union(i, by_live[leg.parent_live_id])
        if leg.root_live_id is not None:
            groups.union(i, by_root.setdefault(leg.root_live_id, i))
            if leg.root_live_id in by_live:
                groups.union(i, by_live[leg.root_live_id])
    members: dict[int, list[Cdr]] = {}
    for i, leg in enumerate(unique):
        members.setdefault(groups.find(i), []).append(leg)
    calls = [Call(tuple(leg_tree(found))) for found in members.values()]
    return sorted(calls, key=lambda call: (call.calldate, call.id))


def has_parent(leg: Cdr) -> bool:
    """The leg says it continues an earlier leg (whether or not that leg is at hand)."""
    if leg.parent_live_id is not None and leg.parent_live_id != leg.live_id:
        return True
    return leg.root_live_id is not None and leg.live_id is not None and leg.root_live_id != leg.live_id


def is_first_leg(leg: Cdr) -> bool:
    """On the leg's own evidence: it starts a call (for lists that hold some legs of many calls)."""
    return not has_parent(leg)


@dataclass(frozen=True)
class CallCriteria:
    """A Calls table's filters, applied to whole calls (the date window is call_window's).
    Numbers and the quick search match the first leg as the API's ``like`` would (a part, any case)."""

    type: str = ""  # O, I, M: Call.type
    disposition: str = ""  # Call.disposition
    user: int | None = None  # one of Call.user_ids
    min_duration: int | None = None
    max_duration: int | None = None
    src: str = ""
    dst: str = ""
    text: str = ""
    text_field: str = ""  # the first leg's attribute the quick search reads (clid, info)

    def matches(self, call: Call) -> bool:
        first = call.first
        if self.type and call.type != self.type:
            return False
        if self.disposition and call.disposition != self.disposition:
            return False
        if self.user is not None and self.user not in call.user_ids:
            return False
        if self.min_duration is not None and call.duration < self.min_duration:
            return False
        if self.max_duration is not None and call.duration > self.max_duration:
            return False
        for wanted, value in (
            (self.src, first.src),
            (self.dst, first.dst),
            (self.text, getattr(first, self.text_field, "") if self.text_field else ""),
        ):
            if wanted and wanted.lower() not in str(value or "").lower():
                return False
        return True


def sort_calls(calls: list[Call], attr: str, *, descending: bool) -> list[Call]:
    """Calls by a column's attribute (missing values last either way), then by start and id."""
    present = [c for c in calls if getattr(c, attr, None) is not None]
    missing = [c for c in calls if getattr(c, attr, None) is None]
    present.sort(key=lambda c: (getattr(c, attr), c.calldate, c.id), reverse=descending)
    missing.sort(key=lambda c: (c.calldate, c.id), reverse=descending)
    return present + missing
