"""Write a synthetic ledger and 全量发票查询 export with ground truth (reconciliation generator).

The generator lives in ``fapiao.core.reconciliation.synthetic`` (the tests and
``bench/reconcile.py`` share it); this script writes its output as files in the real layouts:

    .venv/bin/python bench/gen_reconcile.py --rows 20000 --rate 0.03 --out var/reconcile
    .venv/bin/fapiao reconcile --ledger var/reconcile/ledger.csv \
        --tax var/reconcile/取得发票.xlsx --as-of 2025-06-30

Files: ``ledger.csv`` (台账, Chinese headers), ``取得发票.xlsx`` (sheet 发票基础信息, identifiers as
text; ``取得发票.csv`` instead with ``--csv``), ``truth.csv`` (expected category per row).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl
import xlsxwriter

from fapiao.core.reconciliation.synthetic import export_layout, generate, ledger_layout


def write_export_xlsx(frame: pl.DataFrame, path: Path) -> None:
    """The export as the tax bureau's workbook: header, rows, and the 合计行 total row."""
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("发票基础信息")
    sheet.write_row(0, 0, frame.columns)
    money = {frame.columns.index(c) for c in ("金额", "税额", "价税合计")}
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if c in money and value not in (None, ""):
                sheet.write_number(r, c, float(value))  # the bureau writes numbers here
            else:
                sheet.write_string(r, c, "" if value is None else str(value))
    sheet.write_string(frame.height + 1, 0, "合计行")
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=0.03)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("var/reconcile"))
    parser.add_argument("--csv", action="store_true", help="write the export as CSV, not XLSX")
    args = parser.parse_args()
    syn = generate(args.rows, rate=args.rate, seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    ledger_layout(syn.ledger).write_csv(args.out / "ledger.csv")
    export = export_layout(syn.export)
    if args.csv:
        export.write_csv(args.out / "取得发票.csv")
    else:
        write_export_xlsx(export, args.out / "取得发票.xlsx")
    syn.truth.write_csv(args.out / "truth.csv")
    print(f"ledger {syn.ledger.height} rows, export {syn.export.height} rows -> {args.out}")


if __name__ == "__main__":
    main()
