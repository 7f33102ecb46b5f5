"""Direct-dial calls to an agent's own number: answered, missed, busy, voicemail or follow-me."""

from __future__ import annotations

from voiphistory.emulator.seed.schedule import K_DIRECT_ANSWERED, K_DIRECT_BUSY, K_DIRECT_MISSED, K_DIRECT_VM
from voiphistory.emulator.seed.webcalls import WebCalls


class DirectCalls(WebCalls):
    def _direct(self, ts: int, kind: int, caller: int, target: int) -> None:
        rng = self.rng
        c = self.pool[caller]
        agent = self.agents[target]
        number, name, codec = c.number, c.name, c.codec
        root_live = self._next_live()
        common = self._common(
            src=number,
            src_id=c.contact,
            src_name=name,
            src_ua="",
            src_codec=codec,
            clid=self._clid(name, number),
            destination="in",
            root_live=root_live,
        )
        device = self._device(agent)
        topic = self._topic(1 if "S" in agent.queues else (0 if "A" in agent.queues else 2))
        add = self._add_cdr
        if kind == K_DIRECT_ANSWERED:
            ring, talk = rng.randint(3, 20), self._talk(topic)
            row = add(
                common,
                ts,
                root_live,
                None,
                "I",
                "CONNECTED",
                "PSTN_CALL",
                agent.did,
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
            self._answered(row, c, agent, topic, "inbound", agent.did)
        elif kind == K_DIRECT_MISSED:
            ring = rng.randint(8, 30)
            cause = "No answer" if ring > 22 else "Originator cancel"
            row = add(
                common,
                ts,
                root_live,
                None,
                "M",
                "RINGING",
                "PSTN_CALL",
                agent.did,
                agent.extension,
                agent.name,
                device[1],
                device[2],
                ring,
                0,
                cause,
                agent.id,
                device[0],
            )
        elif kind == K_DIRECT_BUSY:
            row = add(
                common,
                ts,
                root_live,
                None,
                "M",
                "INITIAL",
                "PSTN_CALL",
                agent.did,
                agent.extension,
                agent.name,
                device[1],
                device[2],
                rng.randint(1, 4),
                0,
                "User busy",
                agent.id,
                device[0],
            )
        elif kind == K_DIRECT_VM:
            ring, seconds = rng.randint(18, 25), rng.randint(5, 120)
            row = add(
                common,
                ts,
                root_live,
                None,
                "I",
                "VM",
                "PSTN_CALL",
                agent.did,
                agent.extension,
                agent.name,
                device[1],
                device[2],
                ring + 6 + seconds,
                6 + seconds,
                "Normal Clearing",
                agent.id,
                device[0],
            )
            vm_row = add(
                common,
                ts + ring,
                self._next_live(),
                root_live,
                "I",
                "VM",
                "PSTN_CALL",
                agent.extension,
                agent.extension,
                f"{agent.name} (voicemail)",
                "Voicemail",
                codec,
                6 + seconds,
                6 + seconds,
                "Normal Clearing",
                agent.id,
                None,
            )
            self._voicemail(vm_row, c, agent, agent.extension, topic)
        else:  # follow-me: the desk phone rings out, the call goes on to the agent's mobile
            ring, ring2, talk = rng.randint(15, 20), rng.randint(4, 15), self._talk(topic)
            row = add(
                common,
                ts,
                root_live,
                None,
                "I",
                "CONNECTED",
                "PSTN_CALL",
                agent.did,
                agent.extension,
                agent.name,
                device[1],
                device[2],
                ring + ring2 + talk,
                talk,
                "Normal Clearing",
                agent.id,
                device[0],
            )
            add(
                common,
                ts + ring,
                self._next_live(),
                root_live,
                "I",
                "CONNECTED",
                "FOLLOW_ME",
                agent.mobile,
                agent.extension,
                f"{agent.name} (mobile)",
                "",
                "PCMA",
                ring2 + talk,
                talk,
                "Normal Clearing",
                agent.id,
                None,
                "0.0120",
                f"{0.012 * talk / 60:.4f}",
            )
        self._maybe_note(row, c, agent)
