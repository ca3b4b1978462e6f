"""Reading a 100k-row export stays fast (slow: writing the workbook takes longer than reading)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import xlsxwriter
from tabular_helpers import INVOICE_HEADER, invoice_row

from fapiao.core.tabular import read_tax_export

ROWS = 100_000


@pytest.mark.slow
def test_100k_row_export_reads_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "全量发票查询导出-取得发票.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("发票基础信息")
    sheet.write_row(0, 0, INVOICE_HEADER)
    for i in range(ROWS):
        row = invoice_row(i + 1, f"0{370021001 + i % 997:011d}", f"{i:08d}", 100 + i % 997 / 100, 3)
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(i + 1, c, value)
            else:
                sheet.write_number(i + 1, c, value)
    book.close()

    started = time.perf_counter()
    export = read_tax_export(path)
    elapsed = time.perf_counter() - started

    assert export.invoices.height == ROWS
    assert export.findings == []
    assert export.invoices.get_column("number")[-1] == f"{ROWS - 1:08d}"
    assert export.invoices.get_column("code")[0] == "000370021001"
    assert elapsed < 10, f"reading {ROWS} rows took {elapsed:.2f}s"
