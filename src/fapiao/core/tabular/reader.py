"""Reading a table (表格) of invoices into a polars frame of text, one column per canonical field.

The header row is found, not assumed: among the first rows, the one whose cells name the most
fields of the :class:`~fapiao.core.tabular.schema.TableSpec` (by synonym, after NFKC, without
whitespace or ``*``, case-insensitive) wins; an explicit mapping overrides the synonyms.  Empty
rows, total rows (合计 / 合计行 / 总计, or sums without identifiers) and repeated headers are
skipped; ``--`` placeholders become null.  Values stay text, read as a person sees them: Excel
numbers lose their float artefacts (``120.0`` → ``120``), dates become ISO text, and damage to
identifiers is repaired where certain and reported per cell (see :mod:`.damage`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import polars as pl

from fapiao.core.errors import FapiaoError, MissingColumns, TabularError
from fapiao.core.findings import Finding, error, info
from fapiao.core.parsing.base import FileFormat
from fapiao.core.tabular.damage import repair_identifier
from fapiao.core.tabular.schema import (
    ColumnSpec,
    FieldKind,
    SkippedRow,
    SkipReason,
    Table,
    TableSpec,
    normalise_header,
)
from fapiao.core.tabular.sources import CSV_SHEET, Cell, Row, Workbook, open_workbook
from fapiao.core.tabular.values import (
    PLACEHOLDERS,
    cell_text,
    identifier_text,
    parse_date,
    parse_decimal,
)

HEADER_SCAN_ROWS = 20
"""How many rows from the top may hold the header (titles and notes come first in some files)."""

_TOTAL = re.compile(r"^(合计|总计|小计)")
_TOTAL_START = frozenset("合总小")
_PLAIN_DECIMAL = r"^[-+]?\d+(\.\d+)?$"
_ISO_DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])( \d{2}:\d{2}(:\d{2})?)?$"
_CLEAN_IDENTIFIER = r"^[0-9A-Za-z]+$"
_ROW = "__row__"


@dataclass(slots=True)
class HeaderMatch:
    """The header row found in a sheet: its index (0-based) and where each field's column is."""

    index: int
    columns: dict[str, int]
    headers: dict[str, str]
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (field, header) ignored
    unmatched: int = 0  # header cells that name no field

    @property
    def score(self) -> int:
        """How many fields the row names."""
        return len(self.columns)


def read_table(
    source: Path | bytes,
    *,
    spec: TableSpec,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    filename: str | None = None,
) -> Table:
    """Read a CSV, XLSX or XLS file against a spec (the best-matching sheet unless one is named)."""
    return read_sheet(
        open_workbook(source, filename=filename), spec=spec, mapping=mapping, sheet=sheet
    )


def read_sheet(
    book: Workbook,
    *,
    spec: TableSpec,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
) -> Table:
    """Read one sheet of an opened workbook against a spec."""
    overrides = _overrides(spec, mapping)
    if sheet is None:
        sheet = best_sheet(book, spec, mapping=mapping)
    rows = book.rows(sheet)
    match = find_header(rows[:HEADER_SCAN_ROWS], spec, overrides)
    sheet_label = None if sheet == CSV_SHEET else sheet
    return _build(
        rows, spec, _complete(spec, mapping, match, sheet_label), sheet_label, book.format
    )


def best_sheet(book: Workbook, spec: TableSpec, *, mapping: Mapping[str, str] | None = None) -> str:
    """The sheet whose header names the most fields of the spec; on a tie, the one with the fewest
    other columns, then the first."""
    overrides = _overrides(spec, mapping)
    scores = [(sheet_score(book, name, spec, overrides), name) for name in book.sheet_names]
    if not scores:
        raise TabularError("文件中没有工作表", "The file has no sheet")
    best = max(score for score, _ in scores)
    return next(name for score, name in scores if score == best)


def sheet_score(
    book: Workbook, sheet: str, spec: TableSpec, overrides: Mapping[str, str] | None = None
) -> tuple[int, int]:
    """How many fields of the spec the best header row of a sheet names, and minus how many
    other header cells it has."""
    match = find_header(book.head(sheet, HEADER_SCAN_ROWS), spec, overrides or {})
    return (match.score, -match.unmatched) if match else (0, 0)


def find_header(
    rows: Sequence[Row], spec: TableSpec, overrides: Mapping[str, str]
) -> HeaderMatch | None:
    """The row naming the most fields (the first on a tie), or None when no row names any."""
    best: HeaderMatch | None = None
    overridden = set(overrides.values())
    for index, row in enumerate(rows):
        match = HeaderMatch(index, {}, {})
        for position, cell in enumerate(row):
            key = normalise_header(cell)
            if not key:
                continue
            name = overrides.get(key)
            if name is None:
                name = spec.field_for(cell)
                if name in overridden:
                    continue
            if name is None:
                match.unmatched += 1
                continue
            if name in match.columns:
                match.duplicates.append((name, str(cell).strip()))
                continue
            match.columns[name] = position
            match.headers[name] = str(cell).strip()
        if match.score and (best is None or match.score > best.score):
            best = match
    return best


