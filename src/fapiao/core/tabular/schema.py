"""What a table is expected to hold (TableSpec, 表头规格) and what reading it produced (Table).

A :class:`TableSpec` names canonical fields (``number``, ``issue_date``, ...) each with its header
synonyms in Chinese and English; the reader finds the header row by those synonyms.  Identifier
fields (发票代码, 发票号码, 纳税人识别号) declare their expected lengths so that the reader can
detect and, where certain, repair what Excel does to long digit strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from fapiao.core.findings import Finding
from fapiao.core.parsing.base import FileFormat

_HEADER_JUNK = re.compile(r"[\s_\-.·:：]+")


def normalise_header(text: object) -> str:
    """A header cell as compared: NFKC, no whitespace or ``*`` marks, case-folded."""
    if text is None or not isinstance(text, str):
        return ""
    value = unicodedata.normalize("NFKC", text).strip().strip("*").strip()
    return _HEADER_JUNK.sub("", value).casefold()


class FieldKind(StrEnum):
    """How a column's cells are read and checked."""

    TEXT = "text"
    IDENTIFIER = "identifier"  # digit strings Excel may damage: 发票代码, 发票号码, 识别号
    AMOUNT = "amount"  # 金额: checked to be readable as a Decimal
    DATE = "date"  # 开票日期: checked to be readable as a date
    NUMBER = "number"  # 数量, 单价: plain numbers, not checked


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One canonical field: its header synonyms (the first is the Chinese label) and checks."""

    name: str
    synonyms: tuple[str, ...]
    required: bool = False
    kind: FieldKind = FieldKind.TEXT
    lengths: frozenset[int] = frozenset()  # expected lengths of an identifier
    pad_lengths: frozenset[int] = frozenset()  # lengths whose values may start with 0
    max_pad: int | None = None  # at most this many leading zeros can have been lost

    @property
    def label(self) -> str:
        """The Chinese header that names the field in messages."""
        return self.synonyms[0] if self.synonyms else self.name

    @property
    def is_identifier(self) -> bool:
        """Whether Excel damage to digit strings is checked in this column."""
        return self.kind is FieldKind.IDENTIFIER


@dataclass(frozen=True, slots=True)
class TableSpec:
    """The canonical fields of one kind of table, with required columns and one-of groups."""

    name: str
    columns: tuple[ColumnSpec, ...]
    require_any: tuple[tuple[str, ...], ...] = ()  # at least one field of each group
    _by_header: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_header: dict[str, str] = {}
        names = {c.name for c in self.columns}
        if len(names) != len(self.columns):
            raise ValueError(f"spec {self.name}: duplicate field names")
        for column in self.columns:
            for synonym in (column.name, *column.synonyms):
                key = normalise_header(synonym)
                other = by_header.setdefault(key, column.name)
                if other != column.name:
                    raise ValueError(
                        f"spec {self.name}: {synonym!r} names {other} and {column.name}"
                    )
        for group in self.require_any:
            if not set(group) <= names:
                raise ValueError(f"spec {self.name}: unknown fields in {group}")
        object.__setattr__(self, "_by_header", by_header)

    def field_for(self, header: object) -> str | None:
        """The canonical field a header cell names, if any."""
        return self._by_header.get(normalise_header(header))

    def column(self, name: str) -> ColumnSpec:
        """The spec of one canonical field."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical field names, in spec order."""
        return tuple(c.name for c in self.columns)


class SkipReason(StrEnum):
    """Why a row of the sheet is not in the frame."""

    EMPTY = "empty"
    TOTAL = "total"  # 合计 / 合计行 / 总计, or a row of sums without identifiers
    HEADER = "header"  # the header repeated (pages pasted together)


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A sheet row (1-based) left out of the frame, and why."""

    row: int
    reason: SkipReason
    values: Mapping[str, str | None] = field(default_factory=dict)  # a total row's fields


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet read against a spec: one Utf8 column per canonical field found, values as text."""

    frame: pl.DataFrame
    source_rows: list[int]  # 1-based sheet row of each frame row
    findings: list[Finding]
    sheet: str | None
    header_row: int  # 1-based
    skipped_rows: list[SkippedRow]
    headers: Mapping[str, str]  # canonical field -> header text as found
    format: FileFormat = FileFormat.UNKNOWN
    title: tuple[str, ...] = ()  # texts of the rows above the header (a sheet title)

    def __len__(self) -> int:
        return self.frame.height

    def row_findings(self, row: int) -> list[Finding]:
        """The findings about one sheet row (1-based, as in ``source_rows``)."""
        return [f for f in self.findings if f.values.get("row") == row]

    def rows(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        """Each sheet row number (1-based) with its values keyed by canonical field."""
        yield from zip(self.source_rows, self.frame.iter_rows(named=True), strict=True)
