"""Chats with their messages, SMS, their conversations, and the monthly statements."""

from __future__ import annotations

from datetime import date, timedelta

from voiphistory.emulator import models as m
from voiphistory.emulator.seed.base import GeneratorBase
from voiphistory.emulator.seed.callers import REFERERS
from voiphistory.emulator.seed.catalogue import (
    BROWSERS,
    CUSTOMER_ID,
    DEFAULT_CDRS,
    DIDS,
    FIRST_STATEMENT_ID,
    SMS_NUMBER,
    TRACKING,
    WEBSITES,
)
from voiphistory.emulator.seed.content import (
    CHAT_CLOSE,
    CHAT_MISSED,
    CHAT_OPENERS,
    CHAT_OPERATOR,
    CHAT_VISITOR,
    SMS_IN,
    SMS_OUT,
)
from voiphistory.emulator.seed.schedule import is_open
from voiphistory.emulator.seed.topics import TOPIC_NAMES, TOPICS


class Messaging(GeneratorBase):
    # ----- chats and SMS, per day
    def _extras(self, day: int, day_number: int, calls: int) -> None:
        rng = self.rng
        n_chats = round(calls / 12 * rng.uniform(0.85, 1.15))
        n_sms = round(calls / 10 * rng.uniform(0.85, 1.15))
        for ts in sorted(day + self._second_of_day(day) for _ in range(n_chats)):
            self._chat(ts, day_number == self.days - 1)
        for ts in sorted(day + self._second_of_day(day) for _ in range(n_sms)):
            self._sms(ts)

    def _chat(self, ts: int, last_day: bool) -> None:
        rng = self.rng
        random = rng.random
        choice = rng.choice
        c = self.pool[self._caller()]
        known = random() < 0.65
        topic = TOPIC_NAMES[int(random() * len(TOPIC_NAMES))]
        open_now = is_open(ts)
        state = 2 if random() < (0.86 if open_now else 0.3) else 3
        if last_day and random() < 0.05:
            state = 1 if random() < 0.6 else 0
        staff = self.chat_staff[ts >= self.leaves_at]
        operator = staff[int(random() * len(staff))] if state in (1, 2) else None
        city, lat, lon = c.city
        chat_id = self._id("chat")
        vname = c.full_name if known else f"Visitor {rng.randrange(1000, 99999)}"
        ctx = self._context(c, operator or self.agents[0], ts)
        ctx["vfirst"] = c.first if known else "there"
        messages = []
        at = 0
        if state in (2, 1):
            count = rng.randint(3, 14)
            middle = count - 2 - (2 if count >= 6 else 0)  # after the opener and greeting, before goodbyes
            visitor_lines = rng.sample(CHAT_VISITOR, (middle + 1) // 2)
            operator_lines = rng.sample(CHAT_OPERATOR[1:], middle // 2)
            messages.append(("visitor", choice(CHAT_OPENERS[topic])))
            messages.append(("operator", CHAT_OPERATOR[0]))
            for i in range(middle):
                messages.append(
                    ("visitor", visitor_lines[i // 2]) if i % 2 == 0 else ("operator", operator_lines[i // 2])
                )
            if count >= 6:
                messages.append(("visitor", choice(CHAT_CLOSE[0])))
                messages.append(("operator", choice(CHAT_CLOSE[1])))
        else:
            messages.append(("visitor", choice(CHAT_OPENERS[topic])))
            for _ in range(rng.randint(2, 3)):
                messages.append(("visitor", choice(CHAT_MISSED)))
        for sender, text in messages:
            self.t[m.ChatMsg].add(
                {
                    "id": self._id("chatmsg"),
                    "customer_id": CUSTOMER_ID,
                    "chat_id": chat_id,
                    "created_at": self.fmt(ts + at),
                    "sender": sender,
                    "sender_name": operator.name if sender == "operator" and operator else vname,
                    "message": text.format_map(ctx),
                }
            )
            at += rng.randint(8, 90) if state != 3 else rng.randint(20, 120)
        duration = at + rng.randint(5, 60)
        if state == m.Chat.MISSED and open_now and len(messages) == 3:
            state = m.Chat.ABANDONED  # the visitor gave up while the operators were busy
        ip = (
            f"2001:db8:{rng.randrange(0x10000):x}::{rng.randrange(1, 0x10000):x}"
            if random() < 0.1
            else f"{choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randrange(1, 255)}"
        )
        website_id, site = WEBSITES[0 if random() < 0.7 else 1]
        self.t[m.Chat].add(
            {
                "id": chat_id,
                "created_at": self.fmt(ts),
                "customer_id": CUSTOMER_ID,
                "duration": duration,
                "operator_id": operator.id if operator else None,
                "operator_ua": (operator.devices[-1][1] if random() < 0.6 else choice(BROWSERS))
                if operator
                else "",
                "state": state,
                "visitor_city": city,
                "visitor_country": c.country,
                "visitor_email": c.email if known else "",
                "visitor_geo": f"{lat + rng.uniform(-0.05, 0.05):.4f},{lon + rng.uniform(-0.05, 0.05):.4f}",
                "visitor_id": c.visitor if known else f"wv-{rng.getrandbits(32):08x}",
                "visitor_ip": ip,
                "visitor_name": vname,
                "visitor_referer": choice(REFERERS),
                "visitor_ua": choice(BROWSERS),
                "website_id": website_id,
            }
        )
        if state in (m.Chat.CLOSED, m.Chat.MISSED, m.Chat.ABANDONED):
            cx = None
            if state == 2 and random() < 0.7:
                neg, neu, _ = TOPICS[topic]["sentiment"]
                r = random()
                mood = 0 if r < neg else (1 if r < neg + neu else 2)
                low, high = ((8, 45), (40, 76), (70, 99))[mood]
                cx = rng.randint(low, high)
            self.t[m.Conversation].add(
                {
                    "id": f"chat-{chat_id}",
                    "channel": "chat",
                    "created_at": self.fmt(ts),
                    "customer_id": CUSTOMER_ID,
                    "cx_score": cx,
                    "src": c.email if known else f"{site}/",
                    "src_name": vname,
                    "dst": operator.extension if operator else "",
                    "dst_name": operator.name if operator else "",
                    "duration": duration,
                    "monitor_id": None,
                    "object_class": "Chat",
                    "object_id": str(chat_id),
                    "type": "inbound",
                    "user_id": operator.id if operator else None,
                }
            )

    def _sms(self, ts: int) -> None:
        rng = self.rng
        c = self.pool[self._caller()]
        agent = self._anyone(ts)
        ctx = self._context(c, agent, ts)
        sms_id = self._id("sms")
        customer = (c.number, c.contact, c.name)
        company = (SMS_NUMBER, agent.extension, agent.name)
        if rng.random() < 0.6:
            type_, (src, src_id, src_name), (dst, dst_id, dst_name) = "outbound", company, customer
            r = rng.random()
            result = "delivered" if r < 0.86 else ("sent" if r < 0.95 else "failed")
            text = rng.choice(SMS_OUT)
        else:
            type_, (src, src_id, src_name), (dst, dst_id, dst_name) = "inbound", customer, company
            result = "delivered"
            text = rng.choice(SMS_IN)
        created = self.fmt(ts)
        self.t[m.Sms].add(
            {
                "id": sms_id,
                "customer_id": CUSTOMER_ID,
                "created_at": created,
                "from_number": src,
                "from_id": src_id,
                "from_name": src_name,
                "message": text.format_map(ctx),
                "result": result,
                "to_number": dst,
                "to_id": dst_id,
                "to_name": dst_name,
                "type": type_,
                "user_id": agent.id,
            }
        )
        self.t[m.Conversation].add(
            {
                "id": f"sms-{sms_id}",
                "channel": "sms",
                "created_at": created,
                "customer_id": CUSTOMER_ID,
                "cx_score": None,
                "src": src,
                "src_name": src_name,
                "dst": dst,
                "dst_name": dst_name,
                "duration": 0,
                "monitor_id": None,
                "object_class": "Sms",
                "object_id": str(sms_id),
                "type": type_,
                "user_id": agent.id,
            }
        )

    def _statements(self) -> None:
        """Monthly statements for the six complete months before the window's last month."""
        rng = self.rng
        last = self.first_day + timedelta(days=self.days - 1)
        year, month = last.year, last.month
        periods = []
        for _ in range(6):
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            periods.append((year, month))
        base = len(self.agents) * 14.0 + (len(DIDS) + len(TRACKING) + len(self.direct)) * 2.5
        scale = max(1.0, self.total_cdrs / DEFAULT_CDRS * 90 / max(1, self.days))
        for i, (year, month) in enumerate(reversed(periods)):
            period = f"{year:04d}-{month:02d}"
            usage = self.month_charges.get(period)
            if usage is None:
                usage = rng.uniform(110, 190) * scale
            issued = date(year + (month == 12), month % 12 + 1, 1)
            self.t[m.Statement].add(
                {
                    "id": FIRST_STATEMENT_ID + i,
                    "customer_id": CUSTOMER_ID,
                    "period": period,
                    "amount": f"{base + usage:.2f}",
                    "created_at": f"{issued.isoformat()} 03:15:00",
                }
            )
