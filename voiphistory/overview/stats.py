"""The overview's figures, computed from VoIPstudio records: pure, no Django, no HTTP.

A period is cut into buckets (hours of one day, or days); ``OverviewBuilder`` takes CDRs and
recordings one at a time (they stream from ``Collection.iterate``) and keeps only counters.

What counts is a call, as history.calls makes it from its legs and as the Calls table lists it:
every figure and chart element links to a table that shows exactly as many rows. Inbound, outbound
and missed are ``Call.type``; talk time is the calls' talk (the legs that talked); the busiest users
count the calls each user handled (``Call.user_ids``, the table's User filter).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from voiphistory.history.calls import Call, Outcome, group_calls
from voiphistory.overview import followup
from voiphistory.overview.followup import Direction, FollowUp, Status, follow_ups, normalise_number
from voiphistory.voipstudio import Cdr, Monitor, Sentiment

PERIODS = {"today": "Today", "yesterday": "Yesterday", "7d": "Last 7 days", "30d": "Last 30 days"}
DEFAULT_PERIOD = "today"
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
        """The tables' date filter (forms.TableQuery) for the whole period, one day bucket or one
        hour bucket (local times, ``from_time``/``to_time``)."""
        if bucket is not None and self.hourly:
            day = self.first.isoformat()
            start = datetime.combine(self.first, time(bucket), self.tz)
            end = (start + timedelta(hours=1)).astimezone(self.tz)
            return {
                "preset": "custom",
                "start": day,
                "end": day,
                "from_time": start.strftime("%Y-%m-%dT%H:%M"),
                "to_time": end.strftime("%Y-%m-%dT%H:%M"),
            }
        if bucket is not None:
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
    talked_calls: int = 0  # answered calls, for the average talk time
    users: list[UserLoad] = field(default_factory=list)
    cx_sum: list[int] = field(default_factory=list)
    cx_count: list[int] = field(default_factory=list)
    sentiments: list[list[int]] = field(default_factory=list)  # per bucket: negative, neutral, positive
    recordings: int = 0
    new_voicemail: int = 0
    followups: list[FollowUp] = field(default_factory=list)
    user_names: Mapping[int, str] = field(default_factory=dict)
    followup_totals: dict[str, int] = field(default_factory=dict)  # kept when ``followups`` is left out

    @property
    def calls(self) -> int:
        return sum(self.inbound) + sum(self.outbound) + sum(self.missed)

    @property
    def answer_rate(self) -> float | None:
        return self.answered_inbound / self.inbound_calls if self.inbound_calls else None

    @property
    def average_talk_seconds(self) -> int | None:
        return round(self.talk_seconds / self.talked_calls) if self.talked_calls else None

    @property
    def cx_average(self) -> list[float | None]:
        return [
            total / count if count else None for total, count in zip(self.cx_sum, self.cx_count, strict=True)
        ]

    @property
    def followup_counts(self) -> dict[Status, int]:
        return {status: self.followup_totals.get(status.value, 0) for status in Status}

    @property
    def not_returned(self) -> int:
        return self.followup_counts[Status.NOT_RETURNED]


class OverviewBuilder:
    """Feed it the calls from the period's start up to now and the period's recordings; then ``finish``."""

    def __init__(self, period: Period, *, now: datetime) -> None:
        self.period = period
        n = period.bucket_count
        self.result = Overview(
            period=period,
            computed_at=now,
            inbound=[0] * n,
            outbound=[0] * n,
            missed=[0] * n,
            cx_sum=[0] * n,
            cx_count=[0] * n,
            sentiments=[[0, 0, 0] for _ in range(n)],
        )
        self._users: dict[int, list[int]] = {}
        self._misses: list[followup.Call] = []
        self._later: list[followup.Call] = []

    def add_call(self, call: Call) -> None:
        bucket = self.period.bucket_of(call.calldate)
        self._follow_up(call, counted=bucket is not None)
        if bucket is None:
            return
        result = self.result
        {"I": result.inbound, "O": result.outbound, "M": result.missed}[call.type][bucket] += 1
        answered = call.outcome is Outcome.ANSWERED
        if not call.outbound:
            result.inbound_calls += 1
            result.answered_inbound += answered
        if answered:
            result.talk_seconds += call.billsec
            result.talked_calls += 1
        talk = call.talk_by_user()
        for user_id in call.user_ids:
            load = self._users.setdefault(user_id, [0, 0])
            load[0] += 1
            load[1] += talk.get(user_id, 0)

    def _follow_up(self, call: Call, *, counted: bool) -> None:
        """Every missed call is followed up (one with no number cannot be returned); every call
        with a number may answer an earlier miss."""
        number = normalise_number(call.first.dst if call.outbound else call.first.src)
        direction = Direction.OUT if call.outbound else Direction.IN
        item = followup.Call(
            call.id,
            call.calldate,
            direction,
            number,
            call.outcome is Outcome.ANSWERED,
            call.user_id,
            raw=call.first.src or "",
        )
        if number:
            self._later.append(item)
        if counted and call.missed:
            self._misses.append(item)

    def add_monitor(self, monitor: Monitor) -> None:
        bucket = self.period.bucket_of(monitor.timestamp)
        if bucket is None:
            return
        self.result.recordings += 1
        # A score or sentiment the client could not read (Raw, shown raw in the tables) is not counted.
        if isinstance(monitor.cx_score, int):
            self.result.cx_sum[bucket] += monitor.cx_score
            self.result.cx_count[bucket] += 1
        if isinstance(monitor.sentiment, Sentiment):
            self.result.sentiments[bucket][int(monitor.sentiment)] += 1

    def finish(self, *, user_names: Mapping[int, str], new_voicemail: int, seconds: float) -> Overview:
        result = self.result
        busiest = sorted(self._users.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[
            :BUSIEST_USERS
        ]
        result.users = [
            UserLoad(uid, user_names.get(uid, f"User {uid}"), calls, talk) for uid, (calls, talk) in busiest
        ]
        result.followups = follow_ups(self._misses, self._later)
        counts = Counter(item.status.value for item in result.followups)
        result.followup_totals = {status.value: counts.get(status.value, 0) for status in Status}
        result.user_names = user_names
        result.new_voicemail = new_voicemail
        result.compute_seconds = seconds
        return result


def build(
    period: Period,
    *,
    now: datetime,
    cdrs: Iterable[Cdr],
    monitors: Iterable[Monitor],
    user_names: Mapping[int, str],
    new_voicemail: int,
    seconds: float = 0.0,
) -> Overview:
    builder = OverviewBuilder(period, now=now)
    for call in group_calls(cdrs):
        builder.add_call(call)
    for monitor in monitors:
        builder.add_monitor(monitor)
    return builder.finish(user_names=user_names, new_voicemail=new_voicemail, seconds=seconds)
