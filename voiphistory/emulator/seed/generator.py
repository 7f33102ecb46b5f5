"""The day-by-day loop: plan each day's calls (callbacks included), build them, then the extras."""

from __future__ import annotations

from bisect import bisect
from datetime import timedelta
from heapq import heappop, heappush

from voiphistory.emulator import models as m
from voiphistory.emulator.seed.calls import CallBuilder
from voiphistory.emulator.seed.catalogue import FIRST_CDR_ID
from voiphistory.emulator.seed.messaging import Messaging
from voiphistory.emulator.seed.schedule import (
    CALLBACK_CHANCE,
    CLOSED_KINDS,
    DAY_WEIGHT,
    DIRECT_KINDS,
    K_CALLBACK,
    K_OUTBOUND,
    LEGS,
    OPEN_KINDS,
    cumulative,
    is_open,
    next_open,
    weekday_of,
)
from voiphistory.emulator.seed.writer import SeedSummary


class Generator(CallBuilder, Messaging):
    def run(self) -> SeedSummary:
        self.setup()
        rng = self.rng
        weights = []
        spike = self.start + 86400 * rng.randrange(max(1, self.days))  # one bad day (an outage)
        for d in range(self.days):
            day = self.start + d * 86400
            w = DAY_WEIGHT[weekday_of(day)] * rng.uniform(0.85, 1.15)
            if day == spike and weekday_of(day) < 5:
                w *= 1.7
            weights.append(w * self._open_share(day))
        cum, total = cumulative(weights)
        done = 0
        for d in range(self.days):
            target = round(self.total_cdrs * cum[d] / total) if d < self.days - 1 else self.total_cdrs
            day = self.start + d * 86400
            events = self._plan_day(day, d, target - done)
            for event in events:
                self._build(event)
            done = self.cdr_id - FIRST_CDR_ID
            self._extras(day, d, len(events))
            if self.progress:
                self.progress(done, self.total_cdrs)
        self.callbacks.clear()
        self._statements()
        for table in self.t.values():
            table.flush()
        count = {model: table.count for model, table in self.t.items()}
        return SeedSummary(
            customers=count[m.Customer],
            users=count[m.User],
            cdrs=count[m.Cdr],
            monitors=count[m.Monitor],
            voicemessages=count[m.VoiceMessage],
            notes=count[m.Note],
            chats=count[m.Chat],
            chatmsgs=count[m.ChatMsg],
            msdrs=count[m.Msdr],
            sms=count[m.Sms],
            conversations=count[m.Conversation],
            statements=count[m.Statement],
            first_day=self.first_day.isoformat(),
            last_day=(self.first_day + timedelta(days=self.days - 1)).isoformat(),
        )

    def _plan_day(self, day: int, day_number: int, budget: int) -> list[tuple]:
        """This day's calls as (time, seq, kind, caller, queue, agent index), exactly ``budget`` legs."""
        rng = self.rng
        random = rng.random
        events: list[tuple] = []
        planned = 0
        next_day = day + 86400
        while self.callbacks and self.callbacks[0][0] < next_day:
            event = heappop(self.callbacks)
            if planned < budget:  # over budget: that caller is never called back
                events.append(event)
                planned += 1
        open_cum, open_total = self.open_kinds
        closed_cum, closed_total = self.closed_kinds
        queue_cum, queue_total = self.queue_cum
        while planned < budget:
            ts = day + self._second_of_day(day)
            if is_open(ts):
                kind = OPEN_KINDS[bisect(open_cum, random() * open_total)][0]
            else:
                kind = CLOSED_KINDS[bisect(closed_cum, random() * closed_total)][0]
            if LEGS[kind] > budget - planned:
                kind = K_OUTBOUND
            planned += LEGS[kind]
            self.seq += 1
            caller = self._caller()
            queue = bisect(queue_cum, random() * queue_total)
            target = -1
            if kind in DIRECT_KINDS:
                target = self.direct[int(random() * len(self.direct))].index
            events.append((ts, self.seq, kind, caller, queue, target))
            chance = CALLBACK_CHANCE.get(kind)
            if chance and random() < chance:
                when = self._callback_time(ts)
                if when is not None:
                    if target >= 0 and random() < 0.7:
                        agent = target
                    elif random() < 0.5:
                        agent = self._anyone(when).index
                    else:
                        agent = self._agent(queue, when).index
                    self.seq += 1
                    callback = (when, self.seq, K_CALLBACK, caller, queue, agent)
                    if when < next_day:
                        if planned < budget:
                            events.append(callback)
                            planned += 1
                    else:
                        heappush(self.callbacks, callback)
        events.sort()
        return events

    def _callback_time(self, ts: int) -> int | None:
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            when = ts + rng.randrange(300, 5400)
        elif r < 0.8:
            when = ts + rng.randrange(5400, 21600)
        else:
            when = next_open(ts - ts % 86400 + 86400) + rng.randrange(0, 9000)
        if not is_open(when):
            when = next_open(when) + rng.randrange(0, 9000)
        return when if when < self.end else None
