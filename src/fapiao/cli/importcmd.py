"""``fapiao import``: bring invoice files into a company through the intake services.

Each file is stored untouched and parsed right here (synchronously, with a progress bar) by the
same services as the upload page: ``intake_upload`` then ``intake_item_process`` per file, so the
same invoice in another format merges into its record.  Directories are walked recursively.
Files go in batches of :data:`BATCH_SIZE`, so memory stays bounded on large imports.

With the database task backend the upload also queues a parse task per file; a worker that picks
one up later finds the file already parsed and leaves it (the task is idempotent).  Run imports
while no worker is busy with the same files, or the counts of the summary may differ.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fapiao import config
from fapiao.cli.common import EXIT_FINDINGS, console, err_console, fail
from fapiao.cli.db import company_by_tax_id

BATCH_SIZE = 50
DIRECTIONS = ("purchase", "sales", "auto")


def register(app: typer.Typer) -> None:
    """Add the ``import`` command."""
    app.command("import")(import_files)


def _walk(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path
        else:
            fail(f"找不到文件 {path}", f"No such file: {path}")


def _actor(username: str | None) -> Any:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    name = username or config.get("FAPIAO_ADMIN_USERNAME")
    user = (
        users.filter(username=name).first()
        if name
        else users.filter(is_superuser=True, is_active=True).order_by("id").first()
    )
    if user is None:
        fail(
            f"没有可作为录入人的用户 {name or '(管理员)'}：请先运行 fapiao createadmin",
            f"No user {name or '(administrator)'} to enter the invoices: run fapiao createadmin",
        )
    return user


def import_files(
    paths: Annotated[list[Path], typer.Argument(help="文件或目录 · files or directories")],
    company: Annotated[str, typer.Option("--company", help="公司纳税人识别号 · tax ID")],
    direction: Annotated[
        str, typer.Option(help="purchase 进项 / sales 销项 / auto 按税号判断")
    ] = "purchase",
    user: Annotated[
        str | None,
        typer.Option("--user", help="录入人用户名（默认管理员） · user recorded as entering them"),
    ] = None,
) -> None:
    """导入发票文件（XML/OFD/PDF/图片/ZIP） · Import invoice files into a company."""
    if direction not in DIRECTIONS:
        fail(f"方向只能是 {', '.join(DIRECTIONS)}", f"Direction is one of {', '.join(DIRECTIONS)}")
    target = company_by_tax_id(company)
    actor = _actor(user)
    files = list(_walk(paths))
    if not files:
        fail("没有可导入的文件", "No files to import")
    summary = import_paths(files, company=target, actor=actor, direction=direction)
    console.print(
        f"导入完成 · Done: 文件 files {summary['files']}，新建 imported {summary['created']}，"
        f"合并 merged {summary['merged']}，待分配 unassigned {summary['unassigned']}，"
        f"失败 failed {summary['failed']}"
    )
    for name, message in summary["errors"]:
        err_console.print(f"[red]失败 Failed:[/] {name}: {message}", soft_wrap=True)
    if summary["failed"]:
        raise typer.Exit(EXIT_FINDINGS)


def import_paths(files: list[Path], *, company: Any, actor: Any, direction: str) -> dict[str, Any]:
    """Store and parse the files in batches; counts of created, merged, failed, and errors."""
    from fapiao.web.intake.models import ItemStatus
    from fapiao.web.intake.selectors import batch_items
    from fapiao.web.intake.services import UploadFile, intake_upload
    from fapiao.web.intake.services_parse import intake_item_process

    summary: dict[str, Any] = {
        "files": 0,
        "created": 0,
        "merged": 0,
        "unassigned": 0,
        "failed": 0,
        "errors": [],
    }
    progress = Progress(
        TextColumn("[bold]导入 Importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
        console=err_console,
        transient=True,
    )
    with progress:
        bar = progress.add_task("import", total=len(files), name="")
        for start in range(0, len(files), BATCH_SIZE):
            chunk = files[start : start + BATCH_SIZE]
            uploads = [UploadFile(name=path.name, content=path.read_bytes()) for path in chunk]
            batch = intake_upload(
                company=company, actor=actor, files=uploads, direction=direction, limits=False
            )
            for item in batch_items(batch=batch):
                progress.update(bar, name=item.name)
                done = intake_item_process(item_id=item.pk)
                summary["files"] += 1
                summary["created"] += done.invoices_created
                summary["merged"] += done.invoices_merged
                summary["unassigned"] += done.invoices_unassigned
                if done.status == ItemStatus.FAILED:
                    summary["failed"] += 1
                    summary["errors"] += [
                        (done.name, f"{e.get('message')} / {e.get('message_en')}")
                        for e in done.errors or [{}]
                    ]
                progress.advance(bar)
    return summary
