"""``fapiao audit verify``: check the hash chains of the event trail (审计链校验).

Each chain is also compared with its newest head in the head file kept outside the database
(:mod:`fapiao.web.events.head`): a table rewritten or cut short is named too.

Exit code 0 when every chain holds, 1 when one is broken (the first bad event of each broken
chain is named), 2 on a usage error.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from fapiao.cli.common import EXIT_FINDINGS, console, err_console, fail
from fapiao.cli.db import django_setup

audit_app = typer.Typer(
    help="审计 · Audit trail.", no_args_is_help=True, add_completion=False, rich_markup_mode="rich"
)


def register(app: typer.Typer) -> None:
    """Add the ``audit`` group."""
    app.add_typer(audit_app, name="audit")


def company_by_reference(reference: str) -> object:
    """A company by its database id or its 纳税人识别号, or a one-line error."""
    django_setup()
    from fapiao.cli.db import company_by_tax_id
    from fapiao.web.companies.models import Company

    if reference.isdigit() and len(reference) < 15:
        company = Company.objects.filter(pk=int(reference)).first()
        if company is None:
            fail(f"没有编号为 {reference} 的公司", f"No company has the id {reference}")
        return company
    return company_by_tax_id(reference)


@audit_app.command("verify")
def verify(
    company: Annotated[
        str | None,
        typer.Option(
            "--company", help="只校验该公司（编号或税号） · only this company (id or tax ID)"
        ),
    ] = None,
) -> None:
    """校验事件哈希链 · Verify the hash chains of the event trail."""
    django_setup()
    from fapiao.web.events.chain import chain_id_of
    from fapiao.web.events.head import (
        chain_verify_all_with_heads,
        chain_verify_with_head,
        head_file_path,
        head_file_problems,
        heads_read,
    )

    read = heads_read()
    if company is not None:
        found = company_by_reference(company)
        pk = getattr(found, "pk", None)
        results = {chain_id_of(pk): chain_verify_with_head(pk, read)}
    else:
        results = chain_verify_all_with_heads(read)
    broken = 0
    for altered in head_file_problems(read):
        broken += 1
        err_console.print(
            "[bold red]已篡改 TAMPERED[/] "
            + escape(f"[{altered.code}] {altered.message} / {altered.message_en}"),
            soft_wrap=True,
        )
    if read.unchecked:
        err_console.print(
            f"[yellow]注意 Note[/]: 链头文件 head file {escape(str(head_file_path()))}: "
            f"{read.unchecked} 行由不在密钥环中的主密钥签名，未校验 · lines signed by a master "
            "key that is no longer in the keyring were not checked",
            soft_wrap=True,
        )
    for chain_id, result in results.items():
        name = "系统 system" if chain_id == "system" else f"公司 company {chain_id}"
        if result.problem is None:
            console.print(f"[green]完好 OK[/] {name}: {result.checked} 个事件 events")
            continue
        broken += 1
        problem = result.problem
        err_console.print(
            f"[bold red]已篡改 TAMPERED[/] {name}: 事件 event #{problem.seq} "
            + escape(f"[{problem.code}] {problem.message} / {problem.message_en}"),
            soft_wrap=True,
        )
    if broken:
        raise typer.Exit(EXIT_FINDINGS)
