"""The overview's figures, computed from VoIPstudio records: pure, no Django, no HTTP.

A period is cut into buckets (hours of one day, or days); ``OverviewBuilder`` takes CDRs and
recordings one at a time (they stream from ``Collection.iterate``) and keeps only counters.

Which CDRs count (see the emulator seed's conventions): a call is its root leg; internal and test
calls are not customer calls. Talk time and the busiest users come from the legs people answered
or placed (a leg with a ``user_id``, connected, not a voicemail or follow-me leg).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from voiphistory.overview.followup import Call, Direction, FollowUp, Status, follow_ups, normalise_number
from voiphistory.voipstudio import Cdr, Monitor

PERIODS = {"today": "Today", "yesterday": "Yesterday", "7d": "Last 7 days", "30d": "Last 30 days"}
DEFAULT_PERIOD = "today"
NOT_CUSTOMER_CALLS = frozenset({"USER_LOCAL", "TEST_CALL"})
BUSIEST_USERS = 8


@dataclass(frozen=True)
class Period:
    key: str
    zone: str
    first: date  # first local day
    last: date  # last local day (inclusive)

    @property
    def label(self) -> str:
        return PERIODS[self.key]

    @property
    def hourly(self) -> bool:
        return self.first == self.last

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, self.tz)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def bucket_count(self) -> int:
        return 24 if self.hourly else len(self.days)

    def bucket_labels(self) -> list[str]:
        if self.hourly:
            return [f"{hour:02d}:00" for hour in range(24)]
        return [day.strftime("%a %d %b") for day in self.days]

    def bucket_of(self, when: datetime) -> int | None:
        local = when.astimezone(self.tz)
        if not self.first <= local.date() <= self.last:
            return None
        return local.hour if self.hourly else (local.date() - self.first).days

    def table_query(self, bucket: int | None = None) -> dict[str, str]:
        """The tables' date filter (forms.TableQuery) for the whole period or one day bucket."""
        if bucket is not None and not self.hourly:
            day = self.days[bucket].isoformat()
            return {"preset": "custom", "start": day, "end": day}
        if self.key in ("today", "yesterday", "7d"):
            return {"preset": self.key}
        return {"preset": "custom", "start": self.first.isoformat(), "end": self.last.isoformat()}


def period_of(key: str, *, zone: str, now: datetime) -> Period:
    today = now.astimezone(ZoneInfo(zone)).date()
    first, last = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "7d": (today - timedelta(days=6), today),
        "30d": (today - timedelta(days=29), today),
    }[key]
    return Period(key, zone, first, last)


@dataclass(frozen=True)
class UserLoad:
    user_id: int
    name: str
    calls: int
    talk_seconds: int


@dataclass
class Overview:
    period: Period
    computed_at: datetime
    compute_seconds: float = 0.0
    inbound: list[int] = field(default_factory=list)
    outbound: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    inbound_calls: int = 0  # answered, voicemail and missed
    answered_inbound: int = 0
    talk_seconds: int = 0
    talk_legs: int = 0
    users: list[UserLoad] = field(default_factory=list)
    cx_sum: list[int] = field(default_factory=list)
    cx_count: list[int] = field(default_factory=list)
    sentiments: list[list[int]] = field(default_factory=list)  # per bucket: negative, neutral, positive
    recordings: int = 0
    new_voicemail: int = 0
    followups: list[FollowUp] = field(default_factory=list)
    user_names: dict[int, str] = field(default_factory=dict)
    followup_totals: dict[str, int] = field(default_factory=dict)  # kept when ``followups`` is left out

    @property
    def calls(self) -> int:
        return sum(self.inbound) + sum(self.outbound) + sum(self.missed)

    @property
    def answer_rate(self) -> float | None:
        return self.answered_inbound / self.inbound_calls if self.inbound_calls else None

    @property
    def average_talk_seconds(self) -> int | None:
        return round(self.talk_seconds / self.talk_legs) if self.talk_legs else None

    @property
    def cx_average(self) -> list[float | None]:
        return [total / count if count else None for total, count in zip(self.cx_sum, self.cx_count)]

    @property
    def followup_counts(self) -> dict[Status, int]:
        return {status: self.followup_totals.get(status.value, 0) for status in Status}

    @property
    def not_returned(self) -> int:
        return self.followup_counts[Status.NOT_RETURNED]


