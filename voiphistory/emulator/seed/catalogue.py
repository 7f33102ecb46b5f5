"""The fixed cast of the demo: the company, its staff and their phones, its numbers, queues and IVRs."""

from __future__ import annotations

from dataclasses import dataclass

# --- Fixed identities ---------------------------------------------------------------------------
CUSTOMER_ID = 100234
CUSTOMER_NAME = "Northwind Support Ltd"
EMAIL_DOMAIN = "northwind.example"
SUPERVISOR_EMAIL = "supervisor@northwind.example"
AGENT_EMAIL = "agent@northwind.example"
TWOFACTOR_EMAIL = "twofactor@northwind.example"
DEMO_EMAILS = (SUPERVISOR_EMAIL, AGENT_EMAIL, TWOFACTOR_EMAIL)
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

DEFAULT_CDRS = 20000
DEFAULT_DAYS = 90

# --- Staff ---------------------------------------------------------------------------------------
# first, last, fixed (demo) email, admin, queues (A sales, S support, B billing), workload, direct DID
STAFF = (
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
LEAVER = 23  # index in STAFF of the inactive user
LEAVES_AT = 0.65  # share of the window after which the leaver takes no more calls

DESK_PHONES = (
    ("Yealink SIP-T54W 96.86.0.100", "G722"),
    ("Yealink SIP-T46U 108.86.0.90", "G722"),
    ("Polycom VVX 450 6.4.3.5018", "G722"),
    ("Snom D785 10.1.159.12", "G722"),
    ("Grandstream GXP2170 1.0.11.79", "PCMA"),
)
SOFT_PHONES = (
    ("VoIPstudio Desktop 3.2.1", "opus"),
    ("VoIPstudio Desktop 3.1.8", "opus"),
    ("Zoiper 5.6.3", "PCMA"),
    ("VoIPstudio iOS 2.8.0", "opus"),
    ("VoIPstudio Android 2.7.4", "opus"),
    ("VoIPstudio WebRTC (Chrome 124)", "opus"),
)
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
)

# --- Numbers, queues, IVRs --------------------------------------------------------------------------
MAIN_DID = "442038467190"
DIDS = {  # number: label
    MAIN_DID: "Main line (London)",
    "441614960321": "Manchester office",
    "12124537768": "US support line",
    "493040817263": "Berlin line",
}
TRACKING = (  # number, campaign, for US callers
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
QUEUE_SHARE = (0.25, 0.55, 0.20)
SERVERS = (11, 12, 14, 21)
WEBSITES = ((7741, "https://www.northwind.example"), (7742, "https://help.northwind.example"))


@dataclass(slots=True)
class Agent:
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
