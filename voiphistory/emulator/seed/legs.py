"""Writing CDR legs, and the one-leg calls agents make: outbound (callbacks too), internal, echo tests."""

from __future__ import annotations

import math

from voiphistory.emulator import models as m
from voiphistory.emulator.seed.attachments import CallAttachments
from voiphistory.emulator.seed.catalogue import CUSTOMER_ID, MAIN_DID, SERVERS
from voiphistory.emulator.seed.schedule import K_CALLBACK


class CallLegs(CallAttachments):
    def _next_live(self) -> int:
        self.live_id += 1
        return self.live_id - 1

    def _add_cdr(
        self,
        common: dict,
        ts: int,
        live: int,
        parent: int | None,
        type_: str,
        disposition: str,
        context: str,
        dst: str,
        dst_id: str,
        dst_name: str,
        dst_ua: str,
        dst_codec: str,
        duration: int,
        billsec: int,
        t_cause: str,
        user_id: int | None,
        endpoint: int | None,
        rate: str = "0.0000",
        charge: str = "0.0000",
    ) -> dict:
        row = {
            **common,
            "id": self.cdr_id,
            "calldate": self.fmt(ts),
            "live_id": live,
            "parent_live_id": parent,
            "is_root": parent is None,
            "type": type_,
            "disposition": disposition,
            "context": context,
            "dst": dst,
            "dst_id": dst_id,
            "dst_name": dst_name,
            "dst_ua": dst_ua,
            "dst_codec": dst_codec,
            "duration": duration,
            "billsec": billsec,
            "t_cause": t_cause,
            "user_id": user_id,
            "sip_endpoint_id": endpoint,
            "rate": rate,
            "charge": charge,
        }
        self.cdr_id += 1
        self.t[m.Cdr].add(row)
        if charge != "0.0000":
            month = row["calldate"][:7]
            self.month_charges[month] = self.month_charges.get(month, 0.0) + float(charge)
        return row

    def _common(
        self,
        *,
        src: str,
        src_id: str,
        src_name: str,
        src_ua: str,
        src_codec: str,
        clid: str,
        destination: str,
        root_live: int,
        info: str = "",
        tracking: bool = False,
    ) -> dict:
        self.call_id += 1
        return {
            "customer_id": CUSTOMER_ID,
            "is_calltracking": tracking,
            "call_id": self.call_id - 1,
            "clid": clid,
            "src": src,
            "src_id": src_id,
            "src_name": src_name,
            "src_ua": src_ua,
            "src_codec": src_codec,
            "destination": destination,
            "info": info,
            "root_live_id": root_live,
            "server_id": SERVERS[int(self.rng.random() * len(SERVERS))],
        }

    @staticmethod
    def _clid(name: str, number: str) -> str:
        return f'"{name or number}" <{number}>'

    def _outbound(self, ts: int, kind: int, caller: int, queue: int, target: int) -> None:
        rng = self.rng
        random = rng.random
        c = self.pool[caller]
        agent = self.agents[target] if target >= 0 else self._anyone(ts)
        device = self._device(agent)
        cli = agent.did if agent.did and random() < 0.5 else MAIN_DID
        if c.code == "US" and random() < 0.8:
            cli = "12124537768"
        number, name = c.number, c.name
        root_live = self._next_live()
        common = self._common(
            src=cli,
            src_id=agent.extension,
            src_name=agent.name,
            src_ua=device[1],
            src_codec=device[2],
            clid=self._clid(agent.name, cli),
            destination="out",
            root_live=root_live,
        )
        r = random()
        topic = self._topic(queue)
        if r < (0.7 if kind == K_CALLBACK else 0.66):
            ring, talk = rng.randint(4, 25), self._talk(topic)
            rate = c.rate
            row = self._add_cdr(
                common,
                ts,
                root_live,
                None,
                "O",
                "CONNECTED",
                "PSTN_CALL",
                number,
                c.contact,
                name,
                "",
                c.codec,
                ring + talk,
                talk,
                "Normal Clearing",
                agent.id,
                device[0],
                f"{rate:.4f}",
                f"{rate * talk / 60:.4f}",
            )
            self._answered(row, c, agent, topic, "callback" if kind == K_CALLBACK else "outbound", number)
        else:
            if r < 0.9:
                disposition, cause, duration = "RINGING", "No answer", rng.randint(25, 45)
            elif r < 0.95:
                disposition, cause, duration = "INITIAL", "User busy", rng.randint(2, 6)
            elif r < 0.98:
                disposition, cause, duration = "RINGING", "Call rejected", rng.randint(4, 15)
            else:
                disposition, cause, duration = "INITIAL", "No user responding", rng.randint(10, 30)
            row = self._add_cdr(
                common,
                ts,
                root_live,
                None,
                "O",
                disposition,
                "PSTN_CALL",
                number,
                c.contact,
                name,
                "",
                c.codec,
                duration,
                0,
                cause,
                agent.id,
                device[0],
                f"{c.rate:.4f}",
                "0.0000",
            )
        self._maybe_note(row, c, agent)

    def _internal(self, ts: int) -> None:
        rng = self.rng
        a = self._anyone(ts)
        b = self._anyone(ts, besides=a)
        da, db = self._device(a), self._device(b)
        live = self._next_live()
        common = self._common(
            src=a.extension,
            src_id=a.extension,
            src_name=a.name,
            src_ua=da[1],
            src_codec=da[2],
            clid=self._clid(a.name, a.extension),
            destination="out",
            root_live=live,
        )
        r = rng.random()
        if r < 0.8:
            ring, talk = rng.randint(2, 12), max(5, min(3600, int(rng.lognormvariate(math.log(90), 0.8))))
            self._add_cdr(
                common,
                ts,
                live,
                None,
                "O",
                "CONNECTED",
                "USER_LOCAL",
                b.extension,
                b.extension,
                b.name,
                db[1],
                db[2],
                ring + talk,
                talk,
                "Normal Clearing",
                a.id,
                da[0],
            )
        elif r < 0.93:
            self._add_cdr(
                common,
                ts,
                live,
                None,
                "M",
                "RINGING",
                "USER_LOCAL",
                b.extension,
                b.extension,
                b.name,
                db[1],
                db[2],
                rng.randint(10, 30),
                0,
                "No answer",
                a.id,
                da[0],
            )
        else:
            self._add_cdr(
                common,
                ts,
                live,
                None,
                "M",
                "INITIAL",
                "USER_LOCAL",
                b.extension,
                b.extension,
                b.name,
                db[1],
                db[2],
                rng.randint(1, 3),
                0,
                "User busy",
                a.id,
                da[0],
            )

    def _test_call(self, ts: int) -> None:
        rng = self.rng
        a = self._anyone(ts)
        device = self._device(a)
        live = self._next_live()
        common = self._common(
            src=a.extension,
            src_id=a.extension,
            src_name=a.name,
            src_ua=device[1],
            src_codec=device[2],
            clid=self._clid(a.name, a.extension),
            destination="out",
            root_live=live,
        )
        seconds = rng.randint(5, 40)
        self._add_cdr(
            common,
            ts,
            live,
            None,
            "O",
            "CONNECTED",
            "TEST_CALL",
            "*43",
            "echo",
            "Echo test",
            "VoIPstudio Echo",
            device[2],
            seconds + 1,
            seconds,
            "Normal Clearing",
            a.id,
            device[0],
        )
