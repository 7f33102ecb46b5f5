"""What hangs off an answered call: its recording, voicemail, notes and media session."""

from __future__ import annotations

import json

from voiphistory.emulator import models as m
from voiphistory.emulator.audio import mp3_size
from voiphistory.emulator.seed.base import GeneratorBase
from voiphistory.emulator.seed.callers import Caller
from voiphistory.emulator.seed.catalogue import BROWSERS, CUSTOMER_ID, Agent
from voiphistory.emulator.seed.content import (
    CLOSING_REACTION,
    GOODBYE,
    NOTES,
    OPENING_CALLBACK,
    OPENING_IN,
    OPENING_OUT,
    VM_TEXTS,
)
from voiphistory.emulator.seed.schedule import MSDR_SHARE, NOTE_SHARE, RECORDED_SHARE
from voiphistory.emulator.seed.topics import TOPICS


class CallAttachments(GeneratorBase):
    def _answered(
        self,
        row: dict,
        c: Caller,
        agent: Agent,
        topic: str,
        direction: str,
        dialled: str,
        mood: int | None = None,
    ) -> None:
        """An answered agent leg: maybe recorded (monitor + conversation), maybe a media session."""
        rng = self.rng
        billsec = row["billsec"]
        if billsec >= 5 and rng.random() < RECORDED_SHARE:
            self._monitor(row, c, agent, topic, direction, dialled, mood)
        if billsec >= 60 and rng.random() < MSDR_SHARE:
            self._msdr(row, c, agent)

    def _monitor(
        self, row: dict, c: Caller, agent: Agent, topic: str, direction: str, dialled: str, mood: int | None
    ) -> None:
        rng = self.rng
        choice = rng.choice
        spec = TOPICS[topic]
        neg, neu, _ = spec["sentiment"]
        if mood is None:
            r = rng.random()
            mood = 0 if r < neg else (1 if r < neg + neu else 2)
        ts_text = row["calldate"]
        ctx = self._context(c, agent, self._ts_of(row))
        opening = {"inbound": OPENING_IN, "callback": OPENING_CALLBACK}.get(direction, OPENING_OUT)
        turns = [("agent", choice(opening[0])), ("customer", choice(opening[1]))]
        for speaker, variants in spec["body"]:
            turns.append(("agent" if speaker == "a" else "customer", choice(variants)))
        turns.append(("agent", choice(spec["close"][mood])))
        turns.append(("customer", choice(CLOSING_REACTION[mood])))
        turns.append(("agent", choice(GOODBYE[mood])))
        duration = row["billsec"]
        speakers: list[dict] = []
        for speaker, text in turns:
            text = text.format_map(ctx)
            if speakers and speakers[-1]["speaker"] == speaker:  # one turn, two sentences
                speakers[-1]["text"] += " " + text
            else:
                speakers.append({"speaker": speaker, "start": 0.0, "text": text})
        # Turns start in proportion to the words spoken before them.
        total = sum(len(turn["text"]) for turn in speakers)
        spoken = 0
        lines = []
        for turn in speakers:
            turn["start"] = round(duration * spoken / total, 1)
            spoken += len(turn["text"])
            lines.append(("Agent: " if turn["speaker"] == "agent" else "Customer: ") + turn["text"])
        analysed = rng.random() >= 0.1
        if analysed:
            summary = choice(spec["summary"][mood]).format_map(ctx)
            low, high = ((8, 45), (40, 76), (70, 99))[mood]
            cx = rng.randint(low, high)
            metadata = '{"language": "en-US"}' if c.code == "US" else '{"language": "en-GB"}'
            sentiment = mood
        else:
            summary, cx, metadata, sentiment = "", None, None, None
        inbound = direction == "inbound"
        monitor_id = self._id("monitor")
        self.t[m.Monitor].add(
            {
                "id": monitor_id,
                "customer_id": CUSTOMER_ID,
                "call_id": row["call_id"],
                "caller": row["src"],
                "called": dialled,
                "context": row["context"],
                "cx_score": cx,
                "dst": row["dst"],
                "dst_id": row["dst_id"],
                "dst_name": row["dst_name"],
                "duration": duration,
                "live_id": row["live_id"],
                "sentiment": sentiment,
                "sip_endpoint_id": row["sip_endpoint_id"],
                "size": mp3_size(duration),
                "src": row["src"],
                "src_id": row["src_id"],
                "src_name": row["src_name"],
                "summary": summary,
                "timestamp": ts_text,
                "transcript": "\n".join(lines),
                "transcript_speakers": json.dumps(speakers, ensure_ascii=False),
                "metadata": metadata,
                "type": "I" if inbound else "O",
                "user_id": row["user_id"],
            }
        )
        self.t[m.Conversation].add(
            {
                "id": f"call-{monitor_id}",
                "channel": "call",
                "created_at": ts_text,
                "customer_id": CUSTOMER_ID,
                "cx_score": cx,
                "src": row["src"],
                "src_name": row["src_name"],
                "dst": row["dst"],
                "dst_name": row["dst_name"],
                "duration": duration,
                "monitor_id": monitor_id,
                "object_class": "Cdr",
                "object_id": str(row["id"]),
                "type": "inbound" if inbound else "outbound",
                "user_id": row["user_id"],
            }
        )

    def _voicemail(self, row: dict, c: Caller, owner: Agent, dialled: str, topic: str) -> None:
        rng = self.rng
        ts = self._ts_of(row)
        seconds = row["billsec"] - 6
        age = self.end - ts
        # Some callers flag their message urgent (Asterisk's "Urgent" folder). The draws are the same
        # as before Urgent existed, so the rest of the data does not move.
        urgent, inbox = m.VoiceMessage.URGENT, m.VoiceMessage.INBOX
        if age < 2 * 86400:
            r = rng.random()
            folder, is_new = urgent if r < 0.08 else inbox, r < 0.9
        else:
            r = rng.random()
            folder = (urgent if r < 0.04 else inbox) if r < 0.55 else (2 if r < 0.88 else 3)
            is_new = folder in (inbox, urgent) and rng.random() < 0.75 or folder == 3 and rng.random() < 0.1
        number, name = c.number, c.name
        ctx = self._context(c, owner, ts)
        self.t[m.VoiceMessage].add(
            {
                "id": self._id("vm"),
                "customer_id": CUSTOMER_ID,
                "caller": number,
                "callerid": f'"{name}" <{number}>' if name else number,
                "dialled": dialled,
                "duration": seconds,
                "extension_id": owner.id,
                "folder": folder,
                "is_new": is_new,
                "live_id": row["live_id"],
                "origtime": row["calldate"],
                "parent_live_id": row["parent_live_id"],
                "transcript": rng.choice(VM_TEXTS).format_map(ctx),
            }
        )

    def _maybe_note(self, root: dict, c: Caller, agent: Agent | None) -> None:
        rng = self.rng
        if rng.random() >= NOTE_SHARE:
            return
        ts = self._ts_of(root) + root["duration"]
        writer = agent or self._anyone(ts)
        ctx = self._context(c, writer, ts)
        for _ in range(1 if rng.random() < 0.75 else 2):
            ts = min(ts + rng.randrange(30, 3 * 3600), max(ts, self.end - 1))
            author = writer if rng.random() < 0.8 else self.agents[0]
            self.t[m.Note].add(
                {
                    "id": self._id("note"),
                    "cdr_id": root["id"],
                    "user_id": author.id,
                    "user_name": author.name,
                    "note": rng.choice(NOTES).format_map(ctx),
                    "created_at": self.fmt(ts),
                }
            )

    def _msdr(self, row: dict, c: Caller, agent: Agent) -> None:
        rng = self.rng
        talk = row["billsec"]
        into = rng.randint(10, max(11, talk // 2))  # seconds into the conversation
        offset = row["duration"] - talk + into
        length = max(15, rng.randint(15, max(16, talk - into - 5)))
        h = f"{rng.getrandbits(128):032x}"
        r = rng.random()
        kind = "video" if r < 0.45 else ("screen" if r < 0.85 else "audio")
        cause = (
            "Normal Clearing" if rng.random() < 0.93 else rng.choice(("Originator cancel", "Call rejected"))
        )
        self.t[m.Msdr].add(
            {
                "id": self._id("msdr"),
                "customer_id": CUSTOMER_ID,
                "call_id": f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}@ms.voipstudio.example",
                "created_at": self.fmt(self._ts_of(row) + offset),
                "src": agent.extension,
                "src_id": agent.extension,
                "src_ua": rng.choice(("VoIPstudio Desktop 3.2.1", "VoIPstudio WebRTC (Chrome 124)")),
                "dst": c.number,
                "dst_id": c.contact or f"guest:{rng.randrange(10000, 99999)}",
                "dst_ua": rng.choice(BROWSERS),
                "duration": length,
                "media_session_id": self._id("ms"),
                "t_cause": cause,
                "type": kind,
                "user_id": agent.id,
            }
        )
