"""The tax bureau's exports (税务局导出) and companies' ledgers (台账), read into frames.

全量发票查询 export (电子税务局 › 发票查询统计 › 全量发票查询 › 导出): one workbook per direction
(取得发票 = purchases, 开具发票 = sales) with sheet ``发票基础信息`` (one row per invoice, last row
合计行) and ``信息汇总表`` (one row per line item; ``信息汇总表1``, ``信息汇总表2`` … when split).
Extra sheets per special business (机动车, 建筑, 不动产租赁, 旅客运输, 货物运输, 铁路电子客票) are
listed and not read; the passenger sheets hold personal ID numbers and are flagged.  The 抵扣勾选
export is recognised by its own columns (是否勾选, 有效抵扣税额).  Sheets are told apart by their
header content, the sheet name only breaking ties.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import polars as pl

from fapiao.core.errors import FapiaoError
from fapiao.core.findings import Finding, error, info, warning
from fapiao.core.invoice import Direction
from fapiao.core.parsing.base import FileFormat
from fapiao.core.tabular.reader import HEADER_SCAN_ROWS, find_header, read_sheet
from fapiao.core.tabular.schema import SkipReason, Table
from fapiao.core.tabular.sources import Workbook, open_workbook
from fapiao.core.tabular.specs import (
    DEDUCTION_EXPORT,
    LEDGER,
    TAX_EXPORT_INVOICES,
    TAX_EXPORT_LINES,
)
from fapiao.core.tabular.values import parse_decimal

INVOICE_SHEET = "发票基础信息"
LINE_SHEET = "信息汇总表"
SPECIAL_SHEETS = ("机动车", "建筑", "不动产", "旅客运输", "货物运输", "铁路", "客票", "航空")
PERSONAL_SHEETS = ("旅客运输", "铁路", "客票", "航空", "旅客")
PERSONAL_HEADERS = ("身份证", "证件号码", "证件号", "出行人", "乘车人", "乘机人", "旅客姓名")
_LINE_FIELDS = frozenset(
    {"tax_code", "item_name", "specification", "unit", "quantity", "unit_price", "tax_rate"}
)
_DEDUCTION_FIELDS = frozenset({"is_selected", "deductible_tax_amount", "selected_at"})
_AMOUNTS = ("net_amount", "tax_amount", "gross_amount")


class ExportKind(StrEnum):
    """Which export a workbook is."""

    RECEIVED = "received"  # 全量发票查询 · 取得发票 (进项, purchases)
    ISSUED = "issued"  # 全量发票查询 · 开具发票 (销项, sales)
    UNKNOWN = "unknown"  # 全量发票查询, direction not stated in file name or titles
    DEDUCTION = "deduction"  # 抵扣勾选

    @property
    def direction(self) -> Direction | None:
        """进项 or 销项, where the export says."""
        if self in (ExportKind.RECEIVED, ExportKind.DEDUCTION):
            return Direction.PURCHASE
        if self is ExportKind.ISSUED:
            return Direction.SALES
        return None


class SheetRole(StrEnum):
    """What a sheet of an export holds."""

    INVOICES = "invoices"
    LINES = "lines"
    EXTRA = "extra"  # a special-business sheet, listed and not read


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """One sheet of an export: its name, its role, and whether it holds personal data."""

    name: str
    role: SheetRole
    has_personal_data: bool = False


@dataclass(frozen=True, slots=True)
class TaxExport:
    """A tax-bureau export read: invoice rows, line rows, the kind of export, and findings."""

    kind: ExportKind
    invoice_tables: list[Table]
    line_tables: list[Table]
    sheets: list[SheetInfo]
    findings: list[Finding] = field(default_factory=list)
    format: FileFormat = FileFormat.UNKNOWN

    @property
    def invoices(self) -> pl.DataFrame:
        """One row per invoice, total rows dropped, with ``source_sheet`` and ``source_row``."""
        return _concat(self.invoice_tables)

    @property
    def lines(self) -> pl.DataFrame:
        """One row per line item, with ``source_sheet`` and ``source_row``."""
        return _concat(self.line_tables)

    @property
    def direction(self) -> Direction | None:
        """进项 or 销项, where the export says."""
        return self.kind.direction


def read_tax_export(source: Path | bytes, *, filename: str | None = None) -> TaxExport:
    """Read a 全量发票查询 or 抵扣勾选 export (XLSX, XLS or CSV)."""
    book = open_workbook(source, filename=filename)
    name = filename or (source.name if isinstance(source, Path) else "")
    headers = {sheet: _header_fields(book, sheet) for sheet in book.sheet_names}
    deduction = [s for s in book.sheet_names if headers[s] & _DEDUCTION_FIELDS]
    if deduction:
        table = read_sheet(book, spec=DEDUCTION_EXPORT, sheet=deduction[0])
        sheets = [
            SheetInfo(s, SheetRole.INVOICES if s == deduction[0] else SheetRole.EXTRA)
            for s in book.sheet_names
        ]
        found = [*table.findings, *_total_mismatch(table), *_sheet_findings(sheets)]
        return TaxExport(ExportKind.DEDUCTION, [table], [], sheets, found, book.format)
    roles = _roles(book, headers)
    invoice_sheets = [s for s, role in roles.items() if role is SheetRole.INVOICES]
    findings: list[Finding] = []
    if not invoice_sheets and SheetRole.LINES in roles.values():
        findings.append(
            warning(
                "tabular.invoice_sheet_missing",
                f"找不到「{INVOICE_SHEET}」工作表，只读取了明细",
                f"No '{INVOICE_SHEET}' sheet was found; only line items were read",
            )
        )
    elif not invoice_sheets:
        invoice_sheets = [next(iter(roles))]  # read it to raise MissingColumns naming the columns
    invoice_tables = [read_sheet(book, spec=TAX_EXPORT_INVOICES, sheet=s) for s in invoice_sheets]
    line_tables = [
        read_sheet(book, spec=TAX_EXPORT_LINES, sheet=s)
        for s, role in roles.items()
        if role is SheetRole.LINES
    ]
    sheets = [
        SheetInfo(s, role, role is SheetRole.EXTRA and _is_personal(book, s))
        for s, role in roles.items()
    ]
    for table in (*invoice_tables, *line_tables):
        findings.extend(table.findings)
        findings.extend(_total_mismatch(table))
    findings.extend(_sheet_findings(sheets))
    titles = [name, *book.sheet_names, *(t for table in invoice_tables for t in table.title)]
    return TaxExport(_kind(titles), invoice_tables, line_tables, sheets, findings, book.format)


def read_ledger(
    source: Path | bytes,
    mapping: Mapping[str, str] | None = None,
    *,
    sheet: str | None = None,
    filename: str | None = None,
) -> Table:
    """Read a company's invoice ledger (发票台账), with an optional explicit column mapping."""
    book = open_workbook(source, filename=filename)
    return read_sheet(book, spec=LEDGER, mapping=mapping, sheet=sheet)


