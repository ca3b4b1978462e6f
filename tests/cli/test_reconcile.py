"""``fapiao reconcile``: summary, JSON lines, Excel report, one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import xlsxwriter
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.core.reconciliation.synthetic import export_layout, generate, ledger_layout

runner = CliRunner()


def _xlsx(frame: pl.DataFrame, path: Path, sheet: str) -> Path:
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet(sheet)
    ws.write_row(0, 0, frame.columns)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            ws.write_string(r, c, "" if value is None else str(value))
    book.close()
    return path


SYN = generate(400, rate=0.1, seed=5)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    syn = SYN
    export = _xlsx(export_layout(syn.export), tmp_path / "取得发票.xlsx", "发票基础信息")
    ledger = tmp_path / "ledger.csv"
    ledger_layout(syn.ledger).write_csv(ledger)
    return ledger, export


def test_json_lines_one_per_result(tmp_path: Path) -> None:
    ledger, export = _files(tmp_path)
    result = runner.invoke(
        app, ["reconcile", "--ledger", str(ledger), "--tax", str(export), "--as-of", "2025-06-30",
              "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert {"category", "ledger", "tax", "differences", "suggestion", "suggestion_en",
            "confidence"} <= set(lines[0])  # fmt: skip
    categories = {line["category"] for line in lines}
    assert {"MATCHED", "NUMBER_TYPO", "MISSING_IN_LEDGER", "NOT_YET_SYNCED"} <= categories
    # Excel-damaged keys (scientific notation, lost zeros) that the file reader flags are still
    # matched and corrected: every injected typo comes out as in the ground truth
    by_category = {c: sum(1 for line in lines if line["category"] == c) for c in categories}
    truth = SYN.truth.filter(pl.col("side") == "ledger")["category"].value_counts()
    assert by_category["NUMBER_TYPO"] == dict(truth.iter_rows())["NUMBER_TYPO"]
    assert any("E+" in (line["ledger"]["digital_number"] or "") for line in lines if line["ledger"])
    typo = next(line for line in lines if line["category"] == "NUMBER_TYPO")
    assert typo["differences"][0]["field"] == "invoice_key"
    assert typo["differences"][0]["tax"] in typo["suggestion"]
    # the company was inferred from the 取得发票 export: unbooked purchases lose their deduction
    missing = next(line for line in lines if line["category"] == "MISSING_IN_LEDGER")
    assert "抵扣" in missing["suggestion"]


def test_summary_and_excel_report(tmp_path: Path) -> None:
    ledger, export = _files(tmp_path)
    out = tmp_path / "report.xlsx"
    result = runner.invoke(
        app, ["reconcile", "--ledger", str(ledger), "--tax", str(export), "--tax", str(export),
              "--as-of", "2025-06-30", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "NUMBER_TYPO" in result.output
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names[0] == "汇总"
    assert {"号码录入错误", "按录入人", "按批次", "按周", "按销方", "按类别"} <= set(
        book.sheet_names
    )
    rows = book.get_sheet_by_name("号码录入错误").to_python()
    header = rows[0]
    digital = header.index("税务·数电发票号码")
    assert all(isinstance(r[digital], str) for r in rows[1:])  # identifiers stay text
    summary = {r[0]: r[3] for r in book.get_sheet_by_name("汇总").to_python()[1:14]}
    assert summary["MISSING_IN_LEDGER"] > 0  # overlapping exports counted once
    assert summary["DUPLICATE_IN_LEDGER"] > 0


def test_missing_columns_named_with_exit_2(tmp_path: Path) -> None:
    _, export = _files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,备注\n2025-01-01,x\n", encoding="utf-8")
    result = runner.invoke(app, ["reconcile", "--ledger", str(bad), "--tax", str(export)])
    assert result.exit_code == 2
    assert "发票号码" in result.output or "number" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_usage_exit_2(tmp_path: Path) -> None:
    ledger, export = _files(tmp_path)
    base = ["reconcile", "--ledger", str(ledger), "--tax", str(export)]
    assert runner.invoke(app, [*base, "--as-of", "yesterday"]).exit_code == 2
    assert runner.invoke(app, [*base, "--period-start", "2025-04-01"]).exit_code == 2
    assert runner.invoke(app, [*base, "--json", "--out", "x.xlsx"]).exit_code == 2
    missing = runner.invoke(app, ["reconcile", "--ledger", "nope.csv", "--tax", str(export)])
    assert missing.exit_code == 2
    assert "nope.csv" in missing.output


def test_ledger_columns_map_unusual_headers(tmp_path: Path) -> None:
    _, export = _files(tmp_path)
    normal = (pl.col("digital_number") != "--") & (pl.col("status") == "正常")
    row = SYN.export.filter(normal & (pl.col("is_positive") == "是")).row(0, named=True)
    ledger = tmp_path / "odd.csv"
    ledger.write_text(
        "票据号,销售方税号,含税金额,日期\n"
        f"{row['digital_number']},{row['seller_tax_id']},{row['gross_amount']},"
        f"{row['issue_date'][:10]}\n",
        encoding="utf-8",
    )
    mapping = "digital_number=票据号,seller_tax_id=销售方税号,gross_amount=含税金额,issue_date=日期"
    result = runner.invoke(
        app, ["reconcile", "--ledger", str(ledger), "--tax", str(export), "--as-of", "2025-06-30",
              "--ledger-columns", mapping, "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    first = json.loads(result.output.splitlines()[0])
    assert first["category"] == "MATCHED"
    assert first["ledger"]["digital_number"] == row["digital_number"]
    bad = runner.invoke(
        app, ["reconcile", "--ledger", str(ledger), "--tax", str(export),
              "--ledger-columns", "票据号"],
    )  # fmt: skip
    assert bad.exit_code == 2
