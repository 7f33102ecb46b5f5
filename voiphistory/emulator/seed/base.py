"""The generator's state and the choices every part of it makes: who calls, which agent, when."""

from __future__ import annotations

import math
from bisect import bisect
from collections.abc import Callable
from datetime import date, timedelta
from random import Random

from voiphistory.emulator import models as m
from voiphistory.emulator.seed.callers import CITIES, COUNTRIES, MAIL_DOMAINS, NAMES, Caller, City
from voiphistory.emulator.seed.catalogue import (
    CUSTOMER_ID,
    CUSTOMER_NAME,
    DESK_PHONES,
    EMAIL_DOMAIN,
    FIRST_CALL_ID,
    FIRST_CDR_ID,
    FIRST_CHAT_ID,
    FIRST_CHATMSG_ID,
    FIRST_ENDPOINT_ID,
    FIRST_EXTENSION,
    FIRST_LIVE_ID,
    FIRST_MEDIA_SESSION_ID,
    FIRST_MONITOR_ID,
    FIRST_MSDR_ID,
    FIRST_NOTE_ID,
    FIRST_SMS_ID,
    FIRST_USER_ID,
    FIRST_VOICEMESSAGE_ID,
    LEAVER,
    LEAVES_AT,
    QUEUE_SHARE,
    QUEUES,
    SOFT_PHONES,
    STAFF,
    SUPERVISOR_EMAIL,
    TWOFACTOR_EMAIL,
    Agent,
)
from voiphistory.emulator.seed.content import COMPANIES, CURRENCY, PLANS, WEEKDAYS
from voiphistory.emulator.seed.schedule import (
    CLOSED_KINDS,
    HOURS,
    LAST_START_MARGIN,
    OPEN_KINDS,
    DateText,
    cumulative,
    epoch,
    weekday_of,
)
from voiphistory.emulator.seed.topics import QUEUE_TOPICS, TOPIC_NAMES, TOPICS
from voiphistory.emulator.seed.writer import SEEDED_MODELS, Table


