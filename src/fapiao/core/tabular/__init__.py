"""Tabular reading (表格读取) shared by ingestion and reconciliation: CSV, XLSX and XLS into
polars frames of text with canonical column names, per-cell findings and skipped rows."""

from fapiao.core.tabular.export import (
    ExportKind,
    SheetInfo,
    SheetRole,
    TaxExport,
    read_ledger,
    read_tax_export,
)
from fapiao.core.tabular.reader import read_sheet, read_table
from fapiao.core.tabular.schema import (
    ColumnSpec,
    FieldKind,
    SkippedRow,
    SkipReason,
    Table,
    TableSpec,
)
from fapiao.core.tabular.sources import Workbook, open_workbook, sniff
from fapiao.core.tabular.values import parse_date, parse_decimal

__all__ = [
    "ColumnSpec",
    "ExportKind",
    "FieldKind",
    "SheetInfo",
    "SheetRole",
    "SkipReason",
    "SkippedRow",
    "Table",
    "TableSpec",
    "TaxExport",
    "Workbook",
    "open_workbook",
    "parse_date",
    "parse_decimal",
    "read_ledger",
    "read_sheet",
    "read_table",
    "read_tax_export",
    "sniff",
]
