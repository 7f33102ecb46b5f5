"""When calls happen and what kind they are: the time profile, the call kinds, time arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

# --- Time profile ---------------------------------------------------------------------------------
# Relative call volume per hour (UTC = UK office time, near enough) for weekdays, Saturday, Sunday.
HOURS = (
    (2, 1, 1, 1, 1, 2, 6, 30, 80, 100, 100, 95, 72, 80, 95, 90, 78, 58, 22, 10, 7, 5, 4, 3),
    (3, 2, 1, 1, 1, 2, 4, 12, 30, 55, 60, 58, 45, 28, 14, 10, 9, 8, 6, 5, 4, 4, 3, 3),
    (3, 2, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 12, 11, 10, 9, 9, 8, 7, 6, 5, 4, 3),
)
DAY_WEIGHT = (1.12, 1.02, 1.0, 0.98, 0.9, 0.16, 0.07)  # Monday .. Sunday
OPEN = {0: (8, 18), 1: (8, 18), 2: (8, 18), 3: (8, 18), 4: (8, 18), 5: (9, 13)}  # Sunday closed

# --- Call kinds ------------------------------------------------------------------------------------
(
    K_IVR_ANSWERED,
    K_IVR_RNA_ANSWERED,
    K_IVR_ABANDON,
    K_QUEUE_ABANDON,
    K_QUEUE_BUSY,
    K_RNA_MISSED,
    K_QUEUE_VM,
    K_IVR_VM,
    K_DIRECT_ANSWERED,
    K_DIRECT_MISSED,
    K_DIRECT_BUSY,
    K_DIRECT_VM,
    K_DIRECT_FOLLOWME,
    K_OUTBOUND,
    K_INTERNAL,
    K_WEBCALL,
    K_CALLMEBACK,
    K_TEST,
    K_OOH_ABANDON,
    K_OOH_VM,
    K_CALLBACK,
) = range(21)
LEGS = {
    K_IVR_ANSWERED: 4,
    K_IVR_RNA_ANSWERED: 5,
    K_IVR_ABANDON: 2,
    K_QUEUE_ABANDON: 3,
    K_QUEUE_BUSY: 3,
    K_RNA_MISSED: 4,
    K_QUEUE_VM: 4,
    K_IVR_VM: 3,
    K_DIRECT_ANSWERED: 1,
    K_DIRECT_MISSED: 1,
    K_DIRECT_BUSY: 1,
    K_DIRECT_VM: 2,
    K_DIRECT_FOLLOWME: 2,
    K_OUTBOUND: 1,
    K_INTERNAL: 1,
    K_WEBCALL: 2,
    K_CALLMEBACK: 2,
    K_TEST: 1,
    K_OOH_ABANDON: 2,
    K_OOH_VM: 3,
    K_CALLBACK: 1,
}
OPEN_KINDS = (
    (K_IVR_ANSWERED, 38.5),
    (K_IVR_RNA_ANSWERED, 3.2),
    (K_IVR_ABANDON, 1.6),
    (K_QUEUE_ABANDON, 4.3),
    (K_QUEUE_BUSY, 0.5),
    (K_RNA_MISSED, 1.1),
    (K_QUEUE_VM, 2.1),
    (K_IVR_VM, 1.0),
    (K_DIRECT_ANSWERED, 5.2),
    (K_DIRECT_MISSED, 1.5),
    (K_DIRECT_BUSY, 0.4),
    (K_DIRECT_VM, 1.2),
    (K_DIRECT_FOLLOWME, 0.4),
    (K_OUTBOUND, 29.5),
    (K_INTERNAL, 5.0),
    (K_WEBCALL, 1.2),
    (K_CALLMEBACK, 1.2),
    (K_TEST, 0.5),
)
CLOSED_KINDS = (
    (K_OOH_ABANDON, 30),
    (K_OOH_VM, 42),
    (K_DIRECT_VM, 8),
    (K_DIRECT_MISSED, 5),
    (K_OUTBOUND, 10),
    (K_INTERNAL, 2),
    (K_TEST, 0.6),
)
CALLBACK_CHANCE = {
    K_IVR_ABANDON: 0.35,
    K_QUEUE_ABANDON: 0.65,
    K_QUEUE_BUSY: 0.6,
    K_RNA_MISSED: 0.7,
    K_QUEUE_VM: 0.85,
    K_IVR_VM: 0.8,
    K_DIRECT_MISSED: 0.6,
    K_DIRECT_BUSY: 0.5,
    K_DIRECT_VM: 0.85,
    K_OOH_ABANDON: 0.3,
    K_OOH_VM: 0.85,
}
DIRECT_KINDS = frozenset({K_DIRECT_ANSWERED, K_DIRECT_MISSED, K_DIRECT_BUSY, K_DIRECT_VM, K_DIRECT_FOLLOWME})
INBOUND_KINDS = frozenset(CALLBACK_CHANCE) | {
    K_IVR_ANSWERED,
    K_IVR_RNA_ANSWERED,
    K_DIRECT_ANSWERED,
    K_DIRECT_FOLLOWME,
    K_WEBCALL,
    K_CALLMEBACK,
}
LAST_START_MARGIN = 7200  # no call starts in the window's last two hours (calls last < 1h20m)
TRACKING_SHARE = 0.10  # of inbound IVR calls in opening hours
RECORDED_SHARE = 0.70  # of answered agent legs
NOTE_SHARE = 0.04  # of root legs
MSDR_SHARE = 0.10  # of answered agent legs: about one media session per 15 calls


_HMS: list[str] = []


def _hms() -> list[str]:
    if not _HMS:
        _HMS.extend(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400))
    return _HMS


class DateText:
    """Epoch seconds ↔ the API's ``YYYY-MM-DD HH:MM:SS`` text, fast."""

    EPOCH = date(1970, 1, 1)

    def __init__(self) -> None:
        self.prefixes: dict[int, str] = {}
        self.hms = _hms()
        self.days: dict[str, int] = {}  # "YYYY-MM-DD " -> epoch seconds of its midnight
        self.seconds = {text: second for second, text in enumerate(self.hms)}

    def __call__(self, ts: int) -> str:
        day, second = divmod(ts, 86400)
        prefix = self.prefixes.get(day)
        if prefix is None:
            prefix = self.prefixes[day] = (self.EPOCH + timedelta(days=day)).isoformat() + " "
            self.days[prefix] = day * 86400
        return prefix + self.hms[second]


def epoch(day: date) -> int:
    return (day - DateText.EPOCH).days * 86400


def weekday_of(ts: int) -> int:
    return (ts // 86400 + 3) % 7  # 1970-01-01 was a Thursday


def is_open(ts: int) -> bool:
    hours = OPEN.get(weekday_of(ts))
    return hours is not None and hours[0] * 3600 <= ts % 86400 < hours[1] * 3600


def next_open(ts: int) -> int:
    """The first moment at or after ``ts`` the contact centre is open."""
    for _ in range(8):
        hours = OPEN.get(weekday_of(ts))
        day = ts - ts % 86400
        if hours and ts < day + hours[1] * 3600:
            return max(ts, day + hours[0] * 3600)
        ts = day + 86400
    return ts


def cumulative(weights) -> tuple[list[float], float]:
    total, cum = 0.0, []
    for w in weights:
        total += w
        cum.append(total)
    return cum, total
