"""Every row of every table, for comparing a restored database with its source."""

from __future__ import annotations

from typing import Any


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_rows(cursor: Any, table: str) -> list[tuple[Any, ...]]:
    """All rows of ``table``, sorted so that two copies compare equal."""
    cursor.execute(f"SELECT * FROM {_quote(table)}")
    rows = [tuple(row) for row in cursor.fetchall()]
    return sorted(rows, key=repr)


def all_rows(cursor: Any, tables: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows per table."""
    return {table: table_rows(cursor, table) for table in tables}
