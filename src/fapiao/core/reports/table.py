"""报表表格 (report table): columns with Chinese and English headers, rows, and totals (合计)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

TOTAL_LABEL = "合计 · Total"


class ColumnKind(StrEnum):
    """How a column's values are to be shown: identifiers are always text (leading zeros kept)."""

    TEXT = "text"
    IDENTIFIER = "identifier"
    MONEY = "money"
    INTEGER = "integer"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    """One column (列): a stable key, its Chinese and English header, its kind, whether summed."""

    key: str
    label: str
    label_en: str
    kind: ColumnKind = ColumnKind.TEXT
    total: bool = False

    @property
    def header(self) -> str:
        """The header as shown: ``中文 · English``."""
        return f"{self.label} · {self.label_en}"


def column_total(kind: ColumnKind, values: Sequence[Any]) -> Decimal | int:
    """The sum of one column's values (None counts as nothing); money stays exact."""
    if kind is ColumnKind.MONEY:
        return sum((Decimal(v) for v in values if v is not None), Decimal("0.00"))
    return sum(int(v) for v in values if v is not None)


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A plain table (报表): title, columns and rows, ready for a page, a print view or Excel."""

    title: str
    title_en: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"row has {len(row)} cells, table has {width} columns")

    def totals(self) -> tuple[Any, ...]:
        """The 合计 row: sums of the summed columns, the label in the first column, else None."""
        cells: list[Any] = []
        for i, column in enumerate(self.columns):
            if column.total:
                cells.append(column_total(column.kind, [row[i] for row in self.rows]))
            else:
                cells.append(None)
        if cells and cells[0] is None:
            cells[0] = TOTAL_LABEL
        return tuple(cells)

    def as_dicts(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column key."""
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]
