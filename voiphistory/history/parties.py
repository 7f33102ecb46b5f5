"""The name and the number a party column shows (the table's cell and the export's two cells)."""

from __future__ import annotations

from collections.abc import Mapping

from voiphistory.history.catalog import Column
from voiphistory.history.labels import party_id_label
from voiphistory.web.formatting import caller_name


def party_parts(item: object, column: Column, users: Mapping[int, str] | None) -> tuple[str, str]:
    """A party column's name and number: the name from a caller ID, else from the user it names
    (``user_attr``), ids such as ``contact:13913`` in words; "" for a name that is only the number."""
    value = getattr(item, column.value_attr, None)
    number = getattr(item, column.sub, None) if column.sub else value
    name = caller_name(value) if value and value != number else ""
    user_id = getattr(item, column.user_attr, None) if column.user_attr else None
    if not name and user_id is not None and users:
        name = users.get(user_id) or ""
    return party_id_label(str(name)), str(number or ("" if name else value or ""))
