"""One phone number's history: calls, recordings, voicemail, chats and SMS in time order.

A selector: takes a client, reads VoIPstudio, returns typed entries. The API writes numbers as
E.164 digits without "+", so each collection is asked with ``eq`` on its number fields (the
filters in a request are ANDed: "from or to" takes two requests). Chats carry no phone number
(only the visitor's name, email and IP): they are matched by the contact name the calls carry.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from voiphistory.history.catalog import section
from voiphistory.voipstudio import Cdr, Chat, Filter, Monitor, Sms, VoiceMessage, VoipstudioClient

#: The newest items of each kind: a number with more history is shown in part, and says so.
PER_KIND = 100
PARALLEL_REQUESTS = 4


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # a catalog slug: calls, recordings, voicemail, chats; or "sms"
    title: str  # what supervisors call it (catalog title)
    inbound: bool
    record: Cdr | Monitor | VoiceMessage | Chat | Sms


@dataclass
class Timeline:
    number: str
    name: str = ""
    entries: list[Entry] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)  # titles of kinds cut at PER_KIND


def _is_first_leg(cdr: Cdr) -> bool:
    # A call's later legs (IVR, queue, agent) repeat its caller: show each call once.
    return bool(cdr.is_root) if cdr.is_root is not None else cdr.parent_live_id is None


def number_timeline(*, client: VoipstudioClient, number: str) -> Timeline:
    timeline = Timeline(number)
    calls, recordings, voicemail, chats = (section(slug) for slug in ("calls", "recordings", "voicemail", "chats"))
    # (collection, date field, filter, what it is, inbound?): independent requests, sent side by side
    # (the client's pooled session is shared by threads); each is a scan of a big collection upstream.
    asks = [
        (client.cdrs, "calldate", Filter("src", "eq", number), calls, True),
        (client.cdrs, "calldate", Filter("dst", "eq", number), calls, False),
        (client.monitors, "timestamp", Filter("src", "eq", number), recordings, True),
        (client.monitors, "timestamp", Filter("dst", "eq", number), recordings, False),
        (client.voicemessages, "origtime", Filter("caller", "eq", number), voicemail, True),
        (client.sms, "created_at", Filter("from", "eq", number), None, True),
        (client.sms, "created_at", Filter("to", "eq", number), None, False),
    ]

    def fetch(ask):
        collection, date_field, flt, *_ = ask
        return collection.page(filters=[flt], sort=date_field, direction="DESC", limit=PER_KIND)

    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        pages = list(pool.map(fetch, asks))
    found: list[Entry] = []
    names: list[str] = []
    for (_, date_field, _, kind, inbound), page in zip(asks, pages):
        if page.total > PER_KIND:
            timeline.truncated.append(kind.title if kind else "SMS")
        for record in page.items:
            if kind is calls:
                if not _is_first_leg(record):
                    continue
                names.append((record.src_name if inbound else record.dst_name) or "")
            slug, title = (kind.slug, kind.noun.capitalize()) if kind else ("sms", "SMS")
            found.append(Entry(getattr(record, date_field), slug, title, inbound, record))
    timeline.name = max(set(filter(None, names)), key=names.count, default="")
    if timeline.name:
        page = client.chats.page(filters=[Filter("visitor_name", "eq", timeline.name)], sort="created_at",
                                 direction="DESC", limit=PER_KIND)  # fmt: skip
        found += [Entry(c.created_at, chats.slug, "Chat", True, c) for c in page.items]
        if page.total > PER_KIND:
            timeline.truncated.append(chats.title)
    timeline.entries = sorted(found, key=lambda e: (e.at, e.kind), reverse=True)
    timeline.truncated = list(dict.fromkeys(timeline.truncated))
    return timeline