def _header_fields(book: Workbook, sheet: str) -> frozenset[str]:
    """The canonical fields a sheet's header names, across the export specs."""
    found: set[str] = set()
    head = book.head(sheet, HEADER_SCAN_ROWS)
    for spec in (TAX_EXPORT_LINES, DEDUCTION_EXPORT):
        match = find_header(head, spec, {})
        if match:
            found |= set(match.columns)
    return frozenset(found)


def _roles(book: Workbook, headers: Mapping[str, frozenset[str]]) -> dict[str, SheetRole]:
    """Lines: a header naming line fields.  Invoices: the other sheets with the invoice columns,
    ``发票基础信息`` first; special-business sheets are extra."""
    required = {c.name for c in TAX_EXPORT_INVOICES.columns if c.required}
    roles: dict[str, SheetRole] = {}
    for sheet in book.sheet_names:
        fields = headers[sheet]
        special = any(word in sheet for word in SPECIAL_SHEETS)
        if sheet.startswith(LINE_SHEET) or (not special and len(fields & _LINE_FIELDS) >= 2):
            roles[sheet] = SheetRole.LINES
        elif sheet.startswith(INVOICE_SHEET) or (not special and required <= fields):
            roles[sheet] = SheetRole.INVOICES
        else:
            roles[sheet] = SheetRole.EXTRA
    named = [s for s, r in roles.items() if r is SheetRole.INVOICES and s.startswith(INVOICE_SHEET)]
    if named:
        for sheet, role in roles.items():
            if role is SheetRole.INVOICES and sheet not in named:
                roles[sheet] = SheetRole.EXTRA
    return roles


