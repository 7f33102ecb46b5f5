# Written by hand: the per-day CDR counts that answer a date window's total, and per id block (id >> 12)
# and day, which find a deep page sorted by id (voiphistory/emulator/daycounts.py).

from django.db import migrations

TABLE = "emulator_cdrdaycount"
# One row per customer, day (the first 10 characters of calldate) and low-cardinality filter values.
# user_id NULL is kept as user_known = 0, user_id = 0: a primary key cannot hold NULL.
KEY = "customer_id, day, is_calltracking, type, disposition, user_known, user_id"


def _key_of(row: str) -> str:
    return (
        f"{row}.customer_id, substr({row}.calldate, 1, 10), {row}.is_calltracking, {row}.type,"
        f" {row}.disposition, {row}.user_id IS NOT NULL, IFNULL({row}.user_id, 0)"
    )


_ADD = (
    f"INSERT INTO {TABLE} ({KEY}, rows) VALUES ({_key_of('NEW')}, 1)"
    f" ON CONFLICT ({KEY}) DO UPDATE SET rows = rows + 1;"
)
_REMOVE = f"UPDATE {TABLE} SET rows = rows - 1 WHERE ({KEY}) = ({_key_of('OLD')});"
_COLUMNS = "customer_id, calldate, is_calltracking, type, disposition, user_id"

BLOCKS = "emulator_cdridblock"
BLOCK_KEY = "customer_id, is_calltracking, block, day"


def _block_of(row: str) -> str:
    return f"{row}.customer_id, {row}.is_calltracking, {row}.id >> 12, substr({row}.calldate, 1, 10)"


_ADD_BLOCK = (
    f"INSERT INTO {BLOCKS} ({BLOCK_KEY}, rows) VALUES ({_block_of('NEW')}, 1)"
    f" ON CONFLICT ({BLOCK_KEY}) DO UPDATE SET rows = rows + 1;"
)
_REMOVE_BLOCK = f"UPDATE {BLOCKS} SET rows = rows - 1 WHERE ({BLOCK_KEY}) = ({_block_of('OLD')});"

CREATE = [
    f"CREATE TABLE {TABLE} (customer_id bigint NOT NULL, day varchar(10) NOT NULL,"
    " is_calltracking bool NOT NULL, type varchar(1) NOT NULL, disposition varchar(20) NOT NULL,"
    f" user_known bool NOT NULL, user_id bigint NOT NULL, rows bigint NOT NULL, PRIMARY KEY ({KEY}))"
    " WITHOUT ROWID",
    f"INSERT INTO {TABLE} ({KEY}, rows)"
    f" SELECT {_key_of('emulator_cdr')}, COUNT(*) FROM emulator_cdr GROUP BY {_key_of('emulator_cdr')}",
    f"CREATE TABLE {BLOCKS} (customer_id bigint NOT NULL, is_calltracking bool NOT NULL,"
    f" block bigint NOT NULL, day varchar(10) NOT NULL, rows bigint NOT NULL, PRIMARY KEY ({BLOCK_KEY}))"
    " WITHOUT ROWID",
    f"INSERT INTO {BLOCKS} ({BLOCK_KEY}, rows)"
    f" SELECT {_block_of('emulator_cdr')}, COUNT(*) FROM emulator_cdr GROUP BY {_block_of('emulator_cdr')}",
    f"CREATE TRIGGER emulator_cdr_day_count_insert AFTER INSERT ON emulator_cdr BEGIN {_ADD} {_ADD_BLOCK} END",
    f"CREATE TRIGGER emulator_cdr_day_count_delete AFTER DELETE ON emulator_cdr"
    f" BEGIN {_REMOVE} {_REMOVE_BLOCK} END",
    f"CREATE TRIGGER emulator_cdr_day_count_update AFTER UPDATE OF id, {_COLUMNS} ON emulator_cdr"
    f" BEGIN {_REMOVE} {_REMOVE_BLOCK} {_ADD} {_ADD_BLOCK} END",
]
DROP = [
    "DROP TRIGGER IF EXISTS emulator_cdr_day_count_insert",
    "DROP TRIGGER IF EXISTS emulator_cdr_day_count_delete",
    "DROP TRIGGER IF EXISTS emulator_cdr_day_count_update",
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP TABLE IF EXISTS {BLOCKS}",
]


class Migration(migrations.Migration):
    dependencies = [
        ("emulator", "0006_clock_offset"),
    ]

    operations = [migrations.RunSQL(tuple(CREATE), reverse_sql=tuple(DROP))]