def _overrides(spec: TableSpec, mapping: Mapping[str, str] | None) -> dict[str, str]:
    if not mapping:
        return {}
    unknown = sorted(set(mapping) - set(spec.names))
    if unknown:
        raise TabularError(
            f"映射中有未知字段：{'、'.join(unknown)}",
            f"Unknown fields in mapping: {', '.join(unknown)}",
        )
    return {normalise_header(header): name for name, header in mapping.items()}


def _complete(
    spec: TableSpec,
    mapping: Mapping[str, str] | None,
    match: HeaderMatch | None,
    sheet: str | None,
) -> HeaderMatch:
    """The header match, once every required and mapped column is known to be there."""
    found = match.columns if match else {}
    mapping = mapping or {}
    missing = [
        f"{mapping.get(c.name, c.label)}（{c.name}）"
        for c in spec.columns
        if c.name not in found and (c.required or c.name in mapping)
    ]
    for group in spec.require_any:
        if not any(name in found for name in group):
            labels = "/".join(spec.column(name).label for name in group)
            missing.append(f"{labels}（{'/'.join(group)}）")
    if match is None and not missing:
        missing = [f"{c.label}（{c.name}）" for c in spec.columns]
    if missing or match is None:
        raise MissingColumns(missing, sheet=sheet)
    return match


def _classify(row: Row, header: Row, key: int) -> SkipReason | None:
    """Why a data row is skipped, judged from its first non-empty cell."""
    first = None
    for position, cell in enumerate(row):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        first = (position, cell)
        break
    if first is None:
        return SkipReason.EMPTY
    position, cell = first
    if (
        isinstance(cell, str)
        and position < 3
        and cell.lstrip()[:1] in _TOTAL_START
        and _TOTAL.match(normalise_header(cell))
    ):
        return SkipReason.TOTAL
    if key < len(row) and key < len(header) and row[key] == header[key]:
        return SkipReason.HEADER
    return None


def _build(
    rows: list[Row], spec: TableSpec, match: HeaderMatch, sheet: str | None, fmt: FileFormat
) -> Table:
    header = rows[match.index]
    key = min(match.columns.values())
    kept: list[int] = []
    skipped: list[SkippedRow] = []
    totals: list[int] = []
    for index in range(match.index + 1, len(rows)):
        reason = _classify(rows[index], header, key)
        if reason is None:
            kept.append(index)
        elif reason is SkipReason.TOTAL:
            totals.append(index)
        else:
            skipped.append(SkippedRow(index + 1, reason))
    findings = [
        info(
            "tabular.duplicate_column",
            f"列「{text}」重复，已使用第一列「{match.headers[name]}」",
            f"Column '{text}' is repeated; the first one, '{match.headers[name]}', is used",
            field=name,
            values={"column": text, "sheet": sheet},
        )
        for name, text in match.duplicates
    ]
    order = [c for c in spec.columns if c.name in match.columns]
    frame = _frame(rows, kept, order, match)
    frame, sums = _drop_sum_rows(frame, order)
    totals_frame = _frame(rows, totals, order, match)
    for record in totals_frame.iter_rows(named=True):
        row = record.pop(_ROW)
        skipped.append(SkippedRow(row, SkipReason.TOTAL, record))
    for record in sums.iter_rows(named=True):
        row = record.pop(_ROW)
        skipped.append(SkippedRow(row, SkipReason.TOTAL, record))
    for column in order:
        frame, found = _check_column(frame, column, match, sheet)
        findings.extend(found)
    findings.sort(key=lambda f: (int(f.values.get("row") or 0), f.field or ""))
    skipped.sort(key=lambda s: s.row)
    return Table(
        frame=frame.drop(_ROW),
        source_rows=frame.get_column(_ROW).to_list(),
        findings=findings,
        sheet=sheet,
        header_row=match.index + 1,
        skipped_rows=skipped,
        headers={c.name: match.headers[c.name] for c in order},
        format=fmt,
        title=tuple(
            text
            for row in rows[: match.index]
            for text in (cell_text(cell) for cell in row)
            if text and text.strip()
        ),
    )


