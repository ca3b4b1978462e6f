"""The reconciliation report as an Excel workbook (对账报告) a finance manager can open.

Sheets: 汇总 (counts by category, the period and the as-of date), one sheet per category
present, and the localisation tables (按录入人, 按批次, 按周, 按销方, 按类别).  Identifiers
(发票代码, 发票号码, 税号) are written as text cells: Excel keeps leading zeros and 20 digits.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import polars as pl
import xlsxwriter

from fapiao.core.reconciliation.categories import ACTIONS, Category
from fapiao.core.reconciliation.result import Reconciliation

EXCEL_MAX_ROWS = 1_048_575
_SIDE_COLUMNS = (
    ("code", "发票代码"),
    ("number", "发票号码"),
    ("digital_number", "数电发票号码"),
    ("seller_tax_id", "销方识别号"),
    ("seller_name", "销方名称"),
    ("buyer_tax_id", "购方识别号"),
    ("buyer_name", "购买方名称"),
    ("issue_date", "开票日期"),
    ("net_amount", "金额"),
    ("tax_amount", "税额"),
    ("gross_amount", "价税合计"),
)
_FLAGS = (
    ("net_delta", "金额"),
    ("tax_delta", "税额"),
    ("gross_delta", "价税合计"),
    ("date_differs", "开票日期"),
    ("buyer_differs", "购方识别号"),
    ("seller_differs", "销方识别号"),
    ("key_differs", "发票号码"),
)
_EXTRA_HEADERS = {"operator": "录入人", "batch": "批次", "voucher": "凭证号"}
LOCALISATION_SHEETS = {
    "operator": "按录入人",
    "batch": "按批次",
    "week": "按周",
    "seller": "按销方",
    "category": "按类别",
}


def _flag(column: str) -> pl.Expr:
    if column.endswith("differs"):
        return pl.col(column).fill_null(False)
    return (pl.col(column) != 0).fill_null(False)


def detail_frame(rec: Reconciliation, results: pl.DataFrame | None = None) -> pl.DataFrame:
    """Results side by side with their ledger and export rows, Chinese headers, all text."""
    results = rec.results if results is None else results
    ledger_extra = [c for c in ("operator", "batch", "voucher") if c in rec.ledger.columns]
    ledger = rec.ledger.select(
        pl.col("_l").alias("ledger_row"),
        *[pl.col(c).alias(f"台账·{h}") for c, h in _SIDE_COLUMNS],
        *[pl.col(c).alias(_EXTRA_HEADERS[c]) for c in ledger_extra],
    )
    tax = rec.tax.select(
        pl.col("_t").alias("tax_row"),
        *[pl.col(c).alias(f"税务·{h}") for c, h in _SIDE_COLUMNS],
        pl.col("status").alias("税务·发票状态"),
    )
    differs = pl.concat_str(
        [pl.when(_flag(c)).then(pl.lit(label)) for c, label in _FLAGS],
        separator="、",
        ignore_nulls=True,
    )
    labels = {c.value: c.label for c in Category}
    return (
        results.join(ledger, on="ledger_row", how="left", maintain_order="left")
        .join(tax, on="tax_row", how="left", maintain_order="left")
        .select(
            pl.col("category").cast(pl.Utf8).alias("类别代码"),
            pl.col("category").cast(pl.Utf8).replace_strict(labels, default=None).alias("类别"),
            pl.col("suggestion").fill_null(ACTIONS["none"][0]).alias("处理建议"),
            pl.col("suggestion_en").fill_null(ACTIONS["none"][1]).alias("Suggestion"),
            pl.col("corrected_key").alias("应为号码"),
            differs.alias("差异字段"),
            pl.col("confidence").alias("置信度"),
            (pl.col("ledger_row") + 1).cast(pl.Utf8).alias("台账行"),
            *[pl.col(c) for c in ledger.columns[1:]],
            *[pl.col(c) for c in tax.columns[1:]],
        )
    )


def _write(sheet: Any, frame: pl.DataFrame, header: Any, text: Any) -> None:
    sheet.write_row(0, 0, frame.columns, header)
    numeric = {i for i, dtype in enumerate(frame.dtypes) if dtype.is_numeric()}
    for r, row in enumerate(frame.iter_rows(), start=1):
        if r > EXCEL_MAX_ROWS:
            break
        for c, value in enumerate(row):
            if value is None:
                continue
            if c in numeric:
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value), text)
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, max(len(frame.columns) - 1, 0), 16)


def write_workbook(rec: Reconciliation, target: Path | IO[bytes]) -> None:
    """Write the report to ``target`` (a path or a binary file object)."""
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    text = book.add_format({"num_format": "@"})
    summary = rec.summary().select(
        pl.col("category").alias("类别代码"),
        pl.col("label").alias("类别"),
        pl.col("label_en").alias("Category"),
        pl.col("count").alias("数量"),
    )
    sheet = book.add_worksheet("汇总")
    _write(sheet, summary, header, text)
    row = summary.height + 2
    period = f"{rec.period[0]} 至 {rec.period[1]}" if rec.period else "—"
    for label, value in (
        ("对账基准日 As of", str(rec.as_of)),
        ("导出期间 Period", period),
        ("同步期（天）Sync days", str(rec.sync_days)),
        ("本公司税号 Company", rec.company_tax_id or "—"),
    ):
        sheet.write_string(row, 0, label, header)
        sheet.write_string(row, 1, value, text)
        row += 1
    present = set(rec.results["category"].unique().to_list())
    for category in Category:
        if category.value not in present:
            continue
        rows = rec.results.filter(pl.col("category") == category.value)
        _write(book.add_worksheet(category.label[:31]), detail_frame(rec, rows), header, text)
    for dimension, table in rec.localisation().items():
        _write(book.add_worksheet(LOCALISATION_SHEETS[dimension]), table, header, text)
    book.close()
