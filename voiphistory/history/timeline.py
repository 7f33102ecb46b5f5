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

from voiphistory.history import optional
from voiphistory.history.calls import Call, group_calls, is_first_leg
from voiphistory.history.catalog import section
from voiphistory.voipstudio import Cdr, Chat, Filter, Monitor, Sms, VoiceMessage, VoipstudioClient, budget

#: The newest items of each kind: a number with more history is shown in part, and says so.
PER_KIND = 100


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # a catalog slug: calls, recordings, voicemail, chats; or "sms"
    title: str  # what supervisors call it (catalog title)
    inbound: bool
    record: Call | Monitor | VoiceMessage | Chat | Sms


@dataclass
class Timeline:
    number: str
    name: str = ""
    entries: list[Entry] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)  # titles of kinds cut at PER_KIND
    unavailable: list[str] = field(default_factory=list)  # why a kind is missing (GET /sms is optional)


def number_timeline(*, client: VoipstudioClient, number: str, customer_id: int) -> Timeline:
    timeline = Timeline(number)
    calls, recordings, voicemail, chats = (
        section(slug) for slug in ("calls", "recordings", "voicemail", "chats")
    )
    # (collection, date field, filter, what it is, inbound?): independent requests, sent all at once
    # (the client's pooled session is shared by threads); each is a scan of a big collection upstream.
    # The chats, matched by the name the calls carry, are the second and last wave.
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
        if collection is not client.sms:
            return collection.page(filters=[flt], sort=date_field, direction="DESC", limit=PER_KIND)
        try:  # GET /sms is not in the History reference: without it, the rest of the timeline
            return optional.read(
                customer_id=customer_id,
                capability=optional.SMS,
                call=lambda: collection.page(
                    filters=[flt], sort=date_field, direction="DESC", limit=PER_KIND
                ),
            )
        except optional.Missing as missing:
            return missing

    with ThreadPoolExecutor(max_workers=budget.PAGE_CONCURRENCY) as pool:
        pages = list(budget.pool_map(pool, fetch, asks))  # under the page's time budget
    found: list[Entry] = []
    names: list[str] = []
    legs: list[Cdr] = []
    for (_, date_field, _, kind, inbound), page in zip(asks, pages, strict=True):
        if isinstance(page, optional.Missing):
            timeline.unavailable.append(page.reason)
            continue
        if page.total > PER_KIND:
            timeline.truncated.append(kind.title if kind else "SMS")
        if kind is calls:
            legs += page.items
            continue
        for record in page.items:
            slug, title = (kind.slug, kind.noun.capitalize()) if kind else ("sms", "SMS")
            found.append(Entry(getattr(record, date_field), slug, title, inbound, record))
    # One entry per call (history.calls); a call whose first leg fell beyond the newest PER_KIND
    # legs is left out rather than shown from its middle.
    for call in group_calls(legs):
        if is_first_leg(call.first):
            names.append((call.dst_name if call.outbound else call.src_name) or "")
            found.append(Entry(call.calldate, calls.slug, calls.noun.capitalize(), not call.outbound, call))
    timeline.name = max(set(filter(None, names)), key=names.count, default="")
    if timeline.name:
        page = client.chats.page(
            filters=[Filter("visitor_name", "eq", timeline.name)],
            sort="created_at",
            direction="DESC",
            limit=PER_KIND,
        )
        found += [Entry(c.created_at, chats.slug, "Chat", True, c) for c in page.items]
        if page.total > PER_KIND:
            timeline.truncated.append(chats.title)
    timeline.entries = sorted(found, key=lambda e: (e.at, e.kind), reverse=True)
    timeline.truncated = list(dict.fromkeys(timeline.truncated))
    timeline.unavailable = list(dict.fromkeys(timeline.unavailable))
    return timeline