def _frame(
    rows: list[Row], indices: list[int], order: list[ColumnSpec], match: HeaderMatch
) -> pl.DataFrame:
    """The text of the chosen rows and columns: stripped, NFKC for non-text fields, placeholders
    as null."""
    positions = [match.columns[column.name] for column in order]
    selected = [rows[i] for i in indices]
    width = max(positions, default=-1) + 1
    if any(len(row) < width for row in selected):
        selected = [[*row, *[None] * (width - len(row))] for row in selected]
    if not selected:
        cells: list[tuple[Cell, ...]] = [()] * len(order)
    elif len(positions) == 1:
        cells = [tuple(row[positions[0]] for row in selected)]
    else:
        cells = list(zip(*map(itemgetter(*positions), selected), strict=True))
    data: dict[str, pl.Series] = {}
    for column, values in zip(order, cells, strict=True):
        data[column.name] = _texts(column, values)
    frame = pl.DataFrame(
        [pl.Series(_ROW, [i + 1 for i in indices], dtype=pl.Int64), *data.values()]
    )
    placeholders = list(PLACEHOLDERS)
    expressions = []
    for column in order:
        expr = pl.col(column.name)
        if column.kind is not FieldKind.TEXT:
            expr = expr.str.normalize("NFKC")
        expr = expr.str.strip_chars()
        expressions.append(
            pl.when(expr.is_in(placeholders)).then(None).otherwise(expr).alias(column.name)
        )
    return frame.with_columns(expressions) if expressions else frame


def _texts(column: ColumnSpec, values: Sequence[Cell]) -> pl.Series:
    """One column's cells as text; a column of plain floats is converted by polars, whose
    shortest round-trip text is Python's ``repr``."""
    if not column.is_identifier and values and all(type(v) is float for v in values):
        series = pl.Series(column.name, values, dtype=pl.Float64).cast(pl.Utf8)
        if not series.str.contains("[eEnN]").any():
            return series.str.strip_suffix(".0")
    text = identifier_text if column.is_identifier else cell_text
    return pl.Series(column.name, [v if type(v) is str else text(v) for v in values], dtype=pl.Utf8)


def _drop_sum_rows(
    frame: pl.DataFrame, order: list[ColumnSpec]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split off rows that hold only sums: no identifier or text, at least one amount."""
    identifiers = [c.name for c in order if c.is_identifier]
    amounts = [c.name for c in order if c.kind is FieldKind.AMOUNT]
    if not identifiers or not amounts:
        return frame, frame.clear()
    others = [c.name for c in order if c.kind not in (FieldKind.AMOUNT, FieldKind.NUMBER)]
    is_sum = pl.all_horizontal(pl.col(others).is_null()) & pl.any_horizontal(
        pl.col(amounts).is_not_null()
    )
    return frame.filter(~is_sum), frame.filter(is_sum)


def _check_column(
    frame: pl.DataFrame, column: ColumnSpec, match: HeaderMatch, sheet: str | None
) -> tuple[pl.DataFrame, list[Finding]]:
    """Repair identifiers and report unreadable amounts and dates in one column."""
    name = column.name
    header = match.headers[name]
    value = pl.col(name)
    if column.is_identifier:
        suspicious = ~value.str.contains(_CLEAN_IDENTIFIER)
        if column.lengths:
            suspicious = suspicious | (
                value.str.contains(r"^\d+$") & ~value.str.len_chars().is_in(sorted(column.lengths))
            )
    elif column.kind is FieldKind.AMOUNT:
        suspicious = ~value.str.contains(_PLAIN_DECIMAL)
    elif column.kind is FieldKind.DATE:
        suspicious = ~value.str.contains(_ISO_DATE)
    else:
        return frame, []
    candidates = frame.with_row_index("__i__").filter(value.is_not_null() & suspicious)
    if candidates.is_empty():
        return frame, []
    findings: list[Finding] = []
    indices: list[int] = []
    repaired: list[str | None] = []
    for index, row, text in candidates.select("__i__", _ROW, name).iter_rows():
        if column.is_identifier:
            new, found = repair_identifier(text, column=column, row=row, header=header, sheet=sheet)
            findings.extend(found)
            if new != text:
                indices.append(index)
                repaired.append(new)
        elif not _readable(text, column.kind):
            findings.append(_unreadable(text, column, row, header, sheet))
    if indices:
        series = frame.get_column(name).clone()
        series.scatter(indices, pl.Series(repaired, dtype=pl.Utf8))
        frame = frame.with_columns(series)
    return frame, findings


def _readable(text: str, kind: FieldKind) -> bool:
    try:
        if kind is FieldKind.AMOUNT:
            parse_decimal(text)
        else:
            parse_date(text)
    except FapiaoError:
        return False
    return True


def _unreadable(text: str, column: ColumnSpec, row: int, header: str, sheet: str | None) -> Finding:
    what, what_en = ("金额", "amount") if column.kind is FieldKind.AMOUNT else ("日期", "date")
    return error(
        f"tabular.invalid_{what_en}",
        f"第 {row} 行「{header}」的值 {text} 不是有效的{what}",
        f"Row {row}, column '{header}': {text} is not a valid {what_en}",
        field=column.name,
        values={"row": row, "column": header, "value": text, "sheet": sheet},
    )
