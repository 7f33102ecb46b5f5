"""Calls that start on the website: web calls into a queue, and call-me-back requests."""

from __future__ import annotations

from voiphistory.emulator.seed.catalogue import BROWSERS, MAIN_DID, QUEUES
from voiphistory.emulator.seed.legs import CallLegs


class WebCalls(CallLegs):
    def _webcall(self, ts: int, caller: int, queue: int) -> None:
        rng = self.rng
        c = self.pool[caller]
        number, name = c.number, c.name or c.full_name
        live = self._next_live()
        browser = BROWSERS[int(rng.random() * len(BROWSERS))]
        common = self._common(
            src=number,
            src_id=c.contact,
            src_name=name,
            src_ua=browser,
            src_codec="opus",
            clid=self._clid(name, number),
            destination="webcall",
            root_live=live,
        )
        queue_id, queue_name, _ = QUEUES[queue]
        agent = self._agent(queue, ts)
        device = self._device(agent)
        topic = self._topic(queue)
        wait, ring = rng.randint(5, 90), rng.randint(3, 15)
        if rng.random() < 0.85:
            talk = self._talk(topic)
            root = self._add_cdr(
                common,
                ts,
                live,
                None,
                "I",
                "CONNECTED",
                "QUEUE",
                MAIN_DID,
                queue_id,
                queue_name,
                "",
                "opus",
                wait + ring + talk,
                wait + ring + talk,
                "Normal Clearing",
                None,
                None,
            )
            row = self._add_cdr(
                common,
                ts + wait,
                self._next_live(),
                live,
                "I",
                "CONNECTED",
                "QUEUE",
                agent.extension,
                agent.extension,
                agent.name,
                device[1],
                device[2],
                ring + talk,
                talk,
                "Normal Clearing",
                agent.id,
                device[0],
            )
            self._answered(row, c, agent, topic, "inbound", MAIN_DID)
        else:
            root = self._add_cdr(
                common,
                ts,
                live,
                None,
                "M",
                "RINGING",
                "QUEUE",
                MAIN_DID,
                queue_id,
                queue_name,
                "",
                "opus",
                wait + ring,
                0,
                "Originator cancel",
                None,
                None,
            )
            self._add_cdr(
                common,
                ts + wait,
                self._next_live(),
                live,
                "M",
                "RINGING",
                "QUEUE",
                agent.extension,
                agent.extension,
                agent.name,
                device[1],
                device[2],
                ring,
                0,
                "Originator cancel",
                agent.id,
                device[0],
            )
        self._maybe_note(root, c, None)

    def _callmeback(self, ts: int, caller: int, queue: int) -> None:
        """The website's call-me-back: the platform rings the customer, then bridges a queue agent."""
        rng = self.rng
        c = self.pool[caller]
        queue_id, queue_name, _ = QUEUES[queue]
        live = self._next_live()
        number, name = c.number, c.name or c.full_name
        common = self._common(
            src=MAIN_DID,
            src_id=queue_id,
            src_name=queue_name,
            src_ua="",
            src_codec=c.codec,
            clid=self._clid(queue_name, MAIN_DID),
            destination="callmeback",
            root_live=live,
        )
        rate = c.rate
        ring = rng.randint(4, 20)
        if rng.random() < 0.82:
            agent = self._agent(queue, ts)
            device = self._device(agent)
            topic = self._topic(queue)
            ring2, talk = rng.randint(2, 10), self._talk(topic)
            total = ring + ring2 + talk
            root = self._add_cdr(
                common,
                ts,
                live,
                None,
                "O",
                "CONNECTED",
                "PSTN_CALL",
                number,
                c.contact,
                name,
                "",
                c.codec,
                total,
                ring2 + talk,
                "Normal Clearing",
                None,
                None,
                f"{rate:.4f}",
                f"{rate * (ring2 + talk) / 60:.4f}",
            )
            row = self._add_cdr(
                common,
                ts + ring,
                self._next_live(),
                live,
                "O",
                "CONNECTED",
                "QUEUE",
                agent.extension,
                agent.extension,
                agent.name,
                device[1],
                device[2],
                ring2 + talk,
                talk,
                "Normal Clearing",
                agent.id,
                device[0],
            )
            self._answered(row, c, agent, topic, "outbound", number)
        else:
            root = self._add_cdr(
                common,
                ts,
                live,
                None,
                "O",
                "RINGING",
                "PSTN_CALL",
                number,
                c.contact,
                name,
                "",
                c.codec,
                ring + 20,
                0,
                "No answer",
                None,
                None,
                f"{rate:.4f}",
                "0.0000",
            )
            live2 = self._next_live()
            self._add_cdr(
                common,
                ts,
                live2,
                live,
                "O",
                "RINGING",
                "QUEUE",
                MAIN_DID,
                queue_id,
                queue_name,
                "",
                "PCMA",
                ring + 20,
                0,
                "No answer",
                None,
                None,
            )
        self._maybe_note(root, c, None)