def is_root(cdr: Cdr) -> bool:
    # Only the emulator's CDRs are known to carry is_root; without it, a leg with no parent is a root.
    return bool(cdr.is_root) if cdr.is_root is not None else cdr.parent_live_id is None


class OverviewBuilder:
    """Feed it CDRs from the period's start up to now and the period's recordings; then ``finish``."""

    def __init__(self, period: Period, *, now: datetime) -> None:
        self.period = period
        n = period.bucket_count
        self.result = Overview(period=period, computed_at=now, inbound=[0] * n, outbound=[0] * n, missed=[0] * n,
                               cx_sum=[0] * n, cx_count=[0] * n, sentiments=[[0, 0, 0] for _ in range(n)])  # fmt: skip
        self._users: dict[int, list[int]] = {}
        self._misses: list[Call] = []
        self._later: list[Call] = []

    def add_cdr(self, cdr: Cdr) -> None:
        if cdr.context in NOT_CUSTOMER_CALLS:
            return
        bucket = self.period.bucket_of(cdr.calldate)
        result = self.result
        if is_root(cdr):
            self._follow_up(cdr, counted=bucket is not None)
            if bucket is not None:
                series = {"I": result.inbound, "O": result.outbound, "M": result.missed}.get(cdr.type or "")
                if series is not None:
                    series[bucket] += 1
                if cdr.type in ("I", "M") and cdr.destination != "out":
                    result.inbound_calls += 1
                    result.answered_inbound += cdr.type == "I" and cdr.disposition == "CONNECTED"
        if (bucket is not None and cdr.user_id is not None and cdr.disposition == "CONNECTED"
                and cdr.type in ("I", "O") and cdr.context != "FOLLOW_ME"):  # fmt: skip
            talk = cdr.billsec or 0
            result.talk_seconds += talk
            result.talk_legs += 1
            load = self._users.setdefault(cdr.user_id, [0, 0])
            load[0] += 1
            load[1] += talk

    def _follow_up(self, cdr: Cdr, *, counted: bool) -> None:
        outbound = cdr.type == "O" and cdr.destination == "out"
        number = normalise_number(cdr.dst if outbound else cdr.src)
        if not number:
            return
        direction = Direction.OUT if outbound else Direction.IN
        call = Call(cdr.id, cdr.calldate, direction, number, cdr.disposition == "CONNECTED", cdr.user_id)
        self._later.append(call)
        if counted and direction is Direction.IN and cdr.type == "M" and cdr.destination == "in":
            self._misses.append(call)

    def add_monitor(self, monitor: Monitor) -> None:
        bucket = self.period.bucket_of(monitor.timestamp)
        if bucket is None:
            return
        self.result.recordings += 1
        if monitor.cx_score is not None:
            self.result.cx_sum[bucket] += monitor.cx_score
            self.result.cx_count[bucket] += 1
        if monitor.sentiment is not None:
            self.result.sentiments[bucket][int(monitor.sentiment)] += 1

    def finish(self, *, user_names: dict[int, str], new_voicemail: int, seconds: float) -> Overview:
        result = self.result
        busiest = sorted(self._users.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[:BUSIEST_USERS]
        result.users = [UserLoad(uid, user_names.get(uid, f"User {uid}"), calls, talk) for uid, (calls, talk) in busiest]
        result.followups = follow_ups(self._misses, self._later)
        counts = Counter(item.status.value for item in result.followups)
        result.followup_totals = {status.value: counts.get(status.value, 0) for status in Status}
        result.user_names = user_names
        result.new_voicemail = new_voicemail
        result.compute_seconds = seconds
        return result


def build(period: Period, *, now: datetime, cdrs: Iterable[Cdr], monitors: Iterable[Monitor],
          user_names: dict[int, str], new_voicemail: int, seconds: float = 0.0) -> Overview:  # fmt: skip
    builder = OverviewBuilder(period, now=now)
    for cdr in cdrs:
        builder.add_cdr(cdr)
    for monitor in monitors:
        builder.add_monitor(monitor)
    return builder.finish(user_names=user_names, new_voicemail=new_voicemail, seconds=seconds)
