"""Deterministic, realistic demo data for the emulator: a small contact centre's recent history.

"Northwind Support Ltd" (customer 100234) runs a 25-seat contact centre. Inbound calls reach the
company numbers, pass an IVR and a queue and ring agents; agents call customers back, call each
other, share screens, chat on the website and send SMS. :func:`seed_database` writes that history:

* CDRs: one row per call leg, linked through ``live_id`` / ``parent_live_id`` / ``root_live_id``
  (root PSTN leg → IVR leg → queue leg → agent leg(s) or a voicemail leg); missed calls, voicemail,
  busy lines, follow-me, outbound calls including callbacks to earlier missed callers (minutes to
  a day later, by the same or another agent, or never), internal, webcall, call-me-back and test calls;
  ~10% of inbound IVR calls arrive on call-tracking numbers (``is_calltracking`` and the campaign in
  ``info``).
* Recordings (monitors) of ~70% of answered agent legs with transcript, speaker turns, summary,
  sentiment and CX score; voicemails of the voicemail legs; notes on ~4% of calls; chats with
  their messages; media sessions; SMS; conversations (one per recording, chat and SMS); monthly
  statements.

Everything comes from ``random.Random(seed)`` and ``end``: the same arguments give the same
database content. Ids are big (CDR ids start above 2**31). Rows are generated day by day
in time order and written in batches with ``executemany``, so memory stays flat and a million CDRs
take about half a minute.

The ``cdrs`` argument is the exact number of CDR rows written: each day gets its share of legs
(weekdays weigh more) and the last call of a day is shortened to a one-leg call when needed.

Conventions of the generated CDRs (the live API's are unknown; docs-emulator-choices.md):

* A call's legs share ``call_id`` and ``root_live_id``; every child's ``parent_live_id`` is its
  parent leg's ``live_id``; only the root leg has ``is_root``. ``calldate`` is when a leg started,
  ``duration`` its length, ``billsec`` its connected time.
* The legs that are not agent or voicemail legs (root, IVR, queue) carry the call's outcome: type
  "I" + CONNECTED (answered), type "M" + RINGING/INITIAL with ``billsec`` 0 (missed: "No answer",
  "Originator cancel", "User busy"), type "I" + VM (went to voicemail). A queue agent leg that rang
  unanswered is type "M", RINGING, "No answer", with the agent's ``user_id``.
* Inbound: root (PSTN_CALL, dst = the dialled DID) → IVR leg (``IVR324`` "Main menu", or ``IVR325``
  "Out of hours") → queue leg (``Queue12443`` Sales, ``Queue12444`` Support, ``Queue12445`` Billing)
  → agent leg (context QUEUE, ``dst_id`` = extension) or a voicemail leg (``dst_ua`` "Voicemail").
  Direct-dial calls to an agent's DID are a single root leg with the agent's ``user_id`` (plus a
  FOLLOW_ME leg to their mobile, or a voicemail leg).
* Outbound (including callbacks): one leg, type "O", destination "out", ``user_id`` the agent.
  Internal calls: USER_LOCAL; echo tests: TEST_CALL; web calls: destination "webcall"; the
  website's call-me-back: destination "callmeback" with a child agent leg.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from bisect import bisect
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from heapq import heappop, heappush
from operator import itemgetter
from pathlib import Path
from random import Random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from voiphistory.emulator import models as m
from voiphistory.emulator.audio import mp3_size

# --- Fixed identities ---------------------------------------------------------------------------
CUSTOMER_ID = 100234
CUSTOMER_NAME = "Northwind Support Ltd"
EMAIL_DOMAIN = "northwind.example"
SUPERVISOR_EMAIL = "supervisor@northwind.example"
AGENT_EMAIL = "agent@northwind.example"
TWOFACTOR_EMAIL = "twofactor@northwind.example"
DEMO_EMAILS = (SUPERVISOR_EMAIL, AGENT_EMAIL, TWOFACTOR_EMAIL)
PASSWORD_FILE_NAME = "demo-password"

FIRST_USER_ID = 201001
FIRST_EXTENSION = 10001
FIRST_CDR_ID = 2_147_500_001  # above 2**31: clients must handle big ids
FIRST_LIVE_ID = 2_715_000_001
FIRST_CALL_ID = 3_400_000_001
FIRST_MONITOR_ID = 5_200_001
FIRST_VOICEMESSAGE_ID = 740_001
FIRST_NOTE_ID = 90_001
FIRST_CHAT_ID = 310_001
FIRST_CHATMSG_ID = 4_200_001
FIRST_MSDR_ID = 61_000_001
FIRST_MEDIA_SESSION_ID = 8_800_001
FIRST_SMS_ID = 150_001
FIRST_STATEMENT_ID = 1_001
FIRST_ENDPOINT_ID = 310_441

BATCH_ROWS = 5000
DEFAULT_CDRS = 20000
DEFAULT_DAYS = 90

# Tables the seed owns, children first (the delete order for ``replace``).
SEEDED_MODELS: tuple[type[models.Model], ...] = (
    m.Token, m.TwoFactorChallenge, m.ChatMsg, m.Chat, m.Note, m.Conversation, m.Monitor,
    m.VoiceMessage, m.Msdr, m.Sms, m.Statement, m.Cdr, m.User, m.Customer,
)  # fmt: skip


class SeedError(Exception):
    """The database cannot be seeded as asked (not migrated, or already holds data)."""


@dataclass
class SeedSummary:
    """How many rows each table received, and the window the calls cover."""

    customers: int = 0
    users: int = 0
    cdrs: int = 0
    monitors: int = 0
    voicemessages: int = 0
    notes: int = 0
    chats: int = 0
    chatmsgs: int = 0
    msdrs: int = 0
    sms: int = 0
    conversations: int = 0
    statements: int = 0
    first_day: str = ""
    last_day: str = ""

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if isinstance(v, int)}

    def __str__(self) -> str:
        rows = ", ".join(f"{name} {count:,}" for name, count in self.counts().items())
        return f"{rows} (calls {self.first_day} .. {self.last_day} UTC)"


# --- Staff ---------------------------------------------------------------------------------------
# first, last, fixed (demo) email, admin, queues (A sales, S support, B billing), workload, direct DID
_STAFF = (
    ("Olivia", "Bennett", SUPERVISOR_EMAIL, True, "SAB", 0.3, True),  # supervisor, account owner
    ("Daniel", "Kowalski", AGENT_EMAIL, False, "S", 1.0, False),  # the read-only demo agent
    ("Aisha", "Rahman", TWOFACTOR_EMAIL, True, "B", 0.8, True),  # billing lead, two-factor login
    ("Marcus", "Oyelaran", None, True, "S", 0.6, True),  # support team lead
    ("Priya", "Raman", None, False, "S", 1.0, False),
    ("Liam", "O'Connor", None, False, "S", 1.1, False),
    ("Sofia", "Marques", None, False, "SA", 0.9, False),
    ("James", "Whitfield", None, False, "A", 1.0, True),
    ("Chloe", "Evans", None, False, "S", 1.0, False),
    ("Mohammed", "Siddiqui", None, False, "SB", 0.9, False),
    ("Emily", "Chen", None, False, "A", 1.1, True),
    ("Ryan", "McAllister", None, False, "S", 1.0, False),
    ("Hannah", "Schmidt", None, False, "SA", 0.8, True),
    ("Kwame", "Asante", None, False, "S", 1.0, False),
    ("Grace", "Thompson", None, False, "B", 1.0, False),
    ("Oliver", "Nowak", None, False, "S", 0.9, False),
    ("Isla", "Fraser", None, False, "A", 0.9, False),
    ("Ben", "Carter", None, False, "S", 1.0, False),
    ("Zara", "Hussain", None, False, "B", 0.9, False),
    ("Lucas", "Martin", None, False, "SA", 0.8, True),
    ("Megan", "Lloyd", None, False, "S", 1.0, False),
    ("Arjun", "Patel", None, False, "A", 1.0, True),
    ("Niamh", "Gallagher", None, False, "S", 0.9, False),
    ("Ethan", "Brooks", None, False, "SB", 0.8, False),  # left the company: inactive, calls stop
    ("Fatima", "Begum", None, False, "S", 1.0, True),
)
_LEAVER = 23  # index in _STAFF of the inactive user
_LEAVES_AT = 0.65  # share of the window after which the leaver takes no more calls

_DESK_PHONES = (
    ("Yealink SIP-T54W 96.86.0.100", "G722"),
    ("Yealink SIP-T46U 108.86.0.90", "G722"),
    ("Polycom VVX 450 6.4.3.5018", "G722"),
    ("Snom D785 10.1.159.12", "G722"),
    ("Grandstream GXP2170 1.0.11.79", "PCMA"),
)
_SOFT_PHONES = (
    ("VoIPstudio Desktop 3.2.1", "opus"),
    ("VoIPstudio Desktop 3.1.8", "opus"),
    ("Zoiper 5.6.3", "PCMA"),
    ("VoIPstudio iOS 2.8.0", "opus"),
    ("VoIPstudio Android 2.7.4", "opus"),
    ("VoIPstudio WebRTC (Chrome 124)", "opus"),
)
_BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
)

# --- Numbers, queues, IVRs --------------------------------------------------------------------------
MAIN_DID = "442038467190"
_DIDS = {  # number: label
    MAIN_DID: "Main line (London)",
    "441614960321": "Manchester office",
    "12124537768": "US support line",
    "493040817263": "Berlin line",
}
_TRACKING = (  # number, campaign, for US callers
    ("442079460101", "Google Ads – Spring", False),
    ("442079460102", "Facebook – Retargeting", False),
    ("448081570192", "Brochure 2025", False),
    ("442079460103", "Bing Ads – Brand", False),
    ("442079460104", "Radio – Heart London", False),
    ("12124537790", "Google Ads – US Launch", True),
)
SMS_NUMBER = "447700900800"
IVR_MAIN = ("IVR324", "Main menu")
IVR_CLOSED = ("IVR325", "Out of hours")
QUEUES = (  # dst_id, name, staff letter
    ("Queue12443", "Sales queue", "A"),
    ("Queue12444", "Support queue", "S"),
    ("Queue12445", "Billing queue", "B"),
)
_QUEUE_SHARE = (0.25, 0.55, 0.20)
_SERVERS = (11, 12, 14, 21)
_WEBSITES = ((7741, "https://www.northwind.example"), (7742, "https://help.northwind.example"))

# --- Customers (callers) ----------------------------------------------------------------------------
_COUNTRIES = (  # code, name, share, codec, dialling prefixes (mobile, landline), cities, names
    ("GB", "United Kingdom", 0.64, "PCMA", (("447", 9, 0.0120, 0.6), ("4420", 8, 0.0060, 0.15),
        ("44161", 7, 0.0060, 0.1), ("44121", 7, 0.0060, 0.08), ("44131", 7, 0.0060, 0.07))),
    ("US", "United States", 0.15, "PCMU", (("1212", 7, 0.0090, 0.3), ("1415", 7, 0.0090, 0.2),
        ("1312", 7, 0.0090, 0.2), ("1617", 7, 0.0090, 0.15), ("1512", 7, 0.0090, 0.15))),
    ("DE", "Germany", 0.10, "PCMA", (("4915", 9, 0.0350, 0.5), ("4930", 8, 0.0150, 0.3),
        ("4989", 8, 0.0150, 0.2))),
    ("FR", "France", 0.07, "PCMA", (("336", 8, 0.0320, 0.5), ("337", 8, 0.0320, 0.2),
        ("331", 8, 0.0140, 0.3))),
    ("IE", "Ireland", 0.02, "PCMA", (("3538", 8, 0.0300, 0.7), ("3531", 7, 0.0150, 0.3))),
    ("NL", "Netherlands", 0.02, "PCMA", (("316", 8, 0.0330, 0.6), ("3120", 7, 0.0140, 0.4))),
)  # fmt: skip
_CITIES = {
    "GB": (("London", 51.5074, -0.1278), ("Manchester", 53.4808, -2.2426), ("Birmingham", 52.4862, -1.8904),
           ("Leeds", 53.8008, -1.5491), ("Glasgow", 55.8642, -4.2518), ("Bristol", 51.4545, -2.5879),
           ("Cardiff", 51.4816, -3.1791), ("Edinburgh", 55.9533, -3.1883)),
    "US": (("New York", 40.7128, -74.006), ("San Francisco", 37.7749, -122.4194), ("Chicago", 41.8781, -87.6298),
           ("Boston", 42.3601, -71.0589), ("Austin", 30.2672, -97.7431)),
    "DE": (("Berlin", 52.52, 13.405), ("Munich", 48.1351, 11.582), ("Hamburg", 53.5511, 9.9937),
           ("Cologne", 50.9375, 6.9603)),
    "FR": (("Paris", 48.8566, 2.3522), ("Lyon", 45.764, 4.8357), ("Marseille", 43.2965, 5.3698),
           ("Toulouse", 43.6047, 1.4442)),
    "IE": (("Dublin", 53.3498, -6.2603), ("Cork", 51.8985, -8.4756)),
    "NL": (("Amsterdam", 52.3676, 4.9041), ("Rotterdam", 51.9244, 4.4777)),
}  # fmt: skip
_NAMES = {
    "GB": (("Jane", "Oliver", "Amelia", "Harry", "Sophie", "Jack", "Charlotte", "George", "Emily", "Thomas",
            "Ruby", "Samuel", "Lucy", "Joseph", "Ella", "Adam", "Freya", "Callum", "Imogen", "Rhys", "Nadia",
            "Omar", "Leah", "Connor", "Molly", "Tariq", "Eleanor", "Dylan", "Anita", "Gareth"),
           ("Doe", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
            "Wright", "Walker", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris",
            "Clarke", "Patel", "Khan", "Ali", "Murphy", "Campbell", "Stewart", "Morgan", "Price", "Shaw")),
    "US": (("Michael", "Jennifer", "David", "Ashley", "Chris", "Jessica", "Matthew", "Sarah", "Brian", "Emily",
            "Tyler", "Megan", "Kevin", "Lauren", "Carlos", "Maria", "Jordan", "Kayla", "Andre", "Nicole"),
           ("Miller", "Garcia", "Rodriguez", "Martinez", "Anderson", "Jackson", "Lee", "Perez", "Moore",
            "Young", "King", "Lopez", "Scott", "Nguyen", "Hill", "Adams", "Baker", "Nelson", "Carter", "Rivera")),
    "DE": (("Lukas", "Anna", "Felix", "Lena", "Jonas", "Laura", "Maximilian", "Julia", "Paul", "Sarah",
            "Tobias", "Katharina", "Jan", "Miriam", "Stefan"),
           ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
            "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann")),
    "FR": (("Camille", "Louis", "Léa", "Hugo", "Manon", "Jules", "Chloé", "Lucas", "Inès", "Nathan",
            "Élodie", "Antoine", "Margaux", "Théo", "Sophie"),
           ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
            "Simon", "Laurent", "Lefebvre", "Michel", "Garnier")),
    "IE": (("Aoife", "Seán", "Ciara", "Conor", "Siobhán", "Darragh", "Orla", "Cillian"),
           ("Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne", "Ryan", "O'Brien", "Doyle")),
    "NL": (("Daan", "Emma", "Sem", "Julia", "Lars", "Sanne", "Bram", "Fleur"),
           ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer")),
}  # fmt: skip
_MAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "brightlane.example",
                 "kestrel-logistics.example", "oakfield.example", "harbourview.example")  # fmt: skip
_REFERERS = (
    "https://www.google.com/", "https://www.northwind.example/pricing", "https://www.northwind.example/",
    "https://help.northwind.example/articles/router-setup", "https://www.bing.com/",
    "https://www.northwind.example/contact", "https://help.northwind.example/billing",
    "https://www.facebook.com/", "https://www.northwind.example/business-broadband",
)  # fmt: skip

# --- Time profile ---------------------------------------------------------------------------------
# Relative call volume per hour (UTC = UK office time, near enough) for weekdays, Saturday, Sunday.
_HOURS = (
    (2, 1, 1, 1, 1, 2, 6, 30, 80, 100, 100, 95, 72, 80, 95, 90, 78, 58, 22, 10, 7, 5, 4, 3),
    (3, 2, 1, 1, 1, 2, 4, 12, 30, 55, 60, 58, 45, 28, 14, 10, 9, 8, 6, 5, 4, 4, 3, 3),
    (3, 2, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 12, 11, 10, 9, 9, 8, 7, 6, 5, 4, 3),
)
_DAY_WEIGHT = (1.12, 1.02, 1.0, 0.98, 0.9, 0.16, 0.07)  # Monday .. Sunday
_OPEN = {0: (8, 18), 1: (8, 18), 2: (8, 18), 3: (8, 18), 4: (8, 18), 5: (9, 13)}  # Sunday closed

# --- Call kinds ------------------------------------------------------------------------------------
(K_IVR_ANSWERED, K_IVR_RNA_ANSWERED, K_IVR_ABANDON, K_QUEUE_ABANDON, K_QUEUE_BUSY, K_RNA_MISSED,
 K_QUEUE_VM, K_IVR_VM, K_DIRECT_ANSWERED, K_DIRECT_MISSED, K_DIRECT_BUSY, K_DIRECT_VM,
 K_DIRECT_FOLLOWME, K_OUTBOUND, K_INTERNAL, K_WEBCALL, K_CALLMEBACK, K_TEST, K_OOH_ABANDON,
 K_OOH_VM, K_CALLBACK) = range(21)  # fmt: skip
_LEGS = {
    K_IVR_ANSWERED: 4, K_IVR_RNA_ANSWERED: 5, K_IVR_ABANDON: 2, K_QUEUE_ABANDON: 3, K_QUEUE_BUSY: 3,
    K_RNA_MISSED: 4, K_QUEUE_VM: 4, K_IVR_VM: 3, K_DIRECT_ANSWERED: 1, K_DIRECT_MISSED: 1,
    K_DIRECT_BUSY: 1, K_DIRECT_VM: 2, K_DIRECT_FOLLOWME: 2, K_OUTBOUND: 1, K_INTERNAL: 1,
    K_WEBCALL: 2, K_CALLMEBACK: 2, K_TEST: 1, K_OOH_ABANDON: 2, K_OOH_VM: 3, K_CALLBACK: 1,
}  # fmt: skip
_OPEN_KINDS = (
    (K_IVR_ANSWERED, 38.5), (K_IVR_RNA_ANSWERED, 3.2), (K_IVR_ABANDON, 1.6), (K_QUEUE_ABANDON, 4.3),
    (K_QUEUE_BUSY, 0.5), (K_RNA_MISSED, 1.1), (K_QUEUE_VM, 2.1), (K_IVR_VM, 1.0),
    (K_DIRECT_ANSWERED, 5.2), (K_DIRECT_MISSED, 1.5), (K_DIRECT_BUSY, 0.4), (K_DIRECT_VM, 1.2),
    (K_DIRECT_FOLLOWME, 0.4), (K_OUTBOUND, 29.5), (K_INTERNAL, 5.0), (K_WEBCALL, 1.2),
    (K_CALLMEBACK, 1.2), (K_TEST, 0.5),
)  # fmt: skip
_CLOSED_KINDS = (
    (K_OOH_ABANDON, 30), (K_OOH_VM, 42), (K_DIRECT_VM, 8), (K_DIRECT_MISSED, 5), (K_OUTBOUND, 10),
    (K_INTERNAL, 2), (K_TEST, 0.6),
)  # fmt: skip
_CALLBACK_CHANCE = {
    K_IVR_ABANDON: 0.35, K_QUEUE_ABANDON: 0.65, K_QUEUE_BUSY: 0.6, K_RNA_MISSED: 0.7, K_QUEUE_VM: 0.85,
    K_IVR_VM: 0.8, K_DIRECT_MISSED: 0.6, K_DIRECT_BUSY: 0.5, K_DIRECT_VM: 0.85, K_OOH_ABANDON: 0.3,
    K_OOH_VM: 0.85,
}  # fmt: skip
_DIRECT_KINDS = frozenset({K_DIRECT_ANSWERED, K_DIRECT_MISSED, K_DIRECT_BUSY, K_DIRECT_VM, K_DIRECT_FOLLOWME})
_INBOUND_KINDS = frozenset(_CALLBACK_CHANCE) | {K_IVR_ANSWERED, K_IVR_RNA_ANSWERED, K_DIRECT_ANSWERED,
                                                 K_DIRECT_FOLLOWME, K_WEBCALL, K_CALLMEBACK}  # fmt: skip
LAST_START_MARGIN = 7200  # no call starts in the window's last two hours (calls last < 1h20m)
TRACKING_SHARE = 0.10  # of inbound IVR calls in opening hours
RECORDED_SHARE = 0.70  # of answered agent legs
NOTE_SHARE = 0.04  # of root legs
MSDR_SHARE = 0.10  # of answered agent legs: about one media session per 15 calls

# --- Conversation content ----------------------------------------------------------------------------
# Each topic: talk-time median (s), sentiment weights (negative, neutral, positive), the body of the
# call (speaker, variants), the agent's last word per sentiment, and summaries per sentiment.
_TOPICS = {
    "billing_dispute": {
        "talk": 330, "sentiment": (0.5, 0.35, 0.15),
        "body": (
            ("c", ("I've been charged {amount} more than usual on invoice {ref} and I don't understand why.",
                   "There's a charge of {amount} on my latest bill that I never agreed to.",
                   "My invoice {ref} has an extra {amount} on it and nobody told me about a price change.")),
            ("a", ("I'm sorry about that, {cfirst}. Let me pull up invoice {ref} and have a look.",
                   "Let me check that for you. Can you confirm the first line of the billing address?")),
            ("c", ("Sure, it's the one for the office on the high street.", "Yes, it's 14 Mill Lane.",
                   "It should be the registered address, the one on the invoice.")),
            ("a", ("I can see it now. It's a pro-rata charge for the extra line added on {day}.",
                   "It looks like the calls to mobiles went over the bundle and were billed at the standard rate.",
                   "The annual price rise was applied this month; a letter went out in the spring.")),
            ("c", ("Nobody explained that when the line was added.", "That can't be right, we hardly used the phones.",
                   "I really don't remember getting any letter.")),
        ),
        "close": (
            ("I've raised a billing review, reference {ticket}. The team has five working days to come back to you.",
             "I'm afraid I can't remove the charge, but I've logged your complaint under {ticket}."),
            ("I've raised a billing review under {ticket}; you'll have an answer by email within two working days.",
             "I've put a note on the account and asked billing to double-check the calculation."),
            ("I've applied a credit of {amount} to the account; it'll show on your next invoice.",
             "I've spoken to my team lead and we'll refund the {amount} in full as a goodwill gesture."),
        ),
        "summary": (
            ("{customer} disputed a {amount} charge on invoice {ref}. {agent} could not remove it and logged a complaint ({ticket}); the customer remained unhappy.",
             "Billing dispute over {amount} on invoice {ref}. The customer was frustrated and escalation {ticket} was raised."),
            ("{customer} queried {amount} on invoice {ref}. {agent} explained the charge and opened billing review {ticket}.",
             "Invoice query about an unexpected {amount}. {agent} raised review {ticket} and promised an answer within two working days."),
            ("{customer} queried a {amount} charge on invoice {ref}. {agent} explained it and applied a goodwill credit; the customer was satisfied.",
             "Billing query resolved: {agent} refunded {amount} on invoice {ref} and the customer thanked them."),
        ),
    },
    "delivery_delay": {
        "talk": 240, "sentiment": (0.4, 0.4, 0.2),
        "body": (
            ("c", ("I'm chasing order {order}. It was supposed to arrive on {day} and it still hasn't turned up.",
                   "My new router was due {day} and there's still no sign of it. The order number is {order}.",
                   "We ordered six handsets, order {order}, and the tracking hasn't moved for three days.")),
            ("a", ("Sorry to hear that. Let me check with the courier.", "Let me look up {order} for you.")),
            ("a", ("I can see the parcel is at the depot. It missed the van on {day}.",
                   "It looks like the warehouse split the order and only half of it was dispatched.",
                   "The courier marked it as a failed delivery, nobody was in to sign for it.")),
            ("c", ("We've been in all week! That's ridiculous.", "Right. We need them before Monday, the new starters arrive then.",
                   "Okay, so when will it actually get here?")),
        ),
        "close": (
            ("I've escalated it with the courier under {ticket}. I can't give you a firm date yet, I'm sorry.",
             "All I can do today is log a complaint, {ticket}, and chase the depot again tomorrow."),
            ("It's booked on tomorrow's van; I'll send the new tracking link by email.",
             "I've asked the warehouse to dispatch the rest today; it should arrive within two working days."),
            ("I've arranged next-day delivery at no cost and refunded the delivery charge.",
             "I've sent a replacement by express courier; it'll be with you before ten tomorrow."),
        ),
        "summary": (
            ("Order {order} is late. {customer} was unhappy with the courier; {agent} escalated under {ticket} but could not give a date.",
             "Delivery complaint about order {order}; no firm date yet and the customer is considering cancelling."),
            ("{customer} chased late order {order}. {agent} rebooked delivery for the next day and will send tracking.",
             "Late delivery of order {order}: re-dispatched, new tracking link to follow by email."),
            ("{customer} chased order {order}. {agent} arranged free express delivery and refunded the delivery fee.",
             "Late order {order} sorted with a free express replacement; the customer was pleased."),
        ),
    },
    "password_reset": {
        "talk": 150, "sentiment": (0.05, 0.35, 0.6),
        "body": (
            ("c", ("I'm locked out of the customer portal. It says my account is suspended after too many attempts.",
                   "I can't log in to my account, the password reset email never arrives.",
                   "I've forgotten my portal password and the two-factor codes go to my old phone.")),
            ("a", ("No problem. For security, can you confirm your account number and postcode?",
                   "I can help with that. Can you confirm the email address on the account?")),
            ("c", ("Yes, it's account {account}.", "It's {email}.", "The postcode is the office one, {postcode}.")),
            ("a", ("Thanks, that's verified. I've unlocked the account and sent a new reset link.",
                   "Thanks. The reset emails were going to an old address; I've updated it and sent a new link.")),
            ("c", ("Okay, it's just come through.", "Got it, I'm setting a new password now.")),
        ),
        "close": (
            ("I'm afraid I can't change the two-factor phone without the account owner; they'll need to call us.",
             "The link has expired again, I'll need to raise it with our IT team under {ticket}."),
            ("If it doesn't work within the hour, just call back and quote {ticket}.",
             "You should be able to log in now; the link is valid for 24 hours."),
            ("You're all set. I've also switched the two-factor codes to your new number.",
             "Perfect, you're back in. I'd recommend turning on the authenticator app as well."),
        ),
        "summary": (
            ("{customer} was locked out of the portal; {agent} could not change the two-factor phone without the account owner.",
             "Portal lockout unresolved: account owner must call to authorise the change ({ticket})."),
            ("{customer} could not log in to the portal. {agent} verified the account and sent a new reset link.",
             "Portal password reset: identity verified, new link sent, reference {ticket}."),
            ("{customer} was locked out of the portal. {agent} verified them, unlocked the account and updated two-factor; resolved on the call.",
             "Password reset completed on the call and two-factor moved to the customer's new phone."),
        ),
    },
    "upgrade": {
        "talk": 420, "sentiment": (0.05, 0.3, 0.65),
        "body": (
            ("c", ("We're taking on more staff and need more seats. What would it cost to move to {plan}?",
                   "I'd like to upgrade our broadband, the current speed isn't enough for video calls.",
                   "Can we add call recording and the wallboard to our plan?")),
            ("a", ("Of course. How many users do you have now, and how many do you expect?",
                   "Happy to help. Let me look at what you're on at the moment.")),
            ("c", ("Twelve now, about twenty by the summer.", "We're on the basic plan with eight users.",
                   "Around fifteen, and we want the CRM integration too.")),
            ("a", ("{plan} would suit you. It's {amount} a month more and includes recording and reporting.",
                   "With twenty users you'd qualify for the volume discount on {plan}, that's {amount} extra per month.")),
            ("c", ("That sounds reasonable.", "Is there a minimum term on that?", "Can we try it before committing?")),
        ),
        "close": (
            ("I'm sorry, the discount only applies on a 24-month term.",
             "Unfortunately {plan} isn't available at your address yet."),
            ("I'll email the quote for {plan} today so you can discuss it with your director.",
             "I've put a quote together, reference {ticket}; it's valid for 30 days."),
            ("I've upgraded you to {plan} from today, and the first month is on us.",
             "Done: you're on {plan} now and the new users will get their welcome emails this afternoon."),
        ),
        "summary": (
            ("{customer} wanted to upgrade to {plan} but the terms did not suit; no upgrade made.",
             "Upgrade enquiry for {plan} declined by the customer over the minimum term."),
            ("{customer} asked about upgrading to {plan}. {agent} sent a quote ({ticket}) for an extra {amount} a month.",
             "Upgrade enquiry: quote for {plan} emailed; the customer will decide after talking to their director."),
            ("{customer} upgraded to {plan} for an extra {amount} a month; {agent} waived the first month.",
             "Successful upgrade to {plan}; new users being provisioned today."),
        ),
    },
    "cancellation": {
        "talk": 300, "sentiment": (0.45, 0.45, 0.1),
        "body": (
            ("c", ("I want to cancel our contract. We're moving to another provider.",
                   "We're closing the Leeds office, so I need to cancel those three lines.",
                   "I'd like to give notice on our account, the service has been poor lately.")),
            ("a", ("I'm sorry to hear that. Can I ask what's prompted the decision?",
                   "I can help with that. Can I just check which contract you're on?")),
            ("c", ("Honestly, the outages last month were the final straw.", "It's purely cost, we found a cheaper deal.",
                   "It's just the office closure, nothing to do with the service.")),
            ("a", ("I understand. You're still within the minimum term until {day}, so there's an early termination charge of {amount}.",
                   "Let me see if there's anything I can do on price before we go ahead.")),
        ),
        "close": (
            ("I've logged the cancellation under {ticket}; the early termination charge of {amount} will be on the final invoice.",
             "I can't waive the termination fee, but I've noted your complaint under {ticket}."),
            ("I've processed the cancellation; the lines will cease on {day} and you'll get a confirmation email.",
             "The cancellation request is in, reference {ticket}. Billing will send the final invoice."),
            ("I can offer {amount} off per month for the next year if you stay.",
             "I've moved you to a cheaper plan instead, which saves you {amount} a month."),
        ),
        "summary": (
            ("{customer} cancelled after recent outages and is unhappy about the {amount} early termination charge ({ticket}).",
             "Cancellation with complaint: the customer objected to the termination fee."),
            ("{customer} cancelled lines ending on {day}; {agent} processed it under {ticket}.",
             "Cancellation processed; confirmation and final invoice to follow."),
            ("{customer} called to cancel but accepted a retention offer of {amount} off per month.",
             "Retention success: the customer stays on a cheaper plan."),
        ),
    },
    "technical_fault": {
        "talk": 480, "sentiment": (0.35, 0.35, 0.3),
        "body": (
            ("c", ("Our phones keep dropping calls after about thirty seconds.",
                   "The internet in the office has been going off and on since this morning.",
                   "Customers say they can't hear us, but we can hear them. It's one-way audio.")),
            ("a", ("Sorry about that. Is it affecting every handset or just some of them?",
                   "Let me run a line test from here. Can you tell me what the lights on the router are doing?")),
            ("c", ("All of them, and it started after the power cut on {day}.", "The internet light is flashing orange.",
                   "Just the ones upstairs, I think.")),
            ("a", ("The line test shows errors on the connection. Can you restart the router for me?",
                   "It looks like the router's firewall is blocking the media ports. I'll push a new configuration.")),
            ("c", ("Okay, it's restarting now.", "Right, done that.", "Give me a second, it's under the desk.")),
            ("a", ("Let's try a test call now.", "I can see it's back online.")),
        ),
        "close": (
            ("It's still failing, so I've booked an engineer visit under {ticket}; the earliest slot is {day}.",
             "The fault is with the line; I've raised it with the network provider, reference {ticket}."),
            ("It looks stable for now. I'll monitor the line for 24 hours under {ticket}.",
             "I've raised a ticket, {ticket}, in case it happens again."),
            ("That's fixed it; calls are connecting both ways now.",
             "The new configuration has gone through and the connection is stable again."),
        ),
        "summary": (
            ("{customer} reported a fault that could not be fixed remotely; {agent} booked an engineer for {day} ({ticket}).",
             "Unresolved technical fault; escalated to the network provider under {ticket}. The customer was frustrated."),
            ("{customer} reported intermittent problems; {agent} ran line tests and is monitoring under {ticket}.",
             "Technical fault: router restarted, line being monitored for 24 hours ({ticket})."),
            ("{customer} reported a technical fault; {agent} fixed it remotely on the call.",
             "Fault resolved remotely with a router configuration update."),
        ),
    },
    "new_order": {
        "talk": 360, "sentiment": (0.03, 0.32, 0.65),
        "body": (
            ("c", ("I'm setting up a new office and looking for phones and broadband.",
                   "We saw your advert and wanted a price for ten users.",
                   "Could you tell me what's included in {plan}?")),
            ("a", ("Great, thanks for calling. How many people will be using the system?",
                   "Of course. Do you want to keep your existing numbers?")),
            ("c", ("About ten to start with.", "Yes, we'd like to keep our main number.", "Five, maybe six.")),
            ("a", ("{plan} would be {amount} a month for that, including handsets and number porting.",
                   "We can port your numbers for free; it usually takes about ten working days.")),
        ),
        "close": (
            ("I'm sorry, we can't install before {day}.",
             "Unfortunately we don't cover that area with fibre yet."),
            ("I'll email the proposal today, reference {ticket}.",
             "I've sent over the brochure and the pricing for {plan}."),
            ("I've placed the order, {order}; the handsets will ship on {day}.",
             "Welcome aboard! The order is {order} and your onboarding call is booked for {day}."),
        ),
        "summary": (
            ("New business enquiry from {customer}; the timing did not work and no order was placed.",
             "Prospect {customer} could not be served at their address."),
            ("{customer} asked for pricing; {agent} emailed a proposal for {plan} at {amount} a month ({ticket}).",
             "New enquiry: proposal for {plan} sent, follow-up due."),
            ("{customer} ordered {plan} at {amount} a month (order {order}); handsets ship on {day}.",
             "New customer signed up for {plan}; onboarding booked."),
        ),
    },
    "payment_update": {
        "talk": 200, "sentiment": (0.05, 0.55, 0.4),
        "body": (
            ("c", ("I need to update the card we pay with, the old one has expired.",
                   "We've changed banks and need to set up a new direct debit.",
                   "I got an email saying our payment failed.")),
            ("a", ("I can help with that. I'll send you a secure payment link rather than take the details over the phone.",
                   "Let me check. Yes, the payment on {day} was declined.")),
            ("c", ("Okay, that's fine.", "Great, I've got the link.", "Will we be charged a late fee?")),
        ),
        "close": (
            ("I'm afraid the late payment fee of {amount} still applies.",
             "The account is on hold until the balance of {amount} is paid."),
            ("Once the new details are in, the outstanding {amount} will be collected in three working days.",
             "The new direct debit will start from next month's invoice."),
            ("All done, the payment of {amount} has gone through and I've removed the late fee.",
             "That's updated and the account is back in good standing."),
        ),
        "summary": (
            ("{customer} updated payment details but objected to a {amount} late fee.",
             "Payment update; the account stays on hold until {amount} is paid."),
            ("{customer} updated their payment details via a secure link; {amount} will be collected shortly.",
             "New direct debit set up; starts with next month's invoice."),
            ("{customer} updated the card and paid {amount}; {agent} waived the late fee.",
             "Payment details updated and the balance cleared on the call."),
        ),
    },
}  # fmt: skip
_TOPIC_NAMES = tuple(_TOPICS)
_QUEUE_TOPICS = (  # per queue: topic weights in _TOPIC_NAMES order
    (0.02, 0.08, 0.02, 0.45, 0.05, 0.03, 0.35, 0.0),  # sales
    (0.03, 0.22, 0.22, 0.05, 0.05, 0.40, 0.0, 0.03),  # support
    (0.45, 0.02, 0.05, 0.05, 0.18, 0.0, 0.0, 0.25),  # billing
)
_OPENING_IN = (
    ("Thank you for calling Northwind, you're through to {agent}. How can I help?",
     "Good {part}, Northwind Support, {agent} speaking.",
     "Hi, you're through to {agent} at Northwind. What can I do for you today?"),
    ("Hi {agent}, it's {customer} here.", "Hello, my name's {customer}, I'm calling about my account.",
     "Hi, this is {customer} from {company}."),
)  # fmt: skip
_OPENING_CALLBACK = (
    ("Hello, is that {cfirst}? It's {agent} from Northwind, returning your call.",
     "Hi {cfirst}, {agent} from Northwind here. Sorry we missed you earlier.",
     "Good {part}, it's {agent} at Northwind. You left us a message?"),
    ("Oh yes, thanks for calling back.", "Yes, thanks for getting back to me.", "Ah, great, I was hoping you'd ring."),
)  # fmt: skip
_OPENING_OUT = (
    ("Hi {cfirst}, it's {agent} calling from Northwind. Is now a good time?",
     "Good {part}, could I speak to {cfirst}, please? It's {agent} from Northwind.",
     "Hello {cfirst}, {agent} from Northwind, following up on your ticket."),
    ("Yes, go ahead.", "Speaking. What's this about?", "Sure, I've got a few minutes."),
)  # fmt: skip
_CLOSING_REACTION = (
    ("Honestly, this isn't good enough. I'll be looking at other providers.",
     "I'm not happy with that at all.", "Fine. But I expect someone to call me back this time."),
    ("Okay, I'll wait to hear from you then.", "Alright, thanks.", "Fair enough, let's see how it goes."),
    ("That's brilliant, thank you so much for your help, {agent}.", "Perfect, thanks, you've been really helpful.",
     "Great, that's sorted then. Thanks!"),
)  # fmt: skip
_GOODBYE = (
    ("I'm sorry we couldn't do more today. Goodbye.", "I understand. I'm sorry for the trouble."),
    ("Thanks for calling, {cfirst}. Bye now.", "Is there anything else I can help with? No? Take care."),
    ("You're welcome. Have a lovely {part}!", "My pleasure, {cfirst}. Bye!"),
)  # fmt: skip
_PLANS = ("Business Pro", "Team 25", "Contact Centre Plus", "Fibre 500 Business", "Unlimited UK & EU")
_COMPANIES = ("Brightlane Dental", "Kestrel Logistics", "Oakfield Lettings", "Harbourview Hotel",
              "Maple & Co Accountants", "Greenway Builders", "Bluebell Nursery", "Summit Physio")  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CURRENCY = {"US": "$", "DE": "€", "FR": "€", "IE": "€", "NL": "€"}

_VM_TEXTS = (
    "Hi, this is {customer}. I'm calling about invoice {ref}, there's a charge I don't recognise. Could someone call me back on {number}? Thanks.",
    "Hello, it's {customer} from {company}. Our internet has been down since this morning. Please call me back as soon as you can.",
    "Hi there, {cfirst} here. Just checking on order {order}, it was due {day}. My number is {number}. Cheers.",
    "Good {part}, my name is {customer}. I'd like a quote for about ten users. You can reach me on {number}.",
    "Hi, it's {customer}. I'm locked out of the portal again. Could you give me a ring? Thanks, bye.",
    "Hello, {cfirst} calling. We want to cancel one of our lines. Please call me back. Thank you.",
    "Hi, this is {customer}, returning your call from earlier. I'm around until five. Thanks.",
)  # fmt: skip
_NOTES = (
    "Customer asked for a copy of invoice {ref}; emailed it.", "Called back, no answer. Left a voicemail.",
    "Escalated to billing, ticket {ticket}.", "Customer prefers email contact in future.",
    "Promised a callback before 5pm.", "Engineer visit booked for {day}, ticket {ticket}.",
    "Quote for {plan} sent.", "Customer unhappy about wait time in queue; apologised.",
    "Follow-up needed: check delivery of {order} on {day}.", "Spoke to the account owner, all resolved.",
)  # fmt: skip
_SMS_OUT = (
    "Hi {cfirst}, sorry we missed your call. We'll ring you back shortly. – Northwind Support",
    "Your engineer visit is confirmed for {day} between 8am and 1pm. Ref {ticket}. Reply STOP to opt out.",
    "Good news: order {order} has been dispatched and will arrive on {day}.",
    "Hi {cfirst}, your ticket {ticket} has been resolved. Reply to this message if you need anything else.",
    "Reminder: your payment of {amount} is due on {day}. Pay securely at https://pay.northwind.example",
    "Thanks for calling Northwind today. How did we do? Rate us 1-5 by replying to this message.",
)  # fmt: skip
_SMS_IN = (
    "Hi, can someone call me back about my bill please?", "Thanks, that's sorted now.",
    "Is order {order} still coming {day}?", "5", "4", "Can the engineer come after 2pm instead?",
    "I'm in a meeting, could you try me again after 3?", "STOP", "Great, thank you!",
    "Internet is down again at our office, please call.",
)  # fmt: skip
_CHAT_OPENERS = {
    "billing_dispute": (
        "Hi, I've got a question about my last invoice",
        "Why has my bill gone up this month?",
    ),
    "delivery_delay": ("Hello, where is my order {order}?", "My delivery hasn't arrived yet"),
    "password_reset": ("I can't log in to the portal", "The password reset email isn't arriving"),
    "upgrade": ("Hi, can we add more users to our plan?", "What's the price of {plan}?"),
    "cancellation": ("How do I cancel my contract?", "I need to give notice on one of our lines"),
    "technical_fault": ("Our phones aren't working", "Internet keeps dropping out, can you help?"),
    "new_order": ("Do you do broadband for small offices?", "Hi, I'd like a quote for 8 users"),
    "payment_update": ("How do I change my payment card?", "My payment failed, what do I do?"),
}
_CHAT_VISITOR = ("It's account {account}", "Ok thanks", "How long will that take?", "It started on {day}",
                 "The reference is {ref}", "Yes that's right", "Is there anything I need to do?",
                 "Can you email me the details?", "Sorry, one more thing", "My email is {email}")  # fmt: skip
_CHAT_OPERATOR = ("Hi {vfirst}, thanks for getting in touch! Let me take a look.",
                  "Could you give me your account number, please?", "Thanks, one moment while I check.",
                  "I can see that on the account now.", "I've raised ticket {ticket} for this.",
                  "That should be sorted within 24 hours.", "I've emailed the details to you now.",
                  "No problem at all.")  # fmt: skip
_CHAT_CLOSE = (("Thanks for your help!", "Great, thanks", "Brilliant, cheers"),
               ("You're welcome, have a great day!", "Happy to help. Anything else I can do?"))  # fmt: skip
_CHAT_MISSED = ("Hello?", "Is anyone there?", "I'll try calling instead", "Hello, anyone?")


# --- Writing rows ------------------------------------------------------------------------------------
class _Table:
    """Buffers row dicts (keys: model attnames) and inserts them in batches with ``executemany``.

    The column list comes from the model (``_meta.concrete_fields`` → ``column``); fields a row
    leaves out must have a default or be nullable.
    """

    def __init__(self, cursor, model: type[models.Model]) -> None:
        self.cursor = cursor
        self.model = model
        self.getter: Callable | None = None
        self.extra: tuple = ()
        self.sql = ""
        self.rows: list[tuple] = []
        self.count = 0

    def _prepare(self, row: dict) -> None:
        fields = self.model._meta.concrete_fields
        known = {f.attname for f in fields}
        unknown = sorted(set(row) - known)
        if unknown:
            raise RuntimeError(f"{self.model.__name__} has no field(s) {unknown}")
        given = [f for f in fields if f.attname in row]
        rest = [f for f in fields if f.attname not in row]
        extra = []
        for f in rest:
            if f.has_default():
                extra.append(f.get_db_prep_save(f.get_default(), connection))
            elif f.null:
                extra.append(None)
            else:
                raise RuntimeError(f"seed rows of {self.model.__name__} lack {f.attname}")
        columns = [f.column for f in given + rest]
        self.getter = itemgetter(*(f.attname for f in given))
        self.extra = tuple(extra)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join("?" * len(columns))
        self.sql = (
            f"INSERT INTO {connection.ops.quote_name(self.model._meta.db_table)} ({names}) VALUES ({marks})"
        )

    def add(self, row: dict) -> None:
        if self.getter is None:
            self._prepare(row)
        values = self.getter(row)
        self.rows.append(values + self.extra if self.extra else values)
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.cursor.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows.clear()


_HMS: list[str] = []


def _hms() -> list[str]:
    if not _HMS:
        _HMS.extend(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400))
    return _HMS


class _Clock:
    """Epoch seconds ↔ the API's ``YYYY-MM-DD HH:MM:SS`` text, fast."""

    EPOCH = date(1970, 1, 1)

    def __init__(self) -> None:
        self.prefixes: dict[int, str] = {}
        self.hms = _hms()
        self.days: dict[str, int] = {}  # "YYYY-MM-DD " -> epoch seconds of its midnight
        self.seconds = {text: second for second, text in enumerate(self.hms)}

    def __call__(self, ts: int) -> str:
        day, second = divmod(ts, 86400)
        prefix = self.prefixes.get(day)
        if prefix is None:
            prefix = self.prefixes[day] = (self.EPOCH + timedelta(days=day)).isoformat() + " "
            self.days[prefix] = day * 86400
        return prefix + self.hms[second]


