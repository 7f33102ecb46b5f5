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

Conventions of the generated CDRs (the live API's are unknown; docs/voipstudio-api.md):

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

The package follows the seams of that work: ``catalogue`` (the company, staff, numbers), ``callers``
and ``schedule`` (who calls, when, what kind of call), ``topics`` (with ``topics.json``) and
``content`` (the texts), the generator one layer per module (each class adds
to the one before: ``base`` state and choices → ``attachments`` recordings, voicemail, notes →
``legs`` CDR rows and one-leg calls → ``webcalls`` → ``direct`` → ``calls`` IVR calls and dispatch;
``messaging`` chats, SMS, statements; ``generator`` the day loop), ``writer`` (batched inserts, the
indexes built afterwards) and ``accounts`` (the demo password).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from random import Random

from django.db import connection, transaction

from voiphistory.emulator.seed.accounts import (
    generate_password,
    hash_password,
    password_file,
    read_stored_password,
    set_demo_password,
    write_password_file,
)
from voiphistory.emulator.seed.catalogue import (
    AGENT_EMAIL,
    CUSTOMER_ID,
    DEFAULT_CDRS,
    DEFAULT_DAYS,
    DEMO_EMAILS,
    SUPERVISOR_EMAIL,
    TWOFACTOR_EMAIL,
)
from voiphistory.emulator.seed.generator import Generator
from voiphistory.emulator.seed.writer import (
    SEEDED_MODELS,
    SeedSummary,
    database_is_empty,
    indexes_built_afterwards,
    refresh_statistics,
    tables_exist,
)

__all__ = [
    "AGENT_EMAIL",
    "CUSTOMER_ID",
    "DEFAULT_CDRS",
    "DEFAULT_DAYS",
    "DEMO_EMAILS",
    "SUPERVISOR_EMAIL",
    "TWOFACTOR_EMAIL",
    "SeedError",
    "SeedSummary",
    "database_is_empty",
    "generate_password",
    "password_file",
    "read_stored_password",
    "refresh_statistics",
    "seed_database",
    "set_demo_password",
    "tables_exist",
    "write_password_file",
]


class SeedError(Exception):
    """The database cannot be seeded as asked (not migrated, or already holds data)."""


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
    password_hash = hash_password(password, Random(f"password-salt-{seed}"))
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
            generator = Generator(
                seed=seed,
                cdrs=cdrs,
                days=days,
                end=end,
                password_hash=password_hash,
                cursor=cursor,
                progress=progress,
                until=until,
            )
            with indexes_built_afterwards(cursor, SEEDED_MODELS):
                summary = generator.run()
            cursor.close()
    finally:
        if synchronous is not None:
            raw.execute(f"PRAGMA synchronous={int(synchronous)}")
    return summary
