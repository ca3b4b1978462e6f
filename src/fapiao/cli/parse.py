"""``fapiao parse``: read invoice files (XML, OFD, PDF, images, ZIP, exports) and print them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from fapiao.cli.common import EXIT_FINDINGS, EXIT_OK, console, err_console, fail
from fapiao.core.findings import has_errors
from fapiao.core.invoice import InvoiceKind
from fapiao.core.parsing.api import parse_path
from fapiao.core.parsing.base import ParseOptions
from fapiao.core.schema import invoice_to_dict

PROGRESS_MIN_FILES = 4
"""Runs of at least this many files show a progress bar on stderr."""


def parse_file(path: Path, options: ParseOptions) -> dict[str, Any]:
    """One input file as the JSON object the command prints (top level, so a pool can run it)."""
    result = parse_path(path, options)
    invoices = []
    for parsed in result.invoices:
        item = invoice_to_dict(parsed.invoice)
        if parsed.member is not None:
            item["member"] = parsed.member
        if parsed.page is not None:
            item["page"] = parsed.page
        invoices.append(item)
    return {
        "file": str(path),
        "format": result.format.value,
        "invoices": invoices,
        "errors": [error.as_dict() for error in result.errors],
        "_failed": bool(result.errors)
        or any(has_errors(parsed.invoice.findings) for parsed in result.invoices),
    }


def _is_ofd_folder(path: Path) -> bool:
    return any(child.name.lower() == "ofd.xml" for child in path.iterdir())


def _walk(folder: Path) -> Iterator[Path]:
    for child in sorted(folder.iterdir()):
        if child.is_symlink():
            continue
        if child.is_dir():
            if _is_ofd_folder(child):
                yield child
            else:
                yield from _walk(child)
        elif child.is_file() and not child.name.startswith("."):
            yield child


def _inputs(paths: list[Path], recursive: bool) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            fail(f"找不到文件或文件夹：{path}", f"No such file or folder: {path}")
        if path.is_dir() and not _is_ofd_folder(path):
            if not recursive:
                fail(
                    f"{path} 是文件夹；请加 --recursive 读取其中的文件",
                    f"{path} is a folder; add --recursive to read the files in it",
                )
            files.extend(_walk(path))
        else:
            files.append(path)
    return files


def _results(files: list[Path], options: ParseOptions, jobs: int) -> list[dict[str, Any]]:
    show = len(files) >= PROGRESS_MIN_FILES
    with Progress(console=err_console, transient=True, disable=not show) as progress:
        task = progress.add_task("解析 Parsing", total=len(files))
        if jobs > 1 and len(files) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                results = []
                for result in pool.map(parse_file, files, [options] * len(files)):
                    results.append(result)
                    progress.advance(task)
                return results
        results = []
        for file in files:
            results.append(parse_file(file, options))
            progress.advance(task)
        return results


def _print_table(result: dict[str, Any]) -> None:
    table = Table(title=f"{result['file']} ({result['format']})", title_justify="left")
    has_members = any(invoice.get("member") for invoice in result["invoices"])
    headers = ["#", *(["成员 Member"] if has_members else []), "种类 Kind", "号码 Number"]
    headers += ["日期 Date", "销方 Seller", "价税合计 Gross", "问题 Findings"]
    for header in headers:
        table.add_column(header)
    for i, invoice in enumerate(result["invoices"], start=1):
        findings = invoice["findings"]
        errors = sum(1 for f in findings if f["severity"] == "error")
        number = " ".join(x for x in (invoice["code"], invoice["number"]) if x)
        gross = invoice["gross_amount"] or ""
        row = [str(i), *([invoice.get("member") or ""] if has_members else [])]
        row += [InvoiceKind(invoice["kind"]).label + ("（红字）" if invoice["is_red"] else "")]
        row += [number, invoice["issue_date"] or ""]
        row += [invoice["seller"]["name"] or invoice["seller"]["tax_id"] or "", gross]
        row += [f"{len(findings)}（{errors} 错误）" if findings else ""]
        table.add_row(*row)
    console.print(table)
    for invoice in result["invoices"]:
        for finding in invoice["findings"]:
            console.print(
                f"  [{finding['severity']}] {finding['code']}: {finding['message']} / "
                f"{finding['message_en']}",
                soft_wrap=True,
                markup=False,
            )
    for error in result["errors"]:
        console.print(
            f"  [red]错误 Error[/] {error['code']}: {error['message']} / {error['message_en']}",
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add the ``parse`` command."""

    @app.command("parse")
    def parse(
        paths: Annotated[
            list[Path], typer.Argument(help="发票文件或文件夹 · invoice files or folders")
        ],
        as_json: Annotated[
            bool, typer.Option("--json", help="每个文件输出一行 JSON · one JSON line per file")
        ] = False,
        recursive: Annotated[
            bool, typer.Option("--recursive", "-r", help="读取文件夹中的文件 · read folders")
        ] = False,
        jobs: Annotated[
            int, typer.Option("--jobs", "-j", min=1, help="并行进程数 · worker processes")
        ] = 1,
        verify_qr: Annotated[
            bool,
            typer.Option("--verify-qr", help="总是解码二维码并核对 · always decode and check QR"),
        ] = False,
        company_tax_id: Annotated[
            str | None, typer.Option(help="本公司税号 · the company's tax ID")
        ] = None,
    ) -> None:
        """解析发票文件 · Parse invoice files."""
        files = _inputs(paths, recursive)
        options = ParseOptions(verify_qr=verify_qr, company_tax_id=company_tax_id)
        failed = False
        for result in _results(files, options, jobs):
            failed = result.pop("_failed") or failed
            if as_json:
                typer.echo(json.dumps(result, ensure_ascii=False))
            else:
                _print_table(result)
        raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)
