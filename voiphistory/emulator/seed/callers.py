"""Who calls: the countries, dialling prefixes, cities, names and web addresses callers are drawn from."""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    name: str
    lat: float
    lon: float


class Caller(NamedTuple):
    """One caller in the generator's pool (``GeneratorBase._make_pool``)."""

    number: str
    name: str  # "" when the caller is not a known contact
    first: str
    contact: str  # "contact:<id>" for a known contact, else ""
    code: str  # country code, a key of CITIES and NAMES
    country: str
    city: City
    codec: str
    rate: float  # per-minute charge of the number's dialling prefix
    email: str
    full_name: str  # the name, known contact or not
    company: str
    visitor: str  # the web-chat visitor id


# --- Customers (callers) ----------------------------------------------------------------------------
COUNTRIES = (  # code, name, share, codec, dialling prefixes (mobile, landline), cities, names
    (
        "GB",
        "United Kingdom",
        0.64,
        "PCMA",
        (
            ("447", 9, 0.0120, 0.6),
            ("4420", 8, 0.0060, 0.15),
            ("44161", 7, 0.0060, 0.1),
            ("44121", 7, 0.0060, 0.08),
            ("44131", 7, 0.0060, 0.07),
        ),
    ),
    (
        "US",
        "United States",
        0.15,
        "PCMU",
        (
            ("1212", 7, 0.0090, 0.3),
            ("1415", 7, 0.0090, 0.2),
            ("1312", 7, 0.0090, 0.2),
            ("1617", 7, 0.0090, 0.15),
            ("1512", 7, 0.0090, 0.15),
        ),
    ),
    (
        "DE",
        "Germany",
        0.10,
        "PCMA",
        (("4915", 9, 0.0350, 0.5), ("4930", 8, 0.0150, 0.3), ("4989", 8, 0.0150, 0.2)),
    ),
    (
        "FR",
        "France",
        0.07,
        "PCMA",
        (("336", 8, 0.0320, 0.5), ("337", 8, 0.0320, 0.2), ("331", 8, 0.0140, 0.3)),
    ),
    ("IE", "Ireland", 0.02, "PCMA", (("3538", 8, 0.0300, 0.7), ("3531", 7, 0.0150, 0.3))),
    ("NL", "Netherlands", 0.02, "PCMA", (("316", 8, 0.0330, 0.6), ("3120", 7, 0.0140, 0.4))),
)
CITIES = {
    "GB": (
        ("London", 51.5074, -0.1278),
        ("Manchester", 53.4808, -2.2426),
        ("Birmingham", 52.4862, -1.8904),
        ("Leeds", 53.8008, -1.5491),
        ("Glasgow", 55.8642, -4.2518),
        ("Bristol", 51.4545, -2.5879),
        ("Cardiff", 51.4816, -3.1791),
        ("Edinburgh", 55.9533, -3.1883),
    ),
    "US": (
        ("New York", 40.7128, -74.006),
        ("San Francisco", 37.7749, -122.4194),
        ("Chicago", 41.8781, -87.6298),
        ("Boston", 42.3601, -71.0589),
        ("Austin", 30.2672, -97.7431),
    ),
    "DE": (
        ("Berlin", 52.52, 13.405),
        ("Munich", 48.1351, 11.582),
        ("Hamburg", 53.5511, 9.9937),
        ("Cologne", 50.9375, 6.9603),
    ),
    "FR": (
        ("Paris", 48.8566, 2.3522),
        ("Lyon", 45.764, 4.8357),
        ("Marseille", 43.2965, 5.3698),
        ("Toulouse", 43.6047, 1.4442),
    ),
    "IE": (("Dublin", 53.3498, -6.2603), ("Cork", 51.8985, -8.4756)),
    "NL": (("Amsterdam", 52.3676, 4.9041), ("Rotterdam", 51.9244, 4.4777)),
}
NAMES = {
    "GB": (
        (
            "Jane",
            "Oliver",
            "Amelia",
            "Harry",
            "Sophie",
            "Jack",
            "Charlotte",
            "George",
            "Emily",
            "Thomas",
            "Ruby",
            "Samuel",
            "Lucy",
            "Joseph",
            "Ella",
            "Adam",
            "Freya",
            "Callum",
            "Imogen",
            "Rhys",
            "Nadia",
            "Omar",
            "Leah",
            "Connor",
            "Molly",
            "Tariq",
            "Eleanor",
            "Dylan",
            "Anita",
            "Gareth",
        ),
        (
            "Doe",
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Walker",
            "Thompson",
            "White",
            "Hughes",
            "Edwards",
            "Green",
            "Hall",
            "Wood",
            "Harris",
            "Clarke",
            "Patel",
            "Khan",
            "Ali",
            "Murphy",
            "Campbell",
            "Stewart",
            "Morgan",
            "Price",
            "Shaw",
        ),
    ),
    "US": (
        (
            "Michael",
            "Jennifer",
            "David",
            "Ashley",
            "Chris",
            "Jessica",
            "Matthew",
            "Sarah",
            "Brian",
            "Emily",
            "Tyler",
            "Megan",
            "Kevin",
            "Lauren",
            "Carlos",
            "Maria",
            "Jordan",
            "Kayla",
            "Andre",
            "Nicole",
        ),
        (
            "Miller",
            "Garcia",
            "Rodriguez",
            "Martinez",
            "Anderson",
            "Jackson",
            "Lee",
            "Perez",
            "Moore",
            "Young",
            "King",
            "Lopez",
            "Scott",
            "Nguyen",
            "Hill",
            "Adams",
            "Baker",
            "Nelson",
            "Carter",
            "Rivera",
        ),
    ),
    "DE": (
        (
            "Lukas",
            "Anna",
            "Felix",
            "Lena",
            "Jonas",
            "Laura",
            "Maximilian",
            "Julia",
            "Paul",
            "Sarah",
            "Tobias",
            "Katharina",
            "Jan",
            "Miriam",
            "Stefan",
        ),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Hoffmann",
            "Schulz",
            "Koch",
            "Richter",
            "Klein",
            "Wolf",
            "Neumann",
        ),
    ),
    "FR": (
        (
            "Camille",
            "Louis",
            "Léa",
            "Hugo",
            "Manon",
            "Jules",
            "Chloé",
            "Lucas",
            "Inès",
            "Nathan",
            "Élodie",
            "Antoine",
            "Margaux",
            "Théo",
            "Sophie",
        ),
        (
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefebvre",
            "Michel",
            "Garnier",
        ),
    ),
    "IE": (
        ("Aoife", "Seán", "Ciara", "Conor", "Siobhán", "Darragh", "Orla", "Cillian"),
        ("Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne", "Ryan", "O'Brien", "Doyle"),
    ),
    "NL": (
        ("Daan", "Emma", "Sem", "Julia", "Lars", "Sanne", "Bram", "Fleur"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer"),
    ),
}
MAIL_DOMAINS = (
    "example.com",
    "example.org",
    "example.net",
    "mail.example",
    "brightlane.example",
    "kestrel-logistics.example",
    "oakfield.example",
    "harbourview.example",
)
REFERERS = (
    "https://www.google.com/",
    "https://www.northwind.example/pricing",
    "https://www.northwind.example/",
    "https://help.northwind.example/articles/router-setup",
    "https://www.bing.com/",
    "https://www.northwind.example/contact",
    "https://help.northwind.example/billing",
    "https://www.facebook.com/",
    "https://www.northwind.example/business-broadband",
)
