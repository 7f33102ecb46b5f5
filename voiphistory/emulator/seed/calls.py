"""Inbound calls through the IVR and the queues, and the dispatch of every planned call to its builder."""

from __future__ import annotations

import math

from voiphistory.emulator.seed.callers import Caller
from voiphistory.emulator.seed.catalogue import (
    DIDS,
    FIRST_USER_ID,
    IVR_CLOSED,
    IVR_MAIN,
    MAIN_DID,
    QUEUES,
    TRACKING,
)
from voiphistory.emulator.seed.direct import DirectCalls
from voiphistory.emulator.seed.schedule import (
    DIRECT_KINDS,
    K_CALLBACK,
    K_CALLMEBACK,
    K_INTERNAL,
    K_IVR_ABANDON,
    K_IVR_RNA_ANSWERED,
    K_IVR_VM,
    K_OOH_ABANDON,
    K_OOH_VM,
    K_OUTBOUND,
    K_QUEUE_ABANDON,
    K_QUEUE_BUSY,
    K_QUEUE_VM,
    K_RNA_MISSED,
    K_TEST,
    K_WEBCALL,
    TRACKING_SHARE,
)


class CallBuilder(DirectCalls):
    def _build(self, event: tuple) -> None:
        ts, _, kind, caller, queue, target = event
        if kind in (K_OUTBOUND, K_CALLBACK):
            self._outbound(ts, kind, caller, queue, target)
        elif kind in DIRECT_KINDS:
            self._direct(ts, kind, caller, target)
        elif kind == K_INTERNAL:
            self._internal(ts)
        elif kind == K_WEBCALL:
            self._webcall(ts, caller, queue)
        elif kind == K_CALLMEBACK:
            self._callmeback(ts, caller, queue)
        elif kind == K_TEST:
            self._test_call(ts)
        else:
            self._inbound_ivr(ts, kind, caller, queue)

    def _did_for(self, c: Caller) -> str:
        r = self.rng.random()
        code = c.code
        if code == "US" and r < 0.85:
            return "12124537768"
        if code == "DE" and r < 0.6:
            return "493040817263"
        return MAIN_DID if r < 0.8 else "441614960321"

    def _inbound_ivr(self, ts: int, kind: int, caller: int, queue: int) -> None:
        rng = self.rng
        random = rng.random
        c = self.pool[caller]
        number, name = c.number, c.name
        after_hours = kind in (K_OOH_ABANDON, K_OOH_VM)
        info, tracking = "", False
        if not after_hours and random() < TRACKING_SHARE:
            us = c.code == "US"
            options = [t for t in TRACKING if t[2] == us]
            did, campaign, _ = options[int(random() * len(options))]
            info, tracking = f"Campaign: {campaign}", True
            if random() < 0.8:
                queue = 0  # campaigns advertise sales
        else:
            did = self._did_for(c)
        codec = c.codec
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
            info=info,
            tracking=tracking,
        )
        ivr_id, ivr_name = IVR_CLOSED if after_hours else IVR_MAIN
        queue_id, queue_name, _ = QUEUES[queue]
        ivr_at = ts + 1
        ivr_time = rng.randint(6, 35)
        queue_at = ivr_at + ivr_time
        freephone = did.startswith("4480")
        topic = self._topic(queue)
        legs: list[tuple] = []  # agent legs: (ts, type, disposition, context, dst, dst_id,
        # dst_name, ua, codec, duration, billsec, t_cause, user id, endpoint)
        outcome_type, outcome_disp, outcome_cause = "I", "CONNECTED", "Normal Clearing"
        end = queue_at
        answered_leg = None
        topic_mood = None  # a long wait can sour the call
        vm = None  # (mailbox agent, start, message seconds)
        if kind in (K_IVR_ABANDON, K_OOH_ABANDON):
            end = ivr_at + ivr_time
            outcome_type, outcome_disp, outcome_cause = "M", "INITIAL", "Originator cancel"
        elif kind in (K_IVR_VM, K_OOH_VM):
            owner = self.agents[0] if after_hours or queue != 2 else self.agents[2]
            vm = (owner, queue_at, rng.randint(5, 120))
            outcome_disp = "VM"
        elif kind == K_QUEUE_BUSY:
            end = queue_at + rng.randint(2, 8)
            outcome_type, outcome_disp, outcome_cause = "M", "INITIAL", "User busy"
        else:
            wait = max(4, min(900, int(rng.lognormvariate(math.log(45), 0.8))))
            if kind == K_QUEUE_ABANDON:
                end = queue_at + wait
                outcome_type, outcome_disp, outcome_cause = "M", "RINGING", "Originator cancel"
            elif kind == K_QUEUE_VM:
                wait = rng.randint(120, 300)
                lead = {0: 7, 1: 3, 2: 2}[queue]  # the queue's mailbox belongs to its lead
                vm = (self.agents[lead], queue_at + wait, rng.randint(5, 120))
                outcome_disp = "VM"
            else:
                ring_at = queue_at + max(0, wait - 25)
                first = self._agent(queue, ring_at)
                if kind in (K_IVR_RNA_ANSWERED, K_RNA_MISSED):
                    ring = rng.randint(15, 25)
                    device = self._device(first)
                    legs.append(
                        (
                            ring_at,
                            "M",
                            "RINGING",
                            "QUEUE",
                            first.extension,
                            first.extension,
                            first.name,
                            device[1],
                            device[2],
                            ring,
                            0,
                            "No answer",
                            first.id,
                            device[0],
                        )
                    )
                    ring_at += ring + 1
                if kind == K_RNA_MISSED:
                    end = ring_at + rng.randint(0, 30)
                    outcome_type, outcome_disp = "M", "RINGING"
                    outcome_cause = "Originator cancel" if random() < 0.6 else "No answer"
                else:
                    agent = self._agent(queue, ring_at)
                    if kind == K_IVR_RNA_ANSWERED:
                        while agent is first and len(self.members[queue][0][0]) > 1:
                            agent = self._agent(queue, ring_at)
                    ring = rng.randint(3, 18)
                    talk = self._talk(topic)
                    if wait > 300 and random() < 0.3:
                        topic_mood = 0
                    device = self._device(agent)
                    disposition, cause = "CONNECTED", "Normal Clearing"
                    if random() < 0.004:
                        disposition, cause = "ON_HOLD", "Originator cancel"
                    answered_leg = len(legs)
                    legs.append(
                        (
                            ring_at,
                            "I",
                            disposition,
                            "QUEUE",
                            agent.extension,
                            agent.extension,
                            agent.name,
                            device[1],
                            device[2],
                            ring + talk,
                            talk,
                            cause,
                            agent.id,
                            device[0],
                        )
                    )
                    end = ring_at + ring + talk
        if vm:
            end = vm[1] + 6 + vm[2]
        root_duration = end - ts
        billsec = 0 if outcome_type == "M" else root_duration - 1
        rate = charge = "0.0000"
        if freephone:
            rate = "0.0150"
            charge = f"{0.015 * billsec / 60:.4f}"
        root = self._add_cdr(
            common,
            ts,
            root_live,
            None,
            outcome_type,
            outcome_disp,
            "PSTN_CALL",
            did,
            "",
            DIDS.get(did, "Tracking number"),
            "",
            codec,
            root_duration,
            billsec,
            outcome_cause,
            None,
            None,
            rate,
            charge,
        )
        ivr_live = self._next_live()
        ivr_end = end if kind not in (K_IVR_ABANDON, K_OOH_ABANDON) else ivr_at + ivr_time
        self._add_cdr(
            common,
            ivr_at,
            ivr_live,
            root_live,
            outcome_type,
            outcome_disp,
            "IVR",
            did,
            ivr_id,
            ivr_name,
            "",
            codec,
            ivr_end - ivr_at,
            0 if outcome_type == "M" else ivr_end - ivr_at,
            outcome_cause,
            None,
            None,
        )
        parent = ivr_live
        if kind not in (K_IVR_ABANDON, K_OOH_ABANDON, K_IVR_VM, K_OOH_VM):
            queue_live = self._next_live()
            self._add_cdr(
                common,
                queue_at,
                queue_live,
                ivr_live,
                outcome_type,
                outcome_disp,
                "QUEUE",
                did,
                queue_id,
                queue_name,
                "",
                codec,
                end - queue_at,
                0 if outcome_type == "M" else end - queue_at,
                outcome_cause,
                None,
                None,
            )
            parent = queue_live
        for i, (leg_ts, *fields) in enumerate(legs):
            row = self._add_cdr(common, leg_ts, self._next_live(), parent, *fields)
            if i == answered_leg:
                agent = self.agents[row["user_id"] - FIRST_USER_ID]
                self._answered(row, c, agent, topic, "inbound", did, mood=topic_mood)
        if vm:
            owner, vm_at, seconds = vm
            context = "IVR" if kind in (K_IVR_VM, K_OOH_VM) else "QUEUE"
            row = self._add_cdr(
                common,
                vm_at,
                self._next_live(),
                parent,
                "I",
                "VM",
                context,
                owner.extension,
                owner.extension,
                f"{owner.name} (voicemail)",
                "Voicemail",
                codec,
                6 + seconds,
                6 + seconds,
                "Normal Clearing",
                owner.id,
                None,
            )
            self._voicemail(row, c, owner, did, topic)
        self._maybe_note(root, c, None)
