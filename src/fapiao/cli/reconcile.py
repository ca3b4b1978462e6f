"""``fapiao reconcile``: reconcile a ledger (台账) against tax-bureau exports (全量发票查询导出).

Prints a summary by category (Rich), or one JSON object per result (``--json``), or writes an
Excel report (``--out report.xlsx``).  Exit codes: 0 done, 2 bad usage or an unreadable file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.table import Table

from fapiao.cli.common import EXIT_OK, console, fail, fail_with
from fapiao.config import int_setting
from fapiao.core.errors import FapiaoError
from fapiao.core.reconciliation import Reconciliation, reconcile


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(
            f"{option} 不是有效日期（YYYY-MM-DD）：{text}",
            f"{option} is not a date (YYYY-MM-DD): {text}",
        )


def _mapping(text: str | None) -> dict[str, str] | None:
    """``number=票号,gross_amount=含税金额``: canonical field = header in the ledger file."""
    if not text:
        return None
    pairs = {}
    for item in text.replace("，", ",").split(","):
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            fail(
                f"--ledger-columns 格式应为 字段=列名,…：{item!r}",
                f"--ledger-columns must be field=header,…: {item!r}",
            )
        pairs[field.strip()] = header.strip()
    return pairs


_DAMAGE = frozenset(
    {
        "tabular.scientific_notation",
        "tabular.leading_zeros_restored",
        "tabular.leading_zeros_lost",
        "tabular.trailing_zero_decimal",
    }
)
"""Reader findings whose identifier the reconciliation should see as keyed, to propose the fix."""


def _as_keyed(table: Any) -> pl.DataFrame:
    """The ledger frame with Excel-damaged identifiers put back as they were keyed in.

    The tabular reader repairs what it safely can and blanks what it cannot; reconciliation
    instead matches the damaged text against the export and names the corrected number.
    """
    frame: pl.DataFrame = table.frame
    index = {row: i for i, row in enumerate(table.source_rows)}
    for finding in table.findings:
        column, values = finding.field, finding.values
        if finding.code not in _DAMAGE or column not in ("code", "number", "digital_number"):
            continue
        if column not in frame.columns or values.get("row") not in index:
            continue
        frame[index[values["row"]], column] = str(values["value"])
    return frame


def _read(
    ledger: Path, taxes: list[Path], mapping: dict[str, str] | None
) -> tuple[pl.DataFrame, list[pl.DataFrame], str | None]:
    from fapiao.core.tabular.export import read_ledger, read_tax_export

    for path in (ledger, *taxes):
        if not path.is_file():
            fail(f"文件不存在：{path}", f"No such file: {path}")
    company: str | None = None
    exports = []
    for path in taxes:
        try:
            export = read_tax_export(path)
        except FapiaoError as exc:
            fail(f"{path.name}：{exc.message}", f"{path.name}: {exc.message_en}")
        frame = export.invoices
        side = {"purchase": "buyer_tax_id", "sales": "seller_tax_id"}.get(
            str(export.direction or ""), ""
        )
        if company is None and side in frame.columns and frame.height:
            company = frame[side].drop_nulls().mode().sort().first()  # type: ignore[assignment]
        exports.append(frame)
    try:
        table = read_ledger(ledger, mapping)
    except FapiaoError as exc:
        fail(f"{ledger.name}：{exc.message}", f"{ledger.name}: {exc.message_en}")
    return _as_keyed(table), exports, company


def _summary(rec: Reconciliation) -> None:
    period = f"{rec.period[0]} 至 {rec.period[1]}" if rec.period else "—"
    table = Table(title=f"对账结果 Reconciliation · 期间 {period} · 基准日 {rec.as_of}")
    table.add_column("类别 Category")
    table.add_column("代码 Code")
    table.add_column("数量 Count", justify="right")
    for row in rec.summary().iter_rows(named=True):
        if row["count"]:
            table.add_row(f"{row['label']} {row['label_en']}", row["category"], str(row["count"]))
    console.print(table)
    problems = rec.problems().height
    pending = int(rec.results["pending"].sum())
    console.print(f"需处理 To act on: {problems} · 待复核 Pending: {pending}")
    by_operator = rec.localisation()["operator"].head(5)
    if problems and by_operator.height:
        top = "、".join(f"{r['operator']} {r['count']}" for r in by_operator.iter_rows(named=True))
        console.print(f"按录入人 By operator: {top}")


def register(app: typer.Typer) -> None:
    """Add the ``reconcile`` command."""

    @app.command("reconcile")
    def reconcile_command(
        ledger: Annotated[Path, typer.Option("--ledger", help="台账文件 CSV/XLSX · the ledger")],
        tax: Annotated[
            list[Path],
            typer.Option("--tax", help="税务局导出文件，可重复 · tax-bureau export (repeatable)"),
        ],
        company_tax_id: Annotated[
            str | None, typer.Option(help="本公司税号 · the company's tax ID")
        ] = None,
        as_of: Annotated[
            str | None, typer.Option(help="对账基准日 YYYY-MM-DD · as-of date (default today)")
        ] = None,
        period_start: Annotated[
            str | None, typer.Option(help="导出期间起 · export period start")
        ] = None,
        period_end: Annotated[
            str | None, typer.Option(help="导出期间止 · export period end")
        ] = None,
        sync_days: Annotated[
            int | None, typer.Option(min=0, help="同步期天数 · days the tax system may lag")
        ] = None,
        ledger_columns: Annotated[
            str | None,
            typer.Option(help="台账列映射 字段=列名,… · ledger column map field=header,…"),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="每条结果一行 JSON · one JSON object per result")
        ] = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="写出 Excel 报告 · write an Excel report")
        ] = None,
    ) -> None:
        """对账：台账与税务局导出逐票核对 · Reconcile the ledger against the tax export."""
        if as_json and out:
            fail("--json 与 --out 只能选一个", "--json and --out are exclusive")
        start, end = _date(period_start, "--period-start"), _date(period_end, "--period-end")
        if (start is None) != (end is None):
            fail(
                "--period-start 与 --period-end 须同时给出",
                "give both --period-start and --period-end",
            )
        if start and end and start > end:
            fail("导出期间起始日晚于结束日", "--period-start is after --period-end")
        ledger_frame, exports, company = _read(ledger, tax, _mapping(ledger_columns))
        try:
            rec = reconcile(
                ledger_frame,
                exports,
                as_of=_date(as_of, "--as-of"),
                period=(start, end) if start and end else None,
                sync_days=int_setting("FAPIAO_SYNC_DAYS", 3) if sync_days is None else sync_days,
                company_tax_id=company_tax_id or company,
            )
        except FapiaoError as exc:
            fail_with(exc)
        if as_json:
            for result in rec.iter_results():
                typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        elif out:
            from fapiao.core.reconciliation.workbook import write_workbook

            try:
                write_workbook(rec, out)
            except OSError as exc:
                fail(f"无法写入 {out}：{exc.strerror}", f"cannot write {out}: {exc.strerror}")
            _summary(rec)
            console.print(f"已写出 Written: {out}")
        else:
            _summary(rec)
        raise typer.Exit(EXIT_OK)
