"""The default data set: its size, the demo accounts, ids, chats and messages, the window and hours."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from tests.emulator.seeding import PASSWORD, SEEDED_TABLES, WINDOW, check_password, scalar


def test_default_size_and_summary(default_seed, default_db):
    _, result = default_seed
    total = scalar(default_db, "SELECT count(*) FROM emulator_cdr")
    assert total >= 20000
    assert total == 20000  # the seed stops exactly at --cdrs
    assert PASSWORD in result.stdout and "cdrs 20,000" in result.stdout
    counts = {table: scalar(default_db, f"SELECT count(*) FROM {table}") for table in SEEDED_TABLES}
    assert counts["emulator_customer"] == 1
    assert counts["emulator_user"] == 25
    for table in (
        "emulator_monitor",
        "emulator_voicemessage",
        "emulator_note",
        "emulator_chat",
        "emulator_chatmsg",
        "emulator_msdr",
        "emulator_sms",
        "emulator_conversation",
    ):
        assert counts[table] > 100, table
    assert counts["emulator_statement"] == 6
    roots = scalar(default_db, "SELECT count(*) FROM emulator_cdr WHERE is_root")
    assert roots / 20 < counts["emulator_chat"] < roots / 8  # about one chat per 12 calls
    assert roots / 14 < counts["emulator_sms"] < roots / 7
    assert roots / 25 < counts["emulator_msdr"] < roots / 10


def test_demo_accounts(default_db):
    users = {row["email"]: row for row in default_db.execute("SELECT * FROM emulator_user")}
    supervisor = users["supervisor@northwind.example"]
    agent = users["agent@northwind.example"]
    twofactor = users["twofactor@northwind.example"]
    assert (
        set(supervisor["roles"].split(",")) == {"ROLE_ADMIN", "ROLE_USER"}
        and not supervisor["two_factor_auth"]
    )
    assert agent["roles"] == "ROLE_USER" and not agent["two_factor_auth"]
    assert "ROLE_ADMIN" in twofactor["roles"].split(",") and twofactor["two_factor_auth"] == 1
    assert all(u["active"] for u in (supervisor, agent, twofactor))
    assert check_password(PASSWORD, supervisor["password"])
    assert len({u["password"] for u in users.values()}) == 1  # one hash for everyone
    extensions = sorted(int(u["extension"]) for u in users.values())
    assert extensions == list(range(10001, 10026))
    others = [email for email in users if not email.startswith(("supervisor@", "agent@", "twofactor@"))]
    assert all(email.count(".") >= 2 and email.endswith("@northwind.example") for email in others)
    assert len({u["last_name"] for u in users.values()}) == 25
    assert {u["customer_id"] for u in users.values()} == {100234}
    # The demo agent takes calls, so their read-only view has data.
    assert scalar(default_db, "SELECT count(*) FROM emulator_cdr WHERE user_id = ?", agent["id"]) > 100


def test_big_ids(default_db):
    assert scalar(default_db, "SELECT min(id) FROM emulator_cdr") > 2**31
    assert scalar(default_db, "SELECT min(live_id) FROM emulator_cdr") > 2**31
    assert scalar(default_db, "SELECT count(DISTINCT live_id) = count(*) FROM emulator_cdr") == 1


def test_chats_have_messages(default_db):
    chats = default_db.execute("""
        SELECT c.id, c.created_at, c.duration, c.state, c.operator_id, count(m.id) AS n,
               min(m.created_at) AS first, max(m.created_at) AS last,
               sum(m.sender = 'operator') AS from_operator
        FROM emulator_chat c LEFT JOIN emulator_chatmsg m ON m.chat_id = c.id GROUP BY c.id""").fetchall()
    states = Counter(c["state"] for c in chats)
    # Canonical states (models.Chat): 4 is abandoned, a missed chat the visitor gave up in office hours.
    assert states.most_common(1)[0][0] == 2 and states[3] > 0 and states[4] > 0
    for c in chats:
        assert 3 <= c["n"] <= 14
        assert c["first"] == c["created_at"]
        end = datetime.fromisoformat(c["created_at"]).timestamp() + c["duration"]
        assert datetime.fromisoformat(c["last"]).timestamp() <= end
        if c["state"] in (3, 4):
            assert c["operator_id"] is None and c["from_operator"] == 0
        if c["state"] == 2:
            assert c["operator_id"] is not None and c["from_operator"] > 0
    visitor = default_db.execute("SELECT * FROM emulator_chat WHERE visitor_email != '' LIMIT 1").fetchone()
    lat, lon = map(float, visitor["visitor_geo"].split(","))
    assert -90 <= lat <= 90 and -180 <= lon <= 180
    assert visitor["visitor_ip"].startswith(("192.0.2.", "198.51.100.", "203.0.113.", "2001:db8:"))
    assert visitor["visitor_referer"].startswith("https://") and visitor["visitor_ua"].startswith(
        "Mozilla/5.0"
    )


def test_conversations_sms_msdrs_notes_statements(default_db):
    channels = Counter(row[0] for row in default_db.execute("SELECT channel FROM emulator_conversation"))
    assert channels["call"] == scalar(default_db, "SELECT count(*) FROM emulator_monitor")
    assert channels["sms"] == scalar(default_db, "SELECT count(*) FROM emulator_sms")
    assert channels["chat"] == scalar(
        default_db, "SELECT count(*) FROM emulator_chat WHERE state IN (2, 3, 4)"
    )
    assert (
        scalar(
            default_db,
            """
        SELECT count(*) FROM emulator_conversation v JOIN emulator_monitor m ON v.monitor_id = m.id
        WHERE v.id = 'call-' || m.id AND v.object_class = 'Cdr' AND v.cx_score IS m.cx_score""",
        )
        == channels["call"]
    )
    assert (
        scalar(
            default_db,
            "SELECT count(*) FROM emulator_conversation v JOIN emulator_cdr c ON c.id = v.object_id "
            "WHERE v.channel = 'call'",
        )
        == channels["call"]
    )
    sms = default_db.execute('SELECT type, result, "from", "to", message FROM emulator_sms').fetchall()
    assert {s[0] for s in sms} == {"inbound", "outbound"} and {s[1] for s in sms} == {
        "delivered",
        "sent",
        "failed",
    }
    assert all(s[2].isdigit() and s[3].isdigit() and s[4] for s in sms)
    msdrs = default_db.execute("SELECT type, duration, call_id, user_id FROM emulator_msdr").fetchall()
    assert {m[0] for m in msdrs} == {"audio", "video", "screen"}
    assert all(m[1] > 0 and "@" in m[2] and m[3] for m in msdrs)
    notes = default_db.execute("""
        SELECT n.created_at, c.calldate, c.is_root FROM emulator_note n JOIN emulator_cdr c ON c.id = n.cdr_id""").fetchall()
    assert len(notes) == scalar(default_db, "SELECT count(*) FROM emulator_note")
    assert all(is_root and created >= calldate for created, calldate, is_root in notes)
    noted = scalar(default_db, "SELECT count(DISTINCT cdr_id) FROM emulator_note")
    roots = scalar(default_db, "SELECT count(*) FROM emulator_cdr WHERE is_root")
    assert 0.025 < noted / roots < 0.06
    periods = [row[0] for row in default_db.execute("SELECT period FROM emulator_statement ORDER BY period")]
    assert periods == ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02"]
    assert all(float(amount) > 0 for (amount,) in default_db.execute("SELECT amount FROM emulator_statement"))


def test_everything_inside_the_window(default_db):
    dated = {
        "emulator_cdr": "calldate",
        "emulator_monitor": "timestamp",
        "emulator_voicemessage": "origtime",
        "emulator_chat": "created_at",
        "emulator_chatmsg": "created_at",
        "emulator_msdr": "created_at",
        "emulator_sms": "created_at",
        "emulator_conversation": "created_at",
        "emulator_note": "created_at",
    }
    for table, column in dated.items():
        low, high = default_db.execute(f"SELECT min({column}), max({column}) FROM {table}").fetchone()
        assert WINDOW[0] <= low and high <= WINDOW[1], table
        assert len(low) == 19 and datetime.strptime(high, "%Y-%m-%d %H:%M:%S")
    days = scalar(
        default_db, "SELECT count(DISTINCT substr(calldate, 1, 10)) FROM emulator_cdr WHERE is_root"
    )
    assert days == 90


def test_business_hours_heavy(default_db):
    by_slot = Counter()
    for (calldate,) in default_db.execute("SELECT calldate FROM emulator_cdr WHERE is_root"):
        moment = datetime.fromisoformat(calldate)
        weekday = moment.weekday() < 5
        by_slot[
            "business" if weekday and 8 <= moment.hour < 18 else ("weekday-other" if weekday else "weekend")
        ] += 1
    total = sum(by_slot.values())
    assert by_slot["business"] / total > 0.75
    assert 0.02 < by_slot["weekend"] / total < 0.12
    assert by_slot["weekday-other"] > 0
