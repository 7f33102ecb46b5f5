"""Writing the seed's rows: batched ``executemany`` inserts, the seeded tables, the summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from operator import itemgetter

from django.db import connection, models

from voiphistory.emulator import daycounts, models as m

BATCH_ROWS = 5000


# Tables the seed owns, children first (the delete order for ``replace``).
SEEDED_MODELS: tuple[type[models.Model], ...] = (
    m.Token,
    m.TwoFactorChallenge,
    m.ChatMsg,
    m.Chat,
    m.Note,
    m.Conversation,
    m.Monitor,
    m.VoiceMessage,
    m.Msdr,
    m.Sms,
    m.Statement,
    m.Cdr,
    m.User,
    m.Customer,
)


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


# --- Writing rows ------------------------------------------------------------------------------------
class Table:
    """Buffers row dicts (keys: model attnames) and inserts them in batches with ``executemany``.

    The column list comes from the model (``_meta.concrete_fields`` → ``column``); fields a row
    leaves out must have a default or be nullable.
    """

    def __init__(self, cursor, model: type[models.Model]) -> None:
        self.cursor = cursor
        self.model = model
        self.getter: Callable[[dict], tuple] | None = None
        self.extra: tuple = ()
        self.sql = ""
        self.rows: list[tuple] = []
        self.count = 0

    def _prepare(self, row: dict) -> Callable[[dict], tuple]:
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
        # Concrete fields are the ones with a column (Options.concrete_fields): the test only narrows.
        columns = [f.column for f in given + rest if f.column is not None]
        self.getter = itemgetter(*(f.attname for f in given))
        self.extra = tuple(extra)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join("?" * len(columns))
        self.sql = (
            f"INSERT INTO {connection.ops.quote_name(self.model._meta.db_table)} ({names}) VALUES ({marks})"
        )
        return self.getter

    def add(self, row: dict) -> None:
        getter = self.getter or self._prepare(row)
        values = getter(row)
        self.rows.append(values + self.extra if self.extra else values)
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.cursor.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows.clear()


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


@contextmanager
def indexes_built_afterwards(cursor, seeded: tuple[type[models.Model], ...]) -> Iterator[None]:
    """Drop the tables' secondary indexes and triggers while the rows go in; build each index once.

    One sort per index instead of a B-tree update per row and index: the query indexes (models.py)
    would otherwise double the time a million CDRs take. Constraint indexes (no ``sql``) stay.
    """
    tables = [model._meta.db_table for model in seeded]
    marks = ", ".join("?" * len(tables))
    cursor.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks})",
        tables,
    )
    built_later = cursor.fetchall()
    for kind, name, _ in built_later:
        cursor.execute(f"DROP {kind.upper()} {connection.ops.quote_name(name)}")
    yield
    for _, _, sql in built_later:
        cursor.execute(sql)
    daycounts.rebuild(cursor)  # nor were the CDRs counted by day
    # The row-counting triggers were off while the rows went in: every table has changed.
    cursor.execute(f"UPDATE {m.TableGeneration._meta.db_table} SET changes = changes + 1")