def _is_personal(book: Workbook, sheet: str) -> bool:
    if any(word in sheet for word in PERSONAL_SHEETS):
        return True
    head = book.head(sheet, HEADER_SCAN_ROWS)
    return any(
        isinstance(cell, str) and any(word in cell for word in PERSONAL_HEADERS)
        for row in head
        for cell in row
    )


def _kind(titles: Sequence[str]) -> ExportKind:
    text = " ".join(titles)
    received = "取得" in text or "进项" in text
    issued = "开具" in text or "销项" in text
    if received and not issued:
        return ExportKind.RECEIVED
    if issued and not received:
        return ExportKind.ISSUED
    return ExportKind.UNKNOWN


def _sheet_findings(sheets: Sequence[SheetInfo]) -> list[Finding]:
    findings: list[Finding] = []
    for sheet in sheets:
        if sheet.role is not SheetRole.EXTRA:
            continue
        if sheet.has_personal_data:
            findings.append(
                warning(
                    "tabular.personal_data_sheet",
                    f"工作表「{sheet.name}」含个人身份信息（旅客证件号码等），未读取，请妥善保管原文件",
                    f"Sheet '{sheet.name}' holds personal data (passenger ID numbers); it was not "
                    "read: keep the original file safe",
                    values={"sheet": sheet.name},
                )
            )
        else:
            findings.append(
                info(
                    "tabular.extra_sheet",
                    f"工作表「{sheet.name}」（特定业务信息）未读取",
                    f"Sheet '{sheet.name}' (special-business details) was not read",
                    values={"sheet": sheet.name},
                )
            )
    return findings


def _total_mismatch(table: Table) -> list[Finding]:
    """The 合计行 against the sum of the rows: a difference means rows are missing or extra."""
    totals = [s for s in table.skipped_rows if s.reason is SkipReason.TOTAL and s.values]
    if not totals:
        return []
    total = totals[-1]
    findings: list[Finding] = []
    for name in _AMOUNTS:
        stated = _decimal(total.values.get(name))
        if stated is None or name not in table.frame.columns:
            continue
        summed = sum(
            (_decimal(v) or Decimal(0) for v in table.frame.get_column(name).to_list()), Decimal(0)
        )
        if summed != stated:
            header = table.headers[name]
            findings.append(
                error(
                    "tabular.total_mismatch",
                    f"工作表「{table.sheet}」第 {total.row} 行合计「{header}」为 {stated}，"
                    f"但各行之和为 {summed}：文件可能不完整",
                    f"Sheet '{table.sheet}', row {total.row}: the total of '{header}' is {stated} "
                    f"but the rows add up to {summed}; the file may be incomplete",
                    field=name,
                    values={
                        "row": total.row,
                        "sheet": table.sheet,
                        "stated": stated,
                        "summed": summed,
                    },
                )
            )
    return findings


def _decimal(text: str | None) -> Decimal | None:
    try:
        return parse_decimal(text)
    except FapiaoError:
        return None


def _concat(tables: Sequence[Table]) -> pl.DataFrame:
    frames = [
        table.frame.with_columns(
            pl.lit(table.sheet, dtype=pl.Utf8).alias("source_sheet"),
            pl.Series("source_row", table.source_rows, dtype=pl.Int64),
        )
        for table in tables
    ]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal")
