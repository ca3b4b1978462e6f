"""``fapiao demo``: fill a company with realistic demo data so every page has something to show.

Runs :func:`fapiao.web.demo.services.demo_fill` (the same services as the pages) after applying
pending migrations, with a progress bar and a summary table; the demo users' passwords are
printed when they are created (or reset with ``--reset-passwords``), never stored.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fapiao.cli.common import console, err_console, fail
from fapiao.cli.db import migrate

STAGES = {
    "import": "导入 Importing",
    "review": "审核 Reviewing",
    "status": "状态 Statuses",
    "reconciliation": "对账 Reconciling",
}


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""
    app.command("demo")(demo)


def demo(
    company: Annotated[
        str | None,
        typer.Option("--company", help="公司纳税人识别号（默认演示公司） · the company's tax ID"),
    ] = None,
    invoices: Annotated[
        int, typer.Option("--invoices", min=0, max=200_000, help="发票数量 · number of invoices")
    ] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 · random seed")] = 0,
    reset_passwords: Annotated[
        bool,
        typer.Option("--reset-passwords", help="重设演示用户密码 · new passwords for demo users"),
    ] = False,
) -> None:
    """生成演示数据（可重复运行） · Fill a company with demo data (safe to run again)."""
    migrate()
    from fapiao.cli.keys import startup_check
    from fapiao.core.errors import FapiaoError
    from fapiao.core.identifiers import tax_id as tax_id_rules
    from fapiao.web.companies.services import normalize_tax_id
    from fapiao.web.demo.people import demo_company_ensure
    from fapiao.web.demo.services import demo_fill

    startup_check()
    if company is not None:
        try:
            tax_id_rules.validate(normalize_tax_id(company))
        except FapiaoError as exc:
            fail(exc.message, exc.message_en)
    target, created = demo_company_ensure(tax_id=company)
    verb = "新建 Created" if created else "使用 Using"
    console.print(f"{verb} 公司 company: {target.name} ({target.tax_id})")
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    bars: dict[str, Any] = {}

    def advance(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            bars[stage] = progress.add_task(STAGES.get(stage, stage), total=total)
        progress.update(bars[stage], completed=done, total=total)

    with progress:
        summary = demo_fill(
            company=target,
            size=invoices,
            seed=seed,
            reset_passwords=reset_passwords,
            progress=advance,
        )
    _print_users(summary)
    _print_summary(summary)


def _print_users(summary: Any) -> None:
    """One line per demo user (never a table cell, which could cut a password short)."""
    console.print("[bold]演示用户 Demo users[/]")
    for credential in summary.users.values():
        role = f"{credential.role.label} {credential.role.value}"
        if credential.client_role is not None:
            role += f"（另一公司 other company: {credential.client_role.label}）"
        password = credential.password or "（未改变 unchanged）"
        console.print(f"  {role}: {credential.username}  密码 Password: {password}", soft_wrap=True)
    if any(c.password for c in summary.users.values()):
        console.print("密码只显示这一次 · Passwords are shown only this once")


def _print_summary(summary: Any) -> None:
    counts = summary.counts()
    table = Table(title=f"{summary.company.name} ({summary.company.tax_id})")
    table.add_column("项目 Item")
    table.add_column("数量 Count", justify="right")
    table.add_row("生成 generated", str(summary.generated))
    table.add_row("新建 created", str(summary.created))
    table.add_row("已存在 already there", str(summary.existing))
    for column, values in counts.items():
        for value, n in values.items():
            table.add_row(f"{column}: {value}", str(n))
    for step, n in sorted(summary.steps.items()):
        table.add_row(f"步骤 step {step}", str(n))
    if summary.reconciliation_run is not None:
        table.add_row("对账 reconciliation run", f"#{summary.reconciliation_run}")
    table.add_row("耗时 seconds", f"{summary.seconds:.1f}")
    console.print(table)
    for warning in summary.warnings:
        err_console.print(f"[yellow]警告 Warning:[/] {warning}", soft_wrap=True)
