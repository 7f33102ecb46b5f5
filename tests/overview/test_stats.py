"""The overview's figures from CDRs and recordings (voiphistory.overview.stats), without the API."""

from __future__ import annotations

from datetime import UTC, date, datetime

from voiphistory.overview.followup import Status
from voiphistory.overview.stats import build, period_of
from voiphistory.voipstudio import Cdr, Monitor, Sentiment

NOW = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def cdr(
    id,
    hour,
    type_,
    disposition="CONNECTED",
    *,
    day=3,
    root=True,
    src="447700900123",
    dst="442038467190",
    destination="in",
    context="PSTN_CALL",
    user_id=None,
    billsec=0,
    parent=None,
) -> Cdr:
    """A leg; ``parent`` is the id of the leg it continues (live ids here are the leg ids)."""
    return Cdr(
        id=id,
        calldate=datetime(2026, 3, day, hour, 5, tzinfo=UTC),
        type=type_,
        disposition=disposition,
        is_root=root,
        src=src,
        dst=dst,
        destination=destination,
        context=context,
        user_id=user_id,
        billsec=billsec,
        live_id=id,
        parent_live_id=parent,
    )


def test_periods_cut_the_supervisors_days_in_their_time_zone():
    today = period_of("today", zone="America/New_York", now=NOW)  # 10:00 in New York
    assert today.first == today.last == date(2026, 3, 3) and today.hourly and today.bucket_count == 24
    assert today.bucket_of(datetime(2026, 3, 3, 4, 59, tzinfo=UTC)) is None  # 23:59 the day before there
    assert today.bucket_of(datetime(2026, 3, 3, 5, 30, tzinfo=UTC)) == 0
    month = period_of("30d", zone="UTC", now=NOW)
    assert month.bucket_count == 30 and not month.hourly and month.first == date(2026, 2, 2)
    assert month.table_query() == {"preset": "custom", "start": "2026-02-02", "end": "2026-03-03"}
    assert month.table_query(29) == {"preset": "custom", "start": "2026-03-03", "end": "2026-03-03"}
    assert period_of("7d", zone="UTC", now=NOW).table_query() == {"preset": "7d"}


def test_calls_count_once_however_many_legs_and_talk_time_comes_from_the_people_on_them():
    cdrs = [
        cdr(1, 9, "I", billsec=300),  # answered through the IVR: root leg…
        cdr(
            2, 9, "I", root=False, user_id=201001, billsec=240, context="QUEUE", parent=1
        ),  # …and the agent's leg
        cdr(
            3, 9, "M", "RINGING", root=False, user_id=201002, context="QUEUE", parent=1
        ),  # an agent who did not pick up
        cdr(4, 10, "M", "RINGING", src="447700900555"),  # missed, never returned
        cdr(
            5, 11, "O", src="442038467190", dst="447700900123", destination="out", user_id=201002, billsec=60
        ),
        cdr(6, 11, "I", "VM", src="447700900777"),  # went to voicemail
        cdr(
            7,
            12,
            "O",
            src="10001",
            dst="10002",
            destination="out",
            context="USER_LOCAL",
            user_id=201001,
            billsec=99,
        ),
        cdr(9, 13, "I", "CONNECTED", user_id=201003, billsec=50),  # the desk phone rang out…
        cdr(
            8, 13, "I", "CONNECTED", root=False, context="FOLLOW_ME", user_id=201003, billsec=50, parent=9
        ),  # …to the mobile
    ]
    monitors = [
        Monitor(
            id=1, timestamp=datetime(2026, 3, 3, 9, 6, tzinfo=UTC), cx_score=80, sentiment=Sentiment.POSITIVE
        ),
        Monitor(
            id=2, timestamp=datetime(2026, 3, 3, 9, 40, tzinfo=UTC), cx_score=60, sentiment=Sentiment.NEGATIVE
        ),
        Monitor(id=3, timestamp=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), cx_score=1),
    ]
    overview = build(
        period_of("today", zone="UTC", now=NOW),
        now=NOW,
        cdrs=cdrs,
        monitors=monitors,
        user_names={201001: "Ann Agent"},
        new_voicemail=3,
    )
    assert (overview.inbound[9], overview.missed[10], overview.outbound[11], overview.inbound[11]) == (
        1,
        1,
        1,
        1,
    )
    assert (overview.outbound[12], overview.inbound[13]) == (
        1,
        1,
    )  # an internal call is a call the table lists too
    assert overview.calls == 6  # later legs are not calls
    assert overview.inbound_calls == 4 and overview.answered_inbound == 2
    assert overview.talked_calls == 4 and overview.talk_seconds == 240 + 60 + 99 + 50  # follow-me talk once
    assert [(u.name, u.calls) for u in overview.users] == [
        ("Ann Agent", 2),
        ("User 201002", 1),
        ("User 201003", 1),
    ]
    assert overview.cx_average[9] == 70 and overview.sentiments[9] == [1, 0, 1] and overview.recordings == 2
    assert overview.new_voicemail == 3
    assert overview.not_returned == 1 and overview.followups[0].missed.number == "447700900555"


def test_yesterdays_missed_call_returned_this_morning_counts_as_called_back():
    cdrs = [
        cdr(1, 22, "M", "RINGING", day=2),
        cdr(2, 8, "O", src="442038467190", dst="447700900123", destination="out", user_id=201004, billsec=30),
    ]
    overview = build(
        period_of("yesterday", zone="UTC", now=NOW),
        now=NOW,
        cdrs=cdrs,
        monitors=[],
        user_names={},
        new_voicemail=0,
    )
    assert (
        overview.missed[22] == 1 and sum(overview.outbound) == 0
    )  # today's callback is not in yesterday's chart…
    [followup] = overview.followups
    assert (
        followup.status is Status.CALLED_BACK and followup.delay_seconds == 10 * 3600
    )  # …but it returns the miss
