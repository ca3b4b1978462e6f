"""``fapiao validate``: run the rules over invoices given as JSON and print the findings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from fapiao.cli.common import EXIT_FINDINGS, EXIT_OK, console, fail, fail_with
from fapiao.core.errors import FapiaoError
from fapiao.core.findings import Severity, has_errors
from fapiao.core.invoice import Invoice
from fapiao.core.rules.base import RuleContext, check
from fapiao.core.schema import invoice_from_dict


def _documents(text: str, path: Path) -> list[Any]:
    """One JSON value, or JSON lines (the parse command's output)."""
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        pass
    docs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            docs.append(json.loads(line))
        except json.JSONDecodeError as exc:
            fail(
                f"{path} 不是有效的 JSON（第 {number} 行：{exc.msg}）",
                f"{path} is not valid JSON (line {number}: {exc.msg})",
            )
    if not docs:
        fail(f"{path} 是空文件", f"{path} is empty")
    return docs


def _invoices(docs: list[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every invoice object with a label saying where it came from."""
    for i, doc in enumerate(docs, start=1):
        items = doc if isinstance(doc, list) else [doc]
        for j, item in enumerate(items, start=1):
            if isinstance(item, dict) and isinstance(item.get("invoices"), list):
                for k, invoice in enumerate(item["invoices"], start=1):
                    yield f"{item.get('file', f'#{i}')}#{k}", invoice
            else:
                yield f"#{i}.{j}" if isinstance(doc, list) else f"#{i}", item


def _label(invoice: Invoice, fallback: str) -> str:
    identity = invoice.identity
    if identity is None:
        return fallback
    return f"{identity[0]} {identity[1]}".strip()


def register(app: typer.Typer) -> None:
    """Add the ``validate`` command."""

    @app.command("validate")
    def validate(
        file: Annotated[
            Path, typer.Argument(help="发票 JSON 文件 · invoices as JSON or JSON lines")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出 · print JSON")] = False,
        company_tax_id: Annotated[
            str | None, typer.Option(help="本公司税号 · the company's tax ID")
        ] = None,
        today: Annotated[
            str | None,
            typer.Option(help="校验基准日 YYYY-MM-DD · reference date (default: today, China)"),
        ] = None,
    ) -> None:
        """校验发票并列出问题 · Validate invoices and list the findings."""
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"无法读取 {file}：{exc}", f"cannot read {file}: {exc}")
        try:
            reference = dt.date.fromisoformat(today) if today else None
        except ValueError:
            fail(f"--today 不是有效日期：{today}", f"--today is not a valid date: {today}")
        context = RuleContext(company_tax_id=company_tax_id, today=reference)
        results = []
        for label, data in _invoices(_documents(text, file)):
            try:
                invoice = invoice_from_dict(data)
            except FapiaoError as exc:
                fail_with(exc)
            results.append((_label(invoice, label), check(invoice, context)))
        if as_json:
            for label, findings in results:
                line = {"invoice": label, "findings": [f.as_dict() for f in findings]}
                typer.echo(json.dumps(line, ensure_ascii=False))
        else:
            _print_table(results)
        failed = any(has_errors(findings) for _, findings in results)
        raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _print_table(results: list[tuple[str, list[Any]]]) -> None:
    table = Table(title="校验结果 Validation findings", show_lines=False)
    for header in ("发票 Invoice", "级别 Severity", "代码 Code", "说明 Message"):
        table.add_column(header)
    for label, findings in results:
        if not findings:
            table.add_row(label, "[green]ok[/]", "", "未发现问题 · no findings")
        for finding in findings:
            style = _STYLE[finding.severity]
            table.add_row(
                label,
                f"[{style}]{finding.severity.value}[/]",
                finding.code,
                f"{finding.message}\n{finding.message_en}",
            )
    console.print(table)
