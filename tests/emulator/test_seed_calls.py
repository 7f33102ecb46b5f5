"""The default data set's calls: legs linked into calls, coded values, recordings, voicemail, callbacks."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

from tests.emulator.seeding import scalar
from voiphistory.emulator.audio import mp3_size


def test_legs_link_into_calls(default_db):
    orphans = scalar(
        default_db,
        """
        SELECT count(*) FROM emulator_cdr c WHERE NOT c.is_root AND NOT EXISTS (
            SELECT 1 FROM emulator_cdr p WHERE p.live_id = c.parent_live_id AND p.call_id = c.call_id)""",
    )
    assert orphans == 0
    wrong_root = scalar(
        default_db,
        """
        SELECT count(*) FROM emulator_cdr c WHERE NOT EXISTS (
            SELECT 1 FROM emulator_cdr r WHERE r.live_id = c.root_live_id AND r.is_root AND r.call_id = c.call_id)""",
    )
    assert wrong_root == 0
    assert (
        scalar(
            default_db,
            "SELECT count(*) FROM emulator_cdr WHERE is_root AND (parent_live_id IS NOT NULL "
            "OR live_id != root_live_id)",
        )
        == 0
    )
    assert (
        scalar(default_db, "SELECT count(*) FROM emulator_cdr WHERE NOT is_root AND parent_live_id IS NULL")
        == 0
    )
    assert (
        scalar(
            default_db,
            "SELECT max(n) FROM (SELECT count(*) n FROM emulator_cdr WHERE is_root GROUP BY call_id)",
        )
        == 1
    )
    chains = default_db.execute("""
        SELECT a.dst_id, a.dst_name, a.user_id, q.dst_id, q.dst_name, q.context, i.dst_id, i.context,
               r.context, r.destination, r.type
        FROM emulator_cdr a JOIN emulator_cdr q ON a.parent_live_id = q.live_id
        JOIN emulator_cdr i ON q.parent_live_id = i.live_id JOIN emulator_cdr r ON i.parent_live_id = r.live_id
        WHERE a.user_id IS NOT NULL AND a.disposition = 'CONNECTED'""").fetchall()
    assert len(chains) > 2000
    users = dict(
        default_db.execute("SELECT id, first_name || ' ' || last_name FROM emulator_user").fetchall()
    )
    extensions = dict(default_db.execute("SELECT id, extension FROM emulator_user").fetchall())
    for dst_id, dst_name, user_id, queue_id, queue_name, queue_context, ivr_id, ivr_context, *root in chains:
        assert dst_id == extensions[user_id] and dst_name == users[user_id]
        assert queue_id.startswith("Queue") and queue_name.endswith("queue") and queue_context == "QUEUE"
        assert ivr_id.startswith("IVR") and ivr_context == "IVR"
        assert root == ["PSTN_CALL", "in", "I"]
    assert {row[4] for row in chains} == {"Sales queue", "Support queue", "Billing queue"}


def test_coded_values_and_outcomes(default_db):
    rows = default_db.execute(
        "SELECT type, disposition, destination, context, t_cause, billsec FROM emulator_cdr"
    ).fetchall()
    assert {r[0] for r in rows} == {"I", "O", "M"}
    assert {r[1] for r in rows} == {"INITIAL", "RINGING", "CONNECTED", "ON_HOLD", "VM"}
    assert {r[2] for r in rows} == {"in", "out", "webcall", "callmeback"}
    assert {r[3] for r in rows} == {"PSTN_CALL", "USER_LOCAL", "IVR", "QUEUE", "FOLLOW_ME", "TEST_CALL"}
    assert {r[4] for r in rows} <= {
        "Normal Clearing",
        "User busy",
        "No user responding",
        "No answer",
        "Call rejected",
        "Originator cancel",
    }
    assert all(r[5] == 0 for r in rows if r[0] == "M")
    assert all(r[5] > 0 and r[4] == "Normal Clearing" for r in rows if r[1] == "CONNECTED")
    inbound = Counter(
        (r["type"], r["disposition"])
        for r in default_db.execute(
            "SELECT type, disposition FROM emulator_cdr WHERE is_root AND destination = 'in'"
        )
    )
    total = sum(inbound.values())
    assert 0.6 < inbound["I", "CONNECTED"] / total < 0.85
    assert 0.08 < sum(n for (t, _), n in inbound.items() if t == "M") / total < 0.3
    assert 0.04 < inbound["I", "VM"] / total < 0.25
    assert scalar(default_db, "SELECT count(*) FROM emulator_cdr WHERE t_cause = 'User busy'") > 20
    for clid, src, name in default_db.execute(
        "SELECT clid, src, src_name FROM emulator_cdr WHERE is_root AND destination = 'in'"
    ):
        assert src.isdigit() and clid == f'"{name or src}" <{src}>'
    countries = Counter(
        src[:2]
        for (src,) in default_db.execute("SELECT src FROM emulator_cdr WHERE is_root AND destination = 'in'")
    )
    assert countries.most_common(1)[0][0] == "44" and countries["49"] and countries["33"]
    assert any(src.startswith("1") for src in countries)
    repeat = scalar(
        default_db,
        "SELECT count(*) FROM (SELECT src FROM emulator_cdr WHERE is_root AND destination = 'in' "
        "GROUP BY src HAVING count(*) >= 3)",
    )
    assert repeat > 100
    user_agents = {
        ua
        for (ua,) in default_db.execute("SELECT DISTINCT dst_ua FROM emulator_cdr WHERE user_id IS NOT NULL")
    }
    assert any(ua.startswith("Yealink") for ua in user_agents) and any(
        "VoIPstudio" in ua for ua in user_agents
    )
    charged = default_db.execute(
        "SELECT rate, charge FROM emulator_cdr WHERE type = 'O' AND billsec > 0 "
        "AND context = 'PSTN_CALL' LIMIT 50"
    ).fetchall()
    assert charged and all(float(rate) > 0 and len(charge.split(".")[1]) == 4 for rate, charge in charged)
    for context in ("USER_LOCAL", "TEST_CALL", "FOLLOW_ME"):
        assert scalar(default_db, "SELECT count(*) FROM emulator_cdr WHERE context = ?", context) > 0
    assert (
        scalar(default_db, "SELECT count(*) FROM emulator_cdr WHERE destination IN ('webcall', 'callmeback')")
        > 20
    )


def test_recordings_belong_to_answered_agent_legs(default_db):
    monitors = default_db.execute("""
        SELECT m.*, c.billsec, c.disposition, c.user_id AS leg_user, c.call_id AS leg_call, c.calldate,
               c.type AS leg_type
        FROM emulator_monitor m LEFT JOIN emulator_cdr c ON c.live_id = m.live_id""").fetchall()
    assert len({m["id"] for m in monitors}) == len(monitors)
    sentiments = Counter()
    for m in monitors:
        assert m["disposition"] in ("CONNECTED", "ON_HOLD") and m["billsec"] == m["duration"] >= 5
        assert m["user_id"] == m["leg_user"] is not None and m["call_id"] == m["leg_call"]
        # A recording's type is its call's direction, as the leg's ("I" inbound, "O" outbound).
        assert m["timestamp"] == m["calldate"] and m["type"] == m["leg_type"] and m["type"] in ("I", "O")
        assert m["size"] == mp3_size(m["duration"])
        lines = m["transcript"].split("\n")
        assert len(lines) >= 4 and all(line.startswith(("Agent: ", "Customer: ")) for line in lines)
        turns = json.loads(m["transcript_speakers"])
        assert [t["speaker"] for t in turns] == [line.split(":")[0].lower() for line in lines]
        assert [t["text"] for t in turns] == [line.split(": ", 1)[1] for line in lines]
        assert all(0 <= t["start"] <= m["duration"] for t in turns)
        assert "{" not in m["transcript"] and "{" not in m["summary"]
        sentiments[m["sentiment"]] += 1
        if m["sentiment"] is None:
            assert m["cx_score"] is None and m["metadata"] is None
        else:
            assert 0 <= m["cx_score"] <= 100 and m["summary"]
            assert json.loads(m["metadata"])["language"].startswith("en-")
    assert set(sentiments) == {0, 1, 2, None}
    assert 0.05 < sentiments[None] / len(monitors) < 0.15
    average = dict(
        default_db.execute(
            "SELECT sentiment, avg(cx_score) FROM emulator_monitor GROUP BY sentiment"
        ).fetchall()
    )
    assert average[0] < average[1] < average[2]
    answered = scalar(
        default_db,
        "SELECT count(*) FROM emulator_cdr WHERE user_id IS NOT NULL AND billsec >= 5 AND "
        "disposition IN ('CONNECTED', 'ON_HOLD') AND context IN ('QUEUE', 'PSTN_CALL')",
    )
    assert 0.6 < len(monitors) / answered < 0.8
    assert scalar(default_db, "SELECT count(DISTINCT summary) FROM emulator_monitor") > len(monitors) * 0.5
    topics = [
        word
        for word in ("invoice", "order", "portal", "upgrade", "cancel", "fault")
        if scalar(default_db, "SELECT count(*) FROM emulator_monitor WHERE summary LIKE ?", f"%{word}%")
    ]
    assert len(topics) == 6
    named = default_db.execute(
        "SELECT transcript, src_name, dst_name FROM emulator_monitor WHERE src_name != '' "
        "AND dst_name != '' LIMIT 200"
    ).fetchall()
    assert sum(1 for t, src, dst in named if src.split()[0] in t or dst.split()[0] in t) > 150


def test_voicemails_belong_to_voicemail_legs(default_db):
    messages = default_db.execute("""
        SELECT v.*, c.disposition, c.parent_live_id AS leg_parent, c.user_id, c.calldate
        FROM emulator_voicemessage v LEFT JOIN emulator_cdr c ON c.live_id = v.live_id""").fetchall()
    assert len(messages) > 300
    folders = Counter()
    for v in messages:
        assert v["disposition"] == "VM" and v["parent_live_id"] == v["leg_parent"] is not None
        assert v["extension_id"] == v["user_id"] and v["origtime"] == v["calldate"]
        assert 5 <= v["duration"] <= 120 and v["transcript"] and v["caller"].isdigit()
        assert v["callerid"] == v["caller"] or v["callerid"].endswith(f"<{v['caller']}>")
        folders[v["folder"]] += 1
        if v["folder"] == 2:
            assert not v["is_new"]
    # Canonical folders (models.VoiceMessage): 6 is Urgent, a few flagged messages, mostly new.
    assert set(folders) == {1, 2, 3, 6} and folders.most_common(1)[0][0] == 1
    assert 0.01 < folders[6] / len(messages) < 0.08
    assert (
        scalar(default_db, "SELECT count(*) FROM emulator_voicemessage WHERE folder = 1 AND is_new")
        > folders[1] / 2
    )
    assert (
        scalar(default_db, "SELECT count(*) FROM emulator_voicemessage WHERE folder = 6 AND is_new")
        > folders[6] / 2
    )
    vm_legs = scalar(
        default_db, "SELECT count(*) FROM emulator_cdr WHERE disposition = 'VM' AND dst_ua = 'Voicemail'"
    )
    assert vm_legs == len(messages)


def test_callbacks_to_missed_callers(default_db):
    missed = default_db.execute("""
        SELECT src, calldate FROM emulator_cdr
        WHERE is_root AND destination = 'in' AND (type = 'M' OR disposition = 'VM')""").fetchall()
    outbound: dict[str, list[str]] = {}
    for number, calldate in default_db.execute("""
        SELECT dst, calldate FROM emulator_cdr WHERE is_root AND type = 'O' AND destination = 'out'
        AND context = 'PSTN_CALL' ORDER BY calldate"""):
        outbound.setdefault(number, []).append(calldate)
    delays, same_day, never = [], 0, 0
    for number, calldate in missed:
        later = [when for when in outbound.get(number, ()) if when > calldate]
        if not later:
            never += 1
            continue
        delays.append((datetime.fromisoformat(later[0]) - datetime.fromisoformat(calldate)).total_seconds())
        same_day += later[0][:10] == calldate[:10]
    assert len(delays) > len(missed) * 0.5
    assert sum(1 for d in delays if d < 3600) > 50  # minutes later
    assert sum(1 for d in delays if 3600 <= d < 6 * 3600) > 50  # hours later
    assert len(delays) - same_day > 50  # the next day
    assert never > 50  # some never get a call back
    # Callbacks come from whoever is free: many callers are rung back by several different agents.
    agents = default_db.execute("""
        SELECT count(DISTINCT user_id) FROM emulator_cdr WHERE is_root AND type = 'O' AND destination = 'out'
        GROUP BY dst ORDER BY 1 DESC LIMIT 1""").fetchone()[0]
    assert agents > 3


def test_call_tracking(default_db):
    rows = default_db.execute(
        "SELECT call_id, info, destination, is_root FROM emulator_cdr WHERE is_calltracking"
    ).fetchall()
    assert rows and all(r["info"].startswith("Campaign: ") and r["destination"] == "in" for r in rows)
    assert {r["info"] for r in rows} >= {"Campaign: Google Ads – Spring", "Campaign: Brochure 2025"}
    assert (
        scalar(default_db, "SELECT count(*) FROM emulator_cdr WHERE NOT is_calltracking AND info != ''") == 0
    )
    tracked_calls = {r["call_id"] for r in rows}
    ivr_calls = scalar(default_db, "SELECT count(DISTINCT call_id) FROM emulator_cdr WHERE dst_id = 'IVR324'")
    assert 0.06 < len(tracked_calls) / ivr_calls < 0.14