class GeneratorBase:
    def __init__(
        self,
        *,
        seed: int,
        cdrs: int,
        days: int,
        end: date,
        password_hash: str,
        cursor,
        progress: Callable[[int, int], None] | None,
        until: int | None = None,
    ) -> None:
        self.rng = Random(seed)
        self.total_cdrs = cdrs
        self.days = days
        self.first_day = end - timedelta(days=days - 1)
        self.start = epoch(self.first_day)
        # Exclusive; ``until`` (epoch seconds, the moment of seeding) keeps every call in the past.
        self.end = min(self.start + days * 86400, until) if until else self.start + days * 86400
        self.password_hash = password_hash
        self.progress = progress
        self.fmt = DateText()
        self.t = {model: Table(cursor, model) for model in SEEDED_MODELS}
        self.cdr_id = FIRST_CDR_ID
        self.live_id = FIRST_LIVE_ID
        self.call_id = FIRST_CALL_ID
        self.ids = {
            "monitor": FIRST_MONITOR_ID,
            "vm": FIRST_VOICEMESSAGE_ID,
            "note": FIRST_NOTE_ID,
            "chat": FIRST_CHAT_ID,
            "chatmsg": FIRST_CHATMSG_ID,
            "msdr": FIRST_MSDR_ID,
            "ms": FIRST_MEDIA_SESSION_ID,
            "sms": FIRST_SMS_ID,
        }
        self.month_charges: dict[str, float] = {}
        self.callbacks: list[tuple] = []  # heap of planned callback events
        self.seq = 0
        self.hour_cum = [cumulative(h) for h in HOURS]
        self.open_kinds = cumulative(w for _, w in OPEN_KINDS)
        self.closed_kinds = cumulative(w for _, w in CLOSED_KINDS)
        self.topic_cum = [cumulative(w) for w in QUEUE_TOPICS]
        self.queue_cum = cumulative(QUEUE_SHARE)

    # ----- setup
    def _id(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def setup(self) -> None:
        rng = self.rng
        fmt = self.fmt
        self.t[m.Customer].add({"id": CUSTOMER_ID, "name": CUSTOMER_NAME})
        self.agents: list[Agent] = []
        endpoint = FIRST_ENDPOINT_ID
        did_suffix = 20
        for index, (first, last, email, admin, queues, weight, has_did) in enumerate(STAFF):
            plain = (first + "." + last).lower().replace("'", "").replace(" ", "")
            devices = []
            desk = rng.random() < 0.75
            if desk:
                ua, codec = DESK_PHONES[int(rng.random() * len(DESK_PHONES))]
                devices.append((endpoint, ua, codec))
                endpoint += 1
            if not desk or rng.random() < 0.45:
                ua, codec = SOFT_PHONES[int(rng.random() * len(SOFT_PHONES))]
                devices.append((endpoint, ua, codec))
                endpoint += 1
            did = ""
            if has_did:
                did = f"442038467{did_suffix:02d}"
                did_suffix += 1
            agent = Agent(
                index=index,
                id=FIRST_USER_ID + index,
                first=first,
                last=last,
                name=f"{first} {last}",
                extension=str(FIRST_EXTENSION + index),
                email=email or f"{plain}@{EMAIL_DOMAIN}",
                queues=queues,
                weight=weight,
                did=did,
                mobile=f"4477009{rng.randrange(10000, 99999)}",
                devices=tuple(devices),
            )
            self.agents.append(agent)
            joined = (
                self.start - 86400 * (1200 - index * 37 - rng.randrange(20)) + 3600 * 9 + rng.randrange(3600)
            )
            self.t[m.User].add(
                {
                    "id": agent.id,
                    "customer_id": CUSTOMER_ID,
                    "email": agent.email,
                    "password": self.password_hash,
                    "first_name": first,
                    "last_name": last,
                    "extension": agent.extension,
                    "roles": "ROLE_ADMIN,ROLE_USER" if admin else "ROLE_USER",
                    "two_factor_auth": 1 if email == TWOFACTOR_EMAIL else 0,
                    "active": index != LEAVER,
                    "is_root": email == SUPERVISOR_EMAIL,
                    "is_initial": False,
                    "visited_apps": "" if index % 3 else "dashboard,history",
                    "created_at": fmt(joined),
                }
            )
        self.leaves_at = self.start + int((self.end - self.start) * LEAVES_AT)
        # Queue members (before and after the leaver left): cumulative workload weights.
        self.members = []
        for _, _, letter in QUEUES:
            pair = []
            for after in (False, True):
                group = [a for a in self.agents if letter in a.queues and not (after and a.index == LEAVER)]
                pair.append((group, *cumulative(a.weight for a in group)))
            self.members.append(pair)
        everyone = []
        for after in (False, True):
            group = [a for a in self.agents if not (after and a.index == LEAVER)]
            everyone.append((group, *cumulative(a.weight for a in group)))
        self.everyone = everyone
        self.direct = [a for a in self.agents if a.did]
        self.chat_staff = [
            [
                a
                for a in self.agents
                if ("S" in a.queues or "A" in a.queues) and not (after and a.index == LEAVER)
            ]
            for after in (False, True)
        ]
        self._make_pool()

    def _make_pool(self) -> None:
        """Callers: a stable pool, a few thousand at the default size (bigger seeds get more)."""
        rng = self.rng
        size = min(40000, max(2500, self.total_cdrs // 10))
        country_cum = cumulative(c[2] for c in COUNTRIES)
        seen: set[str] = set()
        pool: list[Caller] = []
        for index in range(size):
            code, country, _, codec, prefixes = COUNTRIES[
                bisect(country_cum[0], rng.random() * country_cum[1])
            ]
            prefix_cum = cumulative(p[3] for p in prefixes)
            prefix, digits, rate, _ = prefixes[bisect(prefix_cum[0], rng.random() * prefix_cum[1])]
            while True:
                number = prefix + str(rng.randrange(10 ** (digits - 1), 10**digits))
                if number not in seen:
                    seen.add(number)
                    break
            firsts, lasts = NAMES[code]
            first, last = firsts[int(rng.random() * len(firsts))], lasts[int(rng.random() * len(lasts))]
            known = rng.random() < 0.75
            name = f"{first} {last}"
            city = City(*CITIES[code][int(rng.random() * len(CITIES[code]))])
            plain = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
            email = f"{plain}{rng.randrange(100) if rng.random() < 0.3 else ''}@{MAIL_DOMAINS[index % len(MAIL_DOMAINS)]}"
            pool.append(
                Caller(
                    number=number,
                    name=name if known else "",
                    first=first,
                    contact=f"contact:{3000 + index * 7}" if known else "",
                    code=code,
                    country=country,
                    city=city,
                    codec=codec,
                    rate=rate,
                    email=email,
                    full_name=name,
                    company=COMPANIES[int(rng.random() * len(COMPANIES))],
                    visitor=f"wv-{(index * 2654435761 + 977) % 2**32:08x}",
                )
            )
        self.pool = pool

    def _caller(self) -> int:
        """A pool index; repeat callers are common (low indexes are frequent: P(index < k) = (k/n)^(2/3))."""
        r = self.rng.random()
        return int(len(self.pool) * r * math.sqrt(r))

    def _agent(self, queue: int, ts: int) -> Agent:
        group, cum, total = self.members[queue][ts >= self.leaves_at]
        return group[bisect(cum, self.rng.random() * total)]

    def _anyone(self, ts: int, besides: Agent | None = None) -> Agent:
        group, cum, total = self.everyone[ts >= self.leaves_at]
        while True:
            agent = group[bisect(cum, self.rng.random() * total)]
            if agent is not besides:
                return agent

    def _device(self, agent: Agent) -> tuple:
        devices = agent.devices
        return devices[0] if len(devices) == 1 or self.rng.random() < 0.7 else devices[1]

    def _open_share(self, day: int) -> float:
        """The share of a day's calls that fit before the window's end (1.0 but for a cut last day)."""
        latest = self.end - LAST_START_MARGIN - day
        if latest >= 86400:
            return 1.0
        cum, total = self.hour_cum[0 if weekday_of(day) < 5 else weekday_of(day) - 4]
        full_hours = max(0, latest // 3600)
        return cum[full_hours - 1] / total if full_hours else 0.0

    def _second_of_day(self, day: int) -> int:
        """A time of day following the hourly profile; on the last day nothing starts after 22:00,
        so every leg, message and note stays inside the window."""
        weekday = weekday_of(day)
        cum, total = self.hour_cum[0 if weekday < 5 else weekday - 4]
        random = self.rng.random
        latest = self.end - LAST_START_MARGIN - day
        while True:
            second = bisect(cum, random() * total) * 3600 + int(random() * 3600)
            if second < latest:
                return second

    def _talk(self, topic: str) -> int:
        median = TOPICS[topic]["talk"]
        return max(8, min(3600, int(self.rng.lognormvariate(math.log(median), 0.65))))

    def _topic(self, queue: int) -> str:
        cum, total = self.topic_cum[queue]
        return TOPIC_NAMES[bisect(cum, self.rng.random() * total)]

    def _context(self, c: Caller, agent: Agent, ts: int) -> dict:
        rng = self.rng
        randrange = rng.randrange
        code = c.code
        currency = CURRENCY.get(code, "£")
        hour = ts % 86400 // 3600
        return {
            "agent": agent.first,
            "customer": c.full_name,
            "cfirst": c.first,
            "company": c.company,
            "amount": f"{currency}{randrange(8, 240)}.{randrange(0, 100):02d}",
            "ref": f"INV-{randrange(200000, 299999)}",
            "order": f"NW-{randrange(40000, 99999)}",
            "ticket": f"TKT-{randrange(50000, 99999)}",
            "day": WEEKDAYS[randrange(0, 5)],
            "plan": PLANS[randrange(0, len(PLANS))],
            "account": f"NW{randrange(100000, 999999)}",
            "email": c.email,
            "postcode": "EC1A 1BB",
            "number": c.number,
            "part": "morning" if hour < 12 else ("afternoon" if hour < 17 else "evening"),
        }

    def _ts_of(self, row: dict) -> int:
        text = row["calldate"]
        return self.fmt.days[text[:11]] + self.fmt.seconds[text[11:]]
