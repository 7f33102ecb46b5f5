"""The demo accounts' password: its hash in the seed, setting it later, the password file."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from random import Random

from django.conf import settings
from django.contrib.auth.hashers import make_password

from voiphistory.emulator import models as m
from voiphistory.emulator.seed.catalogue import DEMO_EMAILS

PASSWORD_FILE_NAME = "demo-password"


def hash_password(password: str, rng: Random) -> str:
    """One hash for every account (hashing is slow on purpose); the salt is seeded so runs repeat."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    salt = "".join(alphabet[rng.randrange(len(alphabet))] for _ in range(22))
    return make_password(password, salt=salt)


def set_demo_password(password: str) -> list[str]:
    """Give the three demo accounts ``password``; returns the emails that exist."""
    encoded = make_password(password)
    updated = list(
        m.User.objects.filter(email__in=DEMO_EMAILS).order_by("id").values_list("email", flat=True)
    )
    m.User.objects.filter(email__in=DEMO_EMAILS).update(password=encoded)
    return updated


_WORDS = (
    "amber",
    "anchor",
    "aspen",
    "atlas",
    "birch",
    "blossom",
    "canyon",
    "cedar",
    "comet",
    "copper",
    "coral",
    "crystal",
    "delta",
    "ember",
    "falcon",
    "fern",
    "harbour",
    "hazel",
    "island",
    "jasper",
    "juniper",
    "lagoon",
    "lantern",
    "maple",
    "meadow",
    "meteor",
    "mosaic",
    "nectar",
    "orbit",
    "otter",
    "pebble",
    "pepper",
    "pine",
    "quartz",
    "raven",
    "river",
    "saffron",
    "sierra",
    "sparrow",
    "summit",
    "thistle",
    "tundra",
    "velvet",
    "violet",
    "walnut",
    "willow",
    "zephyr",
    "zenith",
)


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