def _epoch(day: date) -> int:
    return (day - _Clock.EPOCH).days * 86400


def _weekday(ts: int) -> int:
    return (ts // 86400 + 3) % 7  # 1970-01-01 was a Thursday


def _is_open(ts: int) -> bool:
    hours = _OPEN.get(_weekday(ts))
    return hours is not None and hours[0] * 3600 <= ts % 86400 < hours[1] * 3600


def _next_open(ts: int) -> int:
    """The first moment at or after ``ts`` the contact centre is open."""
    for _ in range(8):
        hours = _OPEN.get(_weekday(ts))
        day = ts - ts % 86400
        if hours and ts < day + hours[1] * 3600:
            return max(ts, day + hours[0] * 3600)
        ts = day + 86400
    return ts


def _cumulative(weights) -> tuple[list[float], float]:
    total, cum = 0.0, []
    for w in weights:
        total += w
        cum.append(total)
    return cum, total


@dataclass(slots=True)
class _Agent:
    index: int
    id: int
    first: str
    last: str
    name: str
    extension: str
    email: str
    queues: str
    weight: float
    did: str
    mobile: str
    devices: tuple  # ((endpoint id, user agent, codec), ...)


class _Generator:
    def __init__(self, *, seed: int, cdrs: int, days: int, end: date, password_hash: str, cursor,
                 progress: Callable[[int, int], None] | None, until: int | None = None) -> None:  # fmt: skip
        self.rng = Random(seed)
        self.total_cdrs = cdrs
        self.days = days
        self.first_day = end - timedelta(days=days - 1)
        self.start = _epoch(self.first_day)
        # Exclusive; ``until`` (epoch seconds, the moment of seeding) keeps every call in the past.
        self.end = min(self.start + days * 86400, until) if until else self.start + days * 86400
        self.password_hash = password_hash
        self.progress = progress
        self.fmt = _Clock()
        self.t = {model: _Table(cursor, model) for model in SEEDED_MODELS}
        self.cdr_id = FIRST_CDR_ID
        self.live_id = FIRST_LIVE_ID
        self.call_id = FIRST_CALL_ID
        self.ids = {"monitor": FIRST_MONITOR_ID, "vm": FIRST_VOICEMESSAGE_ID, "note": FIRST_NOTE_ID,
                    "chat": FIRST_CHAT_ID, "chatmsg": FIRST_CHATMSG_ID, "msdr": FIRST_MSDR_ID,
                    "ms": FIRST_MEDIA_SESSION_ID, "sms": FIRST_SMS_ID}  # fmt: skip
        self.month_charges: dict[str, float] = {}
        self.callbacks: list[tuple] = []  # heap of planned callback events
        self.seq = 0
        self.hour_cum = [_cumulative(h) for h in _HOURS]
        self.open_kinds = _cumulative(w for _, w in _OPEN_KINDS)
        self.closed_kinds = _cumulative(w for _, w in _CLOSED_KINDS)
        self.topic_cum = [_cumulative(w) for w in _QUEUE_TOPICS]
        self.queue_cum = _cumulative(_QUEUE_SHARE)

    # ----- setup
    def _id(self, name: str) -> int:
        value = self.ids[name]
        self.ids[name] = value + 1
        return value

    def setup(self) -> None:
        rng = self.rng
        fmt = self.fmt
        self.t[m.Customer].add({"id": CUSTOMER_ID, "name": CUSTOMER_NAME})
        self.agents: list[_Agent] = []
        endpoint = FIRST_ENDPOINT_ID
        did_suffix = 20
        for index, (first, last, email, admin, queues, weight, has_did) in enumerate(_STAFF):
            plain = (first + "." + last).lower().replace("'", "").replace(" ", "")
            devices = []
            desk = rng.random() < 0.75
            if desk:
                ua, codec = _DESK_PHONES[int(rng.random() * len(_DESK_PHONES))]
                devices.append((endpoint, ua, codec))
                endpoint += 1
            if not desk or rng.random() < 0.45:
                ua, codec = _SOFT_PHONES[int(rng.random() * len(_SOFT_PHONES))]
                devices.append((endpoint, ua, codec))
                endpoint += 1
            did = ""
            if has_did:
                did = f"442038467{did_suffix:02d}"
                did_suffix += 1
            agent = _Agent(
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
            self.t[m.User].add({
                "id": agent.id, "customer_id": CUSTOMER_ID, "email": agent.email, "password": self.password_hash,
                "first_name": first, "last_name": last, "extension": agent.extension,
                "roles": "ROLE_ADMIN,ROLE_USER" if admin else "ROLE_USER",
                "two_factor_auth": 1 if email == TWOFACTOR_EMAIL else 0, "active": index != _LEAVER,
                "is_root": email == SUPERVISOR_EMAIL, "is_initial": False,
                "visited_apps": "" if index % 3 else "dashboard,history", "created_at": fmt(joined),
            })  # fmt: skip
        self.leaves_at = self.start + int((self.end - self.start) * _LEAVES_AT)
        # Queue members (before and after the leaver left): cumulative workload weights.
        self.members = []
        for _, _, letter in QUEUES:
            pair = []
            for after in (False, True):
                group = [a for a in self.agents if letter in a.queues and not (after and a.index == _LEAVER)]
                pair.append((group, *_cumulative(a.weight for a in group)))
            self.members.append(pair)
        everyone = []
        for after in (False, True):
            group = [a for a in self.agents if not (after and a.index == _LEAVER)]
            everyone.append((group, *_cumulative(a.weight for a in group)))
        self.everyone = everyone
        self.direct = [a for a in self.agents if a.did]
        self.chat_staff = [
            [
                a
                for a in self.agents
                if ("S" in a.queues or "A" in a.queues) and not (after and a.index == _LEAVER)
            ]
            for after in (False, True)
        ]
        self._make_pool()

    def _make_pool(self) -> None:
        """Callers: a stable pool, a few thousand at the default size (bigger seeds get more)."""
        rng = self.rng
        size = min(40000, max(2500, self.total_cdrs // 10))
        country_cum = _cumulative(c[2] for c in _COUNTRIES)
        seen: set[str] = set()
        pool = []
        for index in range(size):
            code, country, _, codec, prefixes = _COUNTRIES[
                bisect(country_cum[0], rng.random() * country_cum[1])
            ]
            prefix_cum = _cumulative(p[3] for p in prefixes)
            prefix, digits, rate, _ = prefixes[bisect(prefix_cum[0], rng.random() * prefix_cum[1])]
            while True:
                number = prefix + str(rng.randrange(10 ** (digits - 1), 10**digits))
                if number not in seen:
                    seen.add(number)
                    break
            firsts, lasts = _NAMES[code]
            first, last = firsts[int(rng.random() * len(firsts))], lasts[int(rng.random() * len(lasts))]
            known = rng.random() < 0.75
            name = f"{first} {last}"
            city = _CITIES[code][int(rng.random() * len(_CITIES[code]))]
            plain = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
            email = f"{plain}{rng.randrange(100) if rng.random() < 0.3 else ''}@{_MAIL_DOMAINS[index % len(_MAIL_DOMAINS)]}"
            pool.append((
                number, name if known else "", first, f"contact:{3000 + index * 7}" if known else "",
                code, country, city, codec, rate, email, name,
                _COMPANIES[int(rng.random() * len(_COMPANIES))], f"wv-{(index * 2654435761 + 977) % 2**32:08x}",
            ))  # fmt: skip
        self.pool = pool

    # Pool tuple positions
    P_NUMBER, P_NAME, P_FIRST, P_CONTACT, P_CODE, P_COUNTRY, P_CITY, P_CODEC, P_RATE, P_EMAIL, P_FULL, P_COMPANY, P_VISITOR = range(13)  # fmt: skip

    def _caller(self) -> int:
        """A pool index; repeat callers are common (low indexes are frequent: P(index < k) = (k/n)^(2/3))."""
        r = self.rng.random()
        return int(len(self.pool) * r * math.sqrt(r))

    def _agent(self, queue: int, ts: int) -> _Agent:
        group, cum, total = self.members[queue][ts >= self.leaves_at]
        return group[bisect(cum, self.rng.random() * total)]

    def _anyone(self, ts: int, besides: _Agent | None = None) -> _Agent:
        group, cum, total = self.everyone[ts >= self.leaves_at]
        while True:
            agent = group[bisect(cum, self.rng.random() * total)]
            if agent is not besides:
                return agent

    def _device(self, agent: _Agent) -> tuple:
        devices = agent.devices
        return devices[0] if len(devices) == 1 or self.rng.random() < 0.7 else devices[1]

    # ----- the main loop
    def run(self) -> SeedSummary:
        self.setup()
        rng = self.rng
        weights = []
        spike = self.start + 86400 * rng.randrange(max(1, self.days))  # one bad day (an outage)
        for d in range(self.days):
            day = self.start + d * 86400
            w = _DAY_WEIGHT[_weekday(day)] * rng.uniform(0.85, 1.15)
            if day == spike and _weekday(day) < 5:
                w *= 1.7
            weights.append(w * self._open_share(day))
        cum, total = _cumulative(weights)
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
            customers=count[m.Customer], users=count[m.User], cdrs=count[m.Cdr], monitors=count[m.Monitor],
            voicemessages=count[m.VoiceMessage], notes=count[m.Note], chats=count[m.Chat],
            chatmsgs=count[m.ChatMsg], msdrs=count[m.Msdr], sms=count[m.Sms],
            conversations=count[m.Conversation], statements=count[m.Statement],
            first_day=self.first_day.isoformat(), last_day=(self.first_day + timedelta(days=self.days - 1)).isoformat(),
        )  # fmt: skip

    def _open_share(self, day: int) -> float:
        """The share of a day's calls that fit before the window's end (1.0 but for a cut last day)."""
        latest = self.end - LAST_START_MARGIN - day
        if latest >= 86400:
            return 1.0
        cum, total = self.hour_cum[0 if _weekday(day) < 5 else _weekday(day) - 4]
        full_hours = max(0, latest // 3600)
        return cum[full_hours - 1] / total if full_hours else 0.0

    def _second_of_day(self, day: int) -> int:
        """A time of day following the hourly profile; on the last day nothing starts after 22:00,
        so every leg, message and note stays inside the window."""
        weekday = _weekday(day)
        cum, total = self.hour_cum[0 if weekday < 5 else weekday - 4]
        random = self.rng.random
        latest = self.end - LAST_START_MARGIN - day
        while True:
            second = bisect(cum, random() * total) * 3600 + int(random() * 3600)
            if second < latest:
                return second

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
            if _is_open(ts):
                kind = _OPEN_KINDS[bisect(open_cum, random() * open_total)][0]
            else:
                kind = _CLOSED_KINDS[bisect(closed_cum, random() * closed_total)][0]
            if _LEGS[kind] > budget - planned:
                kind = K_OUTBOUND
            planned += _LEGS[kind]
            self.seq += 1
            caller = self._caller()
            queue = bisect(queue_cum, random() * queue_total)
            target = -1
            if kind in _DIRECT_KINDS:
                target = self.direct[int(random() * len(self.direct))].index
            events.append((ts, self.seq, kind, caller, queue, target))
            chance = _CALLBACK_CHANCE.get(kind)
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
            when = _next_open(ts - ts % 86400 + 86400) + rng.randrange(0, 9000)
        if not _is_open(when):
            when = _next_open(when) + rng.randrange(0, 9000)
        return when if when < self.end else None

    # ----- CDR legs
    def _build(self, event: tuple) -> None:
        ts, _, kind, caller, queue, target = event
        if kind in (K_OUTBOUND, K_CALLBACK):
            self._outbound(ts, kind, caller, queue, target)
        elif kind in _DIRECT_KINDS:
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

    def _next_live(self) -> int:
        self.live_id += 1
        return self.live_id - 1

    def _add_cdr(self, common: dict, ts: int, live: int, parent: int | None, type_: str, disposition: str,
                 context: str, dst: str, dst_id: str, dst_name: str, dst_ua: str, dst_codec: str,
                 duration: int, billsec: int, t_cause: str, user_id: int | None, endpoint: int | None,
                 rate: str = "0.0000", charge: str = "0.0000") -> dict:  # fmt: skip
        row = {
            **common, "id": self.cdr_id, "calldate": self.fmt(ts), "live_id": live, "parent_live_id": parent,
            "is_root": parent is None, "type": type_, "disposition": disposition, "context": context,
            "dst": dst, "dst_id": dst_id, "dst_name": dst_name, "dst_ua": dst_ua, "dst_codec": dst_codec,
            "duration": duration, "billsec": billsec, "t_cause": t_cause, "user_id": user_id,
            "sip_endpoint_id": endpoint, "rate": rate, "charge": charge,
        }  # fmt: skip
        self.cdr_id += 1
        self.t[m.Cdr].add(row)
        if charge != "0.0000":
            month = row["calldate"][:7]
            self.month_charges[month] = self.month_charges.get(month, 0.0) + float(charge)
        return row

    def _common(self, *, src: str, src_id: str, src_name: str, src_ua: str, src_codec: str, clid: str,
                destination: str, root_live: int, info: str = "", tracking: bool = False) -> dict:  # fmt: skip
        self.call_id += 1
        return {
            "customer_id": CUSTOMER_ID, "is_calltracking": tracking, "call_id": self.call_id - 1,
            "clid": clid, "src": src, "src_id": src_id, "src_name": src_name, "src_ua": src_ua,
            "src_codec": src_codec, "destination": destination, "info": info, "root_live_id": root_live,
            "server_id": _SERVERS[int(self.rng.random() * len(_SERVERS))],
        }  # fmt: skip

    def _talk(self, topic: str) -> int:
        median = _TOPICS[topic]["talk"]
        return max(8, min(3600, int(self.rng.lognormvariate(math.log(median), 0.65))))

    def _topic(self, queue: int) -> str:
        cum, total = self.topic_cum[queue]
        return _TOPIC_NAMES[bisect(cum, self.rng.random() * total)]

    @staticmethod
    def _clid(name: str, number: str) -> str:
        return f'"{name or number}" <{number}>'

    def _did_for(self, c: tuple) -> str:
        r = self.rng.random()
        code = c[self.P_CODE]
        if code == "US" and r < 0.85:
            return "12124537768"
        if code == "DE" and r < 0.6:
            return "493040817263"
        return MAIN_DID if r < 0.8 else "441614960321"

    def _inbound_ivr(self, ts: int, kind: int, caller: int, queue: int) -> None:
        rng = self.rng
        random = rng.random
        c = self.pool[caller]
        number, name = c[self.P_NUMBER], c[self.P_NAME]
        after_hours = kind in (K_OOH_ABANDON, K_OOH_VM)
        info, tracking = "", False
        if not after_hours and random() < TRACKING_SHARE:
            us = c[self.P_CODE] == "US"
            options = [t for t in _TRACKING if t[2] == us]
            did, campaign, _ = options[int(random() * len(options))]
            info, tracking = f"Campaign: {campaign}", True
            if random() < 0.8:
                queue = 0  # campaigns advertise sales
        else:
            did = self._did_for(c)
        codec = c[self.P_CODEC]
        root_live = self._next_live()
        common = self._common(src=number, src_id=c[self.P_CONTACT], src_name=name, src_ua="", src_codec=codec,
                              clid=self._clid(name, number), destination="in", root_live=root_live, info=info,
                              tracking=tracking)  # fmt: skip
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
                    legs.append((ring_at, "M", "RINGING", "QUEUE", first.extension, first.extension, first.name,
                                 device[1], device[2], ring, 0, "No answer", first.id, device[0]))  # fmt: skip
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
                    legs.append((ring_at, "I", disposition, "QUEUE", agent.extension, agent.extension, agent.name,
                                 device[1], device[2], ring + talk, talk, cause, agent.id, device[0]))  # fmt: skip
                    end = ring_at + ring + talk
        if vm:
            end = vm[1] + 6 + vm[2]
        root_duration = end - ts
        billsec = 0 if outcome_type == "M" else root_duration - 1
        rate = charge = "0.0000"
        if freephone:
            rate = "0.0150"
            charge = f"{0.015 * billsec / 60:.4f}"
        root = self._add_cdr(common, ts, root_live, None, outcome_type, outcome_disp, "PSTN_CALL", did, "",
                             _DIDS.get(did, "Tracking number"), "", codec, root_duration, billsec, outcome_cause,
                             None, None, rate, charge)  # fmt: skip
        ivr_live = self._next_live()
        ivr_end = end if kind not in (K_IVR_ABANDON, K_OOH_ABANDON) else ivr_at + ivr_time
        self._add_cdr(common, ivr_at, ivr_live, root_live, outcome_type, outcome_disp, "IVR", did, ivr_id, ivr_name,
                      "", codec, ivr_end - ivr_at, 0 if outcome_type == "M" else ivr_end - ivr_at, outcome_cause,
                      None, None)  # fmt: skip
        parent = ivr_live
        if kind not in (K_IVR_ABANDON, K_OOH_ABANDON, K_IVR_VM, K_OOH_VM):
            queue_live = self._next_live()
            self._add_cdr(common, queue_at, queue_live, ivr_live, outcome_type, outcome_disp, "QUEUE", did, queue_id,
                          queue_name, "", codec, end - queue_at, 0 if outcome_type == "M" else end - queue_at,
                          outcome_cause, None, None)  # fmt: skip
            parent = queue_live
        for i, (leg_ts, *fields) in enumerate(legs):
            row = self._add_cdr(common, leg_ts, self._next_live(), parent, *fields)
            if i == answered_leg:
                agent = self.agents[row["user_id"] - FIRST_USER_ID]
                self._answered(row, c, agent, topic, "inbound", did, mood=topic_mood)
        if vm:
            owner, vm_at, seconds = vm
            context = "IVR" if kind in (K_IVR_VM, K_OOH_VM) else "QUEUE"
            row = self._add_cdr(common, vm_at, self._next_live(), parent, "I", "VM", context, owner.extension,
                                owner.extension, f"{owner.name} (voicemail)", "Voicemail", codec, 6 + seconds,
                                6 + seconds, "Normal Clearing", owner.id, None)  # fmt: skip
            self._voicemail(row, c, owner, did, topic)
        self._maybe_note(root, c, None)

    def _direct(self, ts: int, kind: int, caller: int, target: int) -> None:
        rng = self.rng
        c = self.pool[caller]
        agent = self.agents[target]
        number, name, codec = c[self.P_NUMBER], c[self.P_NAME], c[self.P_CODEC]
        root_live = self._next_live()
        common = self._common(src=number, src_id=c[self.P_CONTACT], src_name=name, src_ua="", src_codec=codec,
                              clid=self._clid(name, number), destination="in", root_live=root_live)  # fmt: skip
        device = self._device(agent)
        topic = self._topic(1 if "S" in agent.queues else (0 if "A" in agent.queues else 2))
        add = self._add_cdr
        if kind == K_DIRECT_ANSWERED:
            ring, talk = rng.randint(3, 20), self._talk(topic)
            row = add(common, ts, root_live, None, "I", "CONNECTED", "PSTN_CALL", agent.did, agent.extension,
                      agent.name, device[1], device[2], ring + talk, talk, "Normal Clearing", agent.id,
                      device[0])  # fmt: skip
            self._answered(row, c, agent, topic, "inbound", agent.did)
        elif kind == K_DIRECT_MISSED:
            ring = rng.randint(8, 30)
            cause = "No answer" if ring > 22 else "Originator cancel"
            row = add(common, ts, root_live, None, "M", "RINGING", "PSTN_CALL", agent.did, agent.extension,
                      agent.name, device[1], device[2], ring, 0, cause, agent.id, device[0])  # fmt: skip
        elif kind == K_DIRECT_BUSY:
            row = add(common, ts, root_live, None, "M", "INITIAL", "PSTN_CALL", agent.did, agent.extension,
                      agent.name, device[1], device[2], rng.randint(1, 4), 0, "User busy", agent.id,
                      device[0])  # fmt: skip
        elif kind == K_DIRECT_VM:
            ring, seconds = rng.randint(18, 25), rng.randint(5, 120)
            row = add(common, ts, root_live, None, "I", "VM", "PSTN_CALL", agent.did, agent.extension,
                      agent.name, device[1], device[2], ring + 6 + seconds, 6 + seconds, "Normal Clearing",
                      agent.id, device[0])  # fmt: skip
            vm_row = add(common, ts + ring, self._next_live(), root_live, "I", "VM", "PSTN_CALL", agent.extension,
                         agent.extension, f"{agent.name} (voicemail)", "Voicemail", codec, 6 + seconds, 6 + seconds,
                         "Normal Clearing", agent.id, None)  # fmt: skip
            self._voicemail(vm_row, c, agent, agent.extension, topic)
        else:  # follow-me: the desk phone rings out, the call goes on to the agent's mobile
            ring, ring2, talk = rng.randint(15, 20), rng.randint(4, 15), self._talk(topic)
            row = add(common, ts, root_live, None, "I", "CONNECTED", "PSTN_CALL", agent.did, agent.extension,
                      agent.name, device[1], device[2], ring + ring2 + talk, talk, "Normal Clearing", agent.id,
                      device[0])  # fmt: skip
            add(common, ts + ring, self._next_live(), root_live, "I", "CONNECTED", "FOLLOW_ME", agent.mobile,
                agent.extension, f"{agent.name} (mobile)", "", "PCMA", ring2 + talk, talk, "Normal Clearing",
                agent.id, None, "0.0120", f"{0.012 * talk / 60:.4f}")  # fmt: skip
        self._maybe_note(row, c, agent)

    def _outbound(self, ts: int, kind: int, caller: int, queue: int, target: int) -> None:
        rng = self.rng
        random = rng.random
        c = self.pool[caller]
        agent = self.agents[target] if target >= 0 else self._anyone(ts)
        device = self._device(agent)
        cli = agent.did if agent.did and random() < 0.5 else MAIN_DID
        if c[self.P_CODE] == "US" and random() < 0.8:
            cli = "12124537768"
        number, name = c[self.P_NUMBER], c[self.P_NAME]
        root_live = self._next_live()
        common = self._common(src=cli, src_id=agent.extension, src_name=agent.name, src_ua=device[1],
                              src_codec=device[2], clid=self._clid(agent.name, cli), destination="out",
                              root_live=root_live)  # fmt: skip
        r = random()
        topic = self._topic(queue)
        if r < (0.7 if kind == K_CALLBACK else 0.66):
            ring, talk = rng.randint(4, 25), self._talk(topic)
            rate = c[self.P_RATE]
            row = self._add_cdr(common, ts, root_live, None, "O", "CONNECTED", "PSTN_CALL", number, c[self.P_CONTACT],
                                name, "", c[self.P_CODEC], ring + talk, talk, "Normal Clearing", agent.id, device[0],
                                f"{rate:.4f}", f"{rate * talk / 60:.4f}")  # fmt: skip
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
            row = self._add_cdr(common, ts, root_live, None, "O", disposition, "PSTN_CALL", number, c[self.P_CONTACT],
                                name, "", c[self.P_CODEC], duration, 0, cause, agent.id, device[0],
                                f"{c[self.P_RATE]:.4f}", "0.0000")  # fmt: skip
        self._maybe_note(row, c, agent)

    def _internal(self, ts: int) -> None:
        rng = self.rng
        a = self._anyone(ts)
        b = self._anyone(ts, besides=a)
        da, db = self._device(a), self._device(b)
        live = self._next_live()
        common = self._common(src=a.extension, src_id=a.extension, src_name=a.name, src_ua=da[1], src_codec=da[2],
                              clid=self._clid(a.name, a.extension), destination="out", root_live=live)  # fmt: skip
        r = rng.random()
        if r < 0.8:
            ring, talk = rng.randint(2, 12), max(5, min(3600, int(rng.lognormvariate(math.log(90), 0.8))))
            self._add_cdr(common, ts, live, None, "O", "CONNECTED", "USER_LOCAL", b.extension, b.extension, b.name,
                          db[1], db[2], ring + talk, talk, "Normal Clearing", a.id, da[0])  # fmt: skip
        elif r < 0.93:
            self._add_cdr(common, ts, live, None, "M", "RINGING", "USER_LOCAL", b.extension, b.extension, b.name,
                          db[1], db[2], rng.randint(10, 30), 0, "No answer", a.id, da[0])  # fmt: skip
        else:
            self._add_cdr(common, ts, live, None, "M", "INITIAL", "USER_LOCAL", b.extension, b.extension, b.name,
                          db[1], db[2], rng.randint(1, 3), 0, "User busy", a.id, da[0])  # fmt: skip

    def _webcall(self, ts: int, caller: int, queue: int) -> None:
        rng = self.rng
        c = self.pool[caller]
        number, name = c[self.P_NUMBER], c[self.P_NAME] or c[self.P_FULL]
        live = self._next_live()
        browser = _BROWSERS[int(rng.random() * len(_BROWSERS))]
        common = self._common(src=number, src_id=c[self.P_CONTACT], src_name=name, src_ua=browser, src_codec="opus",
                              clid=self._clid(name, number), destination="webcall", root_live=live)  # fmt: skip
        queue_id, queue_name, _ = QUEUES[queue]
        agent = self._agent(queue, ts)
        device = self._device(agent)
        topic = self._topic(queue)
        wait, ring = rng.randint(5, 90), rng.randint(3, 15)
        if rng.random() < 0.85:
            talk = self._talk(topic)
            root = self._add_cdr(common, ts, live, None, "I", "CONNECTED", "QUEUE", MAIN_DID, queue_id, queue_name, "",
                                 "opus", wait + ring + talk, wait + ring + talk, "Normal Clearing", None, None)  # fmt: skip
            row = self._add_cdr(common, ts + wait, self._next_live(), live, "I", "CONNECTED", "QUEUE", agent.extension,
                                agent.extension, agent.name, device[1], device[2], ring + talk, talk,
                                "Normal Clearing", agent.id, device[0])  # fmt: skip
            self._answered(row, c, agent, topic, "inbound", MAIN_DID)
        else:
            root = self._add_cdr(common, ts, live, None, "M", "RINGING", "QUEUE", MAIN_DID, queue_id, queue_name, "",
                                 "opus", wait + ring, 0, "Originator cancel", None, None)  # fmt: skip
            self._add_cdr(common, ts + wait, self._next_live(), live, "M", "RINGING", "QUEUE", agent.extension,
                          agent.extension, agent.name, device[1], device[2], ring, 0, "Originator cancel",
                          agent.id, device[0])  # fmt: skip
        self._maybe_note(root, c, None)

    def _callmeback(self, ts: int, caller: int, queue: int) -> None:
        """The website's call-me-back: the platform rings the customer, then bridges a queue agent."""
        rng = self.rng
        c = self.pool[caller]
        queue_id, queue_name, _ = QUEUES[queue]
        live = self._next_live()
        number, name = c[self.P_NUMBER], c[self.P_NAME] or c[self.P_FULL]
        common = self._common(src=MAIN_DID, src_id=queue_id, src_name=queue_name, src_ua="", src_codec=c[self.P_CODEC],
                              clid=self._clid(queue_name, MAIN_DID), destination="callmeback", root_live=live)  # fmt: skip
        rate = c[self.P_RATE]
        ring = rng.randint(4, 20)
        if rng.random() < 0.82:
            agent = self._agent(queue, ts)
            device = self._device(agent)
            topic = self._topic(queue)
            ring2, talk = rng.randint(2, 10), self._talk(topic)
            total = ring + ring2 + talk
            root = self._add_cdr(common, ts, live, None, "O", "CONNECTED", "PSTN_CALL", number, c[self.P_CONTACT], name,
                                 "", c[self.P_CODEC], total, ring2 + talk, "Normal Clearing", None, None, f"{rate:.4f}",
                                 f"{rate * (ring2 + talk) / 60:.4f}")  # fmt: skip
            row = self._add_cdr(common, ts + ring, self._next_live(), live, "O", "CONNECTED", "QUEUE",
                                agent.extension, agent.extension, agent.name, device[1], device[2], ring2 + talk,
                                talk, "Normal Clearing", agent.id, device[0])  # fmt: skip
            self._answered(row, c, agent, topic, "outbound", number)
        else:
            root = self._add_cdr(common, ts, live, None, "O", "RINGING", "PSTN_CALL", number, c[self.P_CONTACT], name,
                                 "", c[self.P_CODEC], ring + 20, 0, "No answer", None, None, f"{rate:.4f}",
                                 "0.0000")  # fmt: skip
            live2 = self._next_live()
            self._add_cdr(common, ts, live2, live, "O", "RINGING", "QUEUE", MAIN_DID, queue_id, queue_name, "",
                          "PCMA", ring + 20, 0, "No answer", None, None)  # fmt: skip
        self._maybe_note(root, c, None)

    def _test_call(self, ts: int) -> None:
        rng = self.rng
        a = self._anyone(ts)
        device = self._device(a)
        live = self._next_live()
        common = self._common(src=a.extension, src_id=a.extension, src_name=a.name, src_ua=device[1],
                              src_codec=device[2], clid=self._clid(a.name, a.extension), destination="out",
                              root_live=live)  # fmt: skip
        seconds = rng.randint(5, 40)
        self._add_cdr(common, ts, live, None, "O", "CONNECTED", "TEST_CALL", "*43", "echo", "Echo test",
                      "VoIPstudio Echo", device[2], seconds + 1, seconds, "Normal Clearing", a.id,
                      device[0])  # fmt: skip

    # ----- what hangs off a call
    def _context(self, c: tuple, agent: _Agent, ts: int) -> dict:
        rng = self.rng
        randrange = rng.randrange
        code = c[self.P_CODE]
        currency = _CURRENCY.get(code, "£")
        hour = ts % 86400 // 3600
        return {
            "agent": agent.first, "customer": c[self.P_FULL], "cfirst": c[self.P_FIRST],
            "company": c[self.P_COMPANY], "amount": f"{currency}{randrange(8, 240)}.{randrange(0, 100):02d}",
            "ref": f"INV-{randrange(200000, 299999)}", "order": f"NW-{randrange(40000, 99999)}",
            "ticket": f"TKT-{randrange(50000, 99999)}", "day": _WEEKDAYS[randrange(0, 5)],
            "plan": _PLANS[randrange(0, len(_PLANS))], "account": f"NW{randrange(100000, 999999)}",
            "email": c[self.P_EMAIL], "postcode": "EC1A 1BB", "number": c[self.P_NUMBER],
            "part": "morning" if hour < 12 else ("afternoon" if hour < 17 else "evening"),
        }  # fmt: skip

    def _answered(self, row: dict, c: tuple, agent: _Agent, topic: str, direction: str, dialled: str,
                  mood: int | None = None) -> None:  # fmt: skip
        """An answered agent leg: maybe recorded (monitor + conversation), maybe a media session."""
        rng = self.rng
        billsec = row["billsec"]
        if billsec >= 5 and rng.random() < RECORDED_SHARE:
            self._monitor(row, c, agent, topic, direction, dialled, mood)
        if billsec >= 60 and rng.random() < MSDR_SHARE:
            self._msdr(row, c, agent)

    def _monitor(self, row: dict, c: tuple, agent: _Agent, topic: str, direction: str, dialled: str,
                 mood: int | None) -> None:  # fmt: skip
        rng = self.rng
        choice = rng.choice
        spec = _TOPICS[topic]
        neg, neu, _ = spec["sentiment"]
        if mood is None:
            r = rng.random()
            mood = 0 if r < neg else (1 if r < neg + neu else 2)
        ts_text = row["calldate"]
        ctx = self._context(c, agent, self._ts_of(row))
        opening = {"inbound": _OPENING_IN, "callback": _OPENING_CALLBACK}.get(direction, _OPENING_OUT)
        turns = [("agent", choice(opening[0])), ("customer", choice(opening[1]))]
        for speaker, variants in spec["body"]:
            turns.append(("agent" if speaker == "a" else "customer", choice(variants)))
        turns.append(("agent", choice(spec["close"][mood])))
        turns.append(("customer", choice(_CLOSING_REACTION[mood])))
        turns.append(("agent", choice(_GOODBYE[mood])))
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
            metadata = '{"language": "en-US"}' if c[self.P_CODE] == "US" else '{"language": "en-GB"}'
            sentiment = mood
        else:
            summary, cx, metadata, sentiment = "", None, None, None
        inbound = direction == "inbound"
        monitor_id = self._id("monitor")
        self.t[m.Monitor].add({
            "id": monitor_id, "customer_id": CUSTOMER_ID, "call_id": row["call_id"],
            "caller": row["src"], "called": dialled, "context": row["context"],
            "cx_score": cx, "dst": row["dst"], "dst_id": row["dst_id"], "dst_name": row["dst_name"],
            "duration": duration, "live_id": row["live_id"], "sentiment": sentiment,
            "sip_endpoint_id": row["sip_endpoint_id"], "size": mp3_size(duration), "src": row["src"],
            "src_id": row["src_id"], "src_name": row["src_name"], "summary": summary, "timestamp": ts_text,
            "transcript": "\n".join(lines), "transcript_speakers": json.dumps(speakers, ensure_ascii=False),
            "metadata": metadata, "type": "I" if inbound else "O", "user_id": row["user_id"],
        })  # fmt: skip
        self.t[m.Conversation].add({
            "id": f"call-{monitor_id}", "channel": "call", "created_at": ts_text, "customer_id": CUSTOMER_ID,
            "cx_score": cx, "src": row["src"], "src_name": row["src_name"], "dst": row["dst"],
            "dst_name": row["dst_name"], "duration": duration, "monitor_id": monitor_id, "object_class": "Cdr",
            "object_id": str(row["id"]), "type": "inbound" if inbound else "outbound", "user_id": row["user_id"],
        })  # fmt: skip

    def _ts_of(self, row: dict) -> int:
        text = row["calldate"]
        return self.fmt.days[text[:11]] + self.fmt.seconds[text[11:]]

    def _voicemail(self, row: dict, c: tuple, owner: _Agent, dialled: str, topic: str) -> None:
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
        number, name = c[self.P_NUMBER], c[self.P_NAME]
        ctx = self._context(c, owner, ts)
        self.t[m.VoiceMessage].add({
            "id": self._id("vm"), "customer_id": CUSTOMER_ID, "caller": number,
            "callerid": f'"{name}" <{number}>' if name else number, "dialled": dialled, "duration": seconds,
            "extension_id": owner.id, "folder": folder, "is_new": is_new, "live_id": row["live_id"],
            "origtime": row["calldate"], "parent_live_id": row["parent_live_id"],
            "transcript": rng.choice(_VM_TEXTS).format_map(ctx),
        })  # fmt: skip

    def _maybe_note(self, root: dict, c: tuple, agent: _Agent | None) -> None:
        rng = self.rng
        if rng.random() >= NOTE_SHARE:
            return
        ts = self._ts_of(root) + root["duration"]
        writer = agent or self._anyone(ts)
        ctx = self._context(c, writer, ts)
        for _ in range(1 if rng.random() < 0.75 else 2):
            ts = min(ts + rng.randrange(30, 3 * 3600), max(ts, self.end - 1))
            author = writer if rng.random() < 0.8 else self.agents[0]
            self.t[m.Note].add({
                "id": self._id("note"), "cdr_id": root["id"], "user_id": author.id, "user_name": author.name,
                "note": rng.choice(_NOTES).format_map(ctx), "created_at": self.fmt(ts),
            })  # fmt: skip

    def _msdr(self, row: dict, c: tuple, agent: _Agent) -> None:
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
        self.t[m.Msdr].add({
            "id": self._id("msdr"), "customer_id": CUSTOMER_ID,
            "call_id": f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}@ms.voipstudio.example",
            "created_at": self.fmt(self._ts_of(row) + offset), "src": agent.extension, "src_id": agent.extension,
            "src_ua": rng.choice(("VoIPstudio Desktop 3.2.1", "VoIPstudio WebRTC (Chrome 124)")),
            "dst": c[self.P_NUMBER], "dst_id": c[self.P_CONTACT] or f"guest:{rng.randrange(10000, 99999)}",
            "dst_ua": rng.choice(_BROWSERS), "duration": length,
            "media_session_id": self._id("ms"), "t_cause": cause, "type": kind, "user_id": agent.id,
        })  # fmt: skip

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
        topic = _TOPIC_NAMES[int(random() * len(_TOPIC_NAMES))]
        open_now = _is_open(ts)
        state = 2 if random() < (0.86 if open_now else 0.3) else 3
        if last_day and random() < 0.05:
            state = 1 if random() < 0.6 else 0
        staff = self.chat_staff[ts >= self.leaves_at]
        operator = staff[int(random() * len(staff))] if state in (1, 2) else None
        city, lat, lon = c[self.P_CITY]
        chat_id = self._id("chat")
        vname = c[self.P_FULL] if known else f"Visitor {rng.randrange(1000, 99999)}"
        ctx = self._context(c, operator or self.agents[0], ts)
        ctx["vfirst"] = c[self.P_FIRST] if known else "there"
        messages = []
        at = 0
        if state in (2, 1):
            count = rng.randint(3, 14)
            middle = count - 2 - (2 if count >= 6 else 0)  # after the opener and greeting, before goodbyes
            visitor_lines = rng.sample(_CHAT_VISITOR, (middle + 1) // 2)
            operator_lines = rng.sample(_CHAT_OPERATOR[1:], middle // 2)
            messages.append(("visitor", choice(_CHAT_OPENERS[topic])))
            messages.append(("operator", _CHAT_OPERATOR[0]))
            for i in range(middle):
                messages.append(
                    ("visitor", visitor_lines[i // 2]) if i % 2 == 0 else ("operator", operator_lines[i // 2])
                )
            if count >= 6:
                messages.append(("visitor", choice(_CHAT_CLOSE[0])))
                messages.append(("operator", choice(_CHAT_CLOSE[1])))
        else:
            messages.append(("visitor", choice(_CHAT_OPENERS[topic])))
            for _ in range(rng.randint(2, 3)):
                messages.append(("visitor", choice(_CHAT_MISSED)))
        for sender, text in messages:
            self.t[m.ChatMsg].add({
                "id": self._id("chatmsg"), "customer_id": CUSTOMER_ID, "chat_id": chat_id,
                "created_at": self.fmt(ts + at), "sender": sender,
                "sender_name": vname if sender == "visitor" else operator.name, "message": text.format_map(ctx),
            })  # fmt: skip
            at += rng.randint(8, 90) if state != 3 else rng.randint(20, 120)
        duration = at + rng.randint(5, 60)
        if state == m.Chat.MISSED and open_now and len(messages) == 3:
            state = m.Chat.ABANDONED  # the visitor gave up while the operators were busy
        ip = (f"2001:db8:{rng.randrange(0x10000):x}::{rng.randrange(1, 0x10000):x}" if random() < 0.1 else
              f"{choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randrange(1, 255)}")  # fmt: skip
        website_id, site = _WEBSITES[0 if random() < 0.7 else 1]
        self.t[m.Chat].add({
            "id": chat_id, "created_at": self.fmt(ts), "customer_id": CUSTOMER_ID, "duration": duration,
            "operator_id": operator.id if operator else None,
            "operator_ua": (operator.devices[-1][1] if random() < 0.6 else choice(_BROWSERS)) if operator else "",
            "state": state, "visitor_city": city, "visitor_country": c[self.P_COUNTRY],
            "visitor_email": c[self.P_EMAIL] if known else "",
            "visitor_geo": f"{lat + rng.uniform(-0.05, 0.05):.4f},{lon + rng.uniform(-0.05, 0.05):.4f}",
            "visitor_id": c[self.P_VISITOR] if known else f"wv-{rng.getrandbits(32):08x}", "visitor_ip": ip,
            "visitor_name": vname, "visitor_referer": choice(_REFERERS),
            "visitor_ua": choice(_BROWSERS), "website_id": website_id,
        })  # fmt: skip
        if state in (m.Chat.CLOSED, m.Chat.MISSED, m.Chat.ABANDONED):
            cx = None
            if state == 2 and random() < 0.7:
                neg, neu, _ = _TOPICS[topic]["sentiment"]
                r = random()
                mood = 0 if r < neg else (1 if r < neg + neu else 2)
                low, high = ((8, 45), (40, 76), (70, 99))[mood]
                cx = rng.randint(low, high)
            self.t[m.Conversation].add({
                "id": f"chat-{chat_id}", "channel": "chat", "created_at": self.fmt(ts), "customer_id": CUSTOMER_ID,
                "cx_score": cx, "src": c[self.P_EMAIL] if known else f"{site}/", "src_name": vname,
                "dst": operator.extension if operator else "", "dst_name": operator.name if operator else "",
                "duration": duration, "monitor_id": None, "object_class": "Chat", "object_id": str(chat_id),
                "type": "inbound", "user_id": operator.id if operator else None,
            })  # fmt: skip

    def _sms(self, ts: int) -> None:
        rng = self.rng
        c = self.pool[self._caller()]
        agent = self._anyone(ts)
        ctx = self._context(c, agent, ts)
        sms_id = self._id("sms")
        customer = (c[self.P_NUMBER], c[self.P_CONTACT], c[self.P_NAME])
        company = (SMS_NUMBER, agent.extension, agent.name)
        if rng.random() < 0.6:
            type_, (src, src_id, src_name), (dst, dst_id, dst_name) = "outbound", company, customer
            r = rng.random()
            result = "delivered" if r < 0.86 else ("sent" if r < 0.95 else "failed")
            text = rng.choice(_SMS_OUT)
        else:
            type_, (src, src_id, src_name), (dst, dst_id, dst_name) = "inbound", customer, company
            result = "delivered"
            text = rng.choice(_SMS_IN)
        created = self.fmt(ts)
        self.t[m.Sms].add({
            "id": sms_id, "customer_id": CUSTOMER_ID, "created_at": created, "from_number": src,
            "from_id": src_id, "from_name": src_name, "message": text.format_map(ctx), "result": result,
            "to_number": dst, "to_id": dst_id, "to_name": dst_name, "type": type_, "user_id": agent.id,
        })  # fmt: skip
        self.t[m.Conversation].add({
            "id": f"sms-{sms_id}", "channel": "sms", "created_at": created, "customer_id": CUSTOMER_ID,
            "cx_score": None, "src": src, "src_name": src_name, "dst": dst, "dst_name": dst_name, "duration": 0,
            "monitor_id": None, "object_class": "Sms", "object_id": str(sms_id), "type": type_,
            "user_id": agent.id,
        })  # fmt: skip

    def _statements(self) -> None:
        """Monthly statements for the six complete months before the window's last month."""
        rng = self.rng
        last = self.first_day + timedelta(days=self.days - 1)
        year, month = last.year, last.month
        periods = []
        for _ in range(6):
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            periods.append((year, month))
        base = len(self.agents) * 14.0 + (len(_DIDS) + len(_TRACKING) + len(self.direct)) * 2.5
        scale = max(1.0, self.total_cdrs / DEFAULT_CDRS * 90 / max(1, self.days))
        for i, (year, month) in enumerate(reversed(periods)):
            period = f"{year:04d}-{month:02d}"
            usage = self.month_charges.get(period)
            if usage is None:
                usage = rng.uniform(110, 190) * scale
            issued = date(year + (month == 12), month % 12 + 1, 1)
            self.t[m.Statement].add({
                "id": FIRST_STATEMENT_ID + i, "customer_id": CUSTOMER_ID, "period": period,
                "amount": f"{base + usage:.2f}", "created_at": f"{issued.isoformat()} 03:15:00",
            })  # fmt: skip


# --- Public API ---------------------------------------------------------------------------------------
def tables_exist() -> bool:
    return m.Cdr._meta.db_table in connection.introspection.table_names()


def database_is_empty() -> bool:
    """True when none of the seeded tables holds a row (tokens and fault rules do not count)."""
    with connection.cursor() as cursor:
        for model in SEEDED_MODELS:
            if model in (m.Token, m.TwoFactorChallenge):
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} LIMIT 1")
            if cursor.fetchone():
                return False
    return True


def refresh_statistics() -> None:
    """Let SQLite's planner know how selective each index is. Without statistics it prefers the
    (customer_id, …) indexes and scans a million rows to find one call's legs by root_live_id."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _password_hash(password: str, rng: Random) -> str:
    """One hash for every account (hashing is slow on purpose); the salt is seeded so runs repeat."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    salt = "".join(alphabet[rng.randrange(len(alphabet))] for _ in range(22))
    return make_password(password, salt=salt)


def seed_database(
    *,
    seed: int = 1,
    cdrs: int = DEFAULT_CDRS,
    days: int = DEFAULT_DAYS,
    end: date | None = None,
    password: str,
    progress: Callable[[int, int], None] | None = None,
    replace: bool = False,
) -> SeedSummary:
    """Fill the emulator database with ``cdrs`` CDR rows over ``days`` days ending at ``end`` (inclusive).

    ``end`` defaults to today (UTC). Same arguments → identical database content. Refuses
    (:class:`SeedError`) when the seeded tables hold data, unless ``replace`` (delete them first).
    ``progress(done, total)`` is called with CDR counts after each simulated day.
    """
    if cdrs < 1 or days < 1:
        raise ValueError("cdrs and days must be positive")
    if not password:
        raise ValueError("a password is required")
    until = None
    if end is None:  # the window ends now, not at midnight: a demo shows no calls in the future
        now = datetime.now(UTC)
        end, until = now.date(), int(now.timestamp())
    if not tables_exist():
        raise SeedError(
            "the emulator tables do not exist: run `python -m voiphistory.emulator migrate` first"
        )
    if not replace and not database_is_empty():
        raise SeedError("the emulator database already holds data (use replace=True / --replace)")
    password_hash = _password_hash(password, Random(f"password-salt-{seed}"))
    connection.ensure_connection()
    raw = connection.connection
    # Durability is pointless while writing demo data (the setting cannot change inside a transaction).
    synchronous = None if connection.in_atomic_block else raw.execute("PRAGMA synchronous").fetchone()[0]
    if synchronous is not None:
        raw.execute("PRAGMA synchronous=OFF")
    try:
        with transaction.atomic():
            cursor = raw.cursor()
            if replace:
                for model in SEEDED_MODELS:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            generator = _Generator(seed=seed, cdrs=cdrs, days=days, end=end, password_hash=password_hash,
                                   cursor=cursor, progress=progress, until=until)  # fmt: skip
            summary = generator.run()
            cursor.close()
    finally:
        if synchronous is not None:
            raw.execute(f"PRAGMA synchronous={int(synchronous)}")
    return summary


def set_demo_password(password: str) -> list[str]:
    """Give the three demo accounts ``password``; returns the emails that exist."""
    encoded = make_password(password)
    updated = list(
        m.User.objects.filter(email__in=DEMO_EMAILS).order_by("id").values_list("email", flat=True)
    )
    m.User.objects.filter(email__in=DEMO_EMAILS).update(password=encoded)
    return updated


# --- The demo password file -----------------------------------------------------------------------------
_WORDS = (
    "amber", "anchor", "aspen", "atlas", "birch", "blossom", "canyon", "cedar", "comet", "copper", "coral",
    "crystal", "delta", "ember", "falcon", "fern", "harbour", "hazel", "island", "jasper", "juniper", "lagoon",
    "lantern", "maple", "meadow", "meteor", "mosaic", "nectar", "orbit", "otter", "pebble", "pepper", "pine",
    "quartz", "raven", "river", "saffron", "sierra", "sparrow", "summit", "thistle", "tundra", "velvet",
    "violet", "walnut", "willow", "zephyr", "zenith",
)  # fmt: skip


def generate_password() -> str:
    """A random, readable password such as ``harbour-velvet-otter-4821``."""
    words = [secrets.choice(_WORDS) for _ in range(3)]
    return "-".join(words) + f"-{secrets.randbelow(9000) + 1000}"


def password_file() -> Path:
    return Path(settings.DATA_DIR) / PASSWORD_FILE_NAME


def read_stored_password() -> str | None:
    try:
        value = password_file().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return value or None


def write_password_file(password: str) -> Path:
    """Write the demo password to ``<data dir>/demo-password`` with mode 0600."""
    path = password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    os.chmod(path, 0o600)
    return path
