"""``fapiao backup`` and ``fapiao restore``: one encrypted archive out, an empty instance back.

Django is set up inside each command, never at import.  The master key is never in the archive:
keep the key file (or FAPIAO_MASTER_KEY) apart from the backups; restoring needs the same key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fapiao.cli.common import console, fail
from fapiao.cli.db import django_setup


def register(app: typer.Typer) -> None:
    """Add ``backup`` and ``restore``."""
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="备份文件（默认写入 $FAPIAO_DATA_DIR/backups/） · archive to write",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """备份数据库与原始文件（加密） · Back up the database and the originals (encrypted)."""
    django_setup()
    from fapiao.core.errors import FapiaoError
    from fapiao.web.ops.services import backup_create

    try:
        result = backup_create(out=out)
    except FapiaoError as exc:
        fail(exc.message, exc.message_en)
    counts = result.manifest["counts"]
    console.print(
        f"已备份 · Backed up: {result.path}\n"
        f"  表 tables {len(counts)}，行 rows {sum(counts.values())}，"
        f"原始文件 originals {result.manifest['files']}",
        soft_wrap=True,
    )


def restore(
    archive: Annotated[
        Path, typer.Argument(help="备份文件 · backup archive", exists=True, dir_okay=False)
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="目标已有数据时仍然恢复（原数据保留为 *.pre-restore-*） · overwrite a non-empty "
            "instance (what was there is kept aside)",
        ),
    ] = False,
) -> None:
    """从备份恢复到空实例（需相同主密钥） · Restore a backup into an empty instance."""
    django_setup()
    from fapiao.core.errors import FapiaoError
    from fapiao.web.ops.restore import backup_restore

    try:
        result = backup_restore(archive=archive, force=force)
    except FapiaoError as exc:
        fail(exc.message, exc.message_en)
    manifest = result.manifest
    counts = manifest.get("counts", {})
    console.print(
        f"已恢复 · Restored: {archive} ({manifest.get('created_at')})\n"
        f"  表 tables {len(counts)}，行 rows {sum(counts.values())}，"
        f"原始文件 originals {manifest.get('files')}",
        soft_wrap=True,
    )
