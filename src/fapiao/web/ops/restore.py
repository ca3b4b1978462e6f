"""恢复 (restore) of a backup into an empty instance, and the restore drill (恢复演练).

A restore first decrypts and checks the whole archive in a scratch folder (key, authentication,
every member against the manifest, the database image's integrity and row counts); only then does
it touch the target.  SQLite: the checked image replaces the database file with one rename.
PostgreSQL: ``pg_restore`` into the configured database in one transaction.  Then the originals
are put into place (the folder, or the S3 bucket with ``FAPIAO_STORAGE=s3``) and pending
migrations are applied, so an archive from an older schema version comes back on the current
one.  An instance that holds data is refused unless ``force``
is given; what was there is then kept beside it (``*.pre-restore-<time>``), never deleted.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from fapiao import config
from fapiao.core.crypto.keyring import Keyring, resolve_keyring
from fapiao.web.events.services import event_record
from fapiao.web.invoices import blobs
from fapiao.web.invoices.storage import files_root
from fapiao.web.keys.keyring import key_file_path, keyring_check, keyring_reset
from fapiao.web.ops.archive import OpenedArchive, open_archive
from fapiao.web.ops.errors import (
    BackupCorruptError,
    BackupError,
    BackupUnsupportedError,
    RestoreTargetNotEmptyError,
)
from fapiao.web.ops.services import backups_list, job_run_record
from fapiao.web.ops.snapshot import (
    PG_MEMBER,
    SQLITE_MEMBER,
    holds_data,
    pg_connect,
    pg_conninfo,
    pg_drop_tables,
    pg_restore,
    pg_snapshot,
    pg_table_data,
    sqlite_check,
    sqlite_counts,
)

DRILL_JOB = "restore_drill"


def restore_keyring() -> Keyring:
    """The master keyring for a restore: it must exist already (a restore never makes a key)."""
    return resolve_keyring(
        config.get("FAPIAO_MASTER_KEY"), key_file_path(), database_has_wrapped_keys=True
    )


@dataclass(frozen=True, slots=True)
class RestoreTarget:
    """Where to restore: a SQLite file or a PostgreSQL database, and a folder of originals."""

    vendor: str
    files_root: Path
    sqlite_path: Path | None = None
    pg_info: dict[str, str] = field(default_factory=dict)
    is_live: bool = False  # this process's own database: close its connections first
    remote: bool = False  # originals go to the S3 store (FAPIAO_STORAGE=s3), not the folder


def configured_target() -> RestoreTarget:
    """The instance this process is configured for."""
    settings_dict = connections["default"].settings_dict
    vendor = connections["default"].vendor
    remote = blobs.remote() is not None
    if vendor == "sqlite":
        path = Path(settings_dict["NAME"])
        return RestoreTarget("sqlite", files_root(), sqlite_path=path, is_live=True, remote=remote)
    info = pg_conninfo(settings_dict)
    return RestoreTarget(vendor, files_root(), pg_info=info, is_live=True, remote=remote)


def _target_counts(target: RestoreTarget) -> dict[str, int]:
    if target.vendor == "sqlite":
        assert target.sqlite_path is not None
        if not target.sqlite_path.exists() or target.sqlite_path.stat().st_size == 0:
            return {}
        return sqlite_counts(target.sqlite_path)[0]
    return pg_table_data(target.pg_info)


def _files_in(root: Path) -> int:
    if not root.is_dir():
        return 0
    return sum(1 for p in root.rglob("*") if p.is_file())


def _objects_in(store: Any) -> int:
    companies, _ = store.listdir("")
    return sum(1 for company in companies for _ in blobs.names_under(store, company))


def target_contents(target: RestoreTarget) -> tuple[list[str], int]:
    """Tables that hold data and the number of files in the target (both empty: may restore)."""
    store = blobs.remote() if target.remote else None
    files = _objects_in(store) if store is not None else _files_in(target.files_root)
    return holds_data(_target_counts(target)), files


def _check_counts(expected: dict[str, Any], actual: dict[str, int], where: str) -> None:
    wrong = {t: (n, actual.get(t)) for t, n in expected.items() if actual.get(t) != n}
    if wrong:
        listed = "，".join(f"{t} {n}≠{m}" for t, (n, m) in sorted(wrong.items())[:5])
        listed_en = ", ".join(f"{t} {n}≠{m}" for t, (n, m) in sorted(wrong.items())[:5])
        raise BackupCorruptError(
            f"{where}的行数与备份清单不符：{listed}",
            f"Row counts of {where} differ from the manifest: {listed_en}",
        )


def _aside(path: Path, stamp: str) -> None:
    if path.exists():
        path.rename(path.with_name(f"{path.name}.pre-restore-{stamp}"))


def _member_for(opened: OpenedArchive) -> str:
    vendor = opened.manifest.get("vendor")
    return SQLITE_MEMBER if vendor == "sqlite" else PG_MEMBER


def _restore_sqlite(image: Path, counts: dict[str, Any], target: RestoreTarget, stamp: str) -> None:
    """Check the image, keep an existing database aside (with its WAL), rename the image in."""
    sqlite_check(image)
    _check_counts(counts, sqlite_counts(image)[0], "备份中的数据库 the archived database")
    assert target.sqlite_path is not None
    db = target.sqlite_path
    db.parent.mkdir(parents=True, exist_ok=True)
    staged = db.with_name(f".{db.name}.restore-{secrets.token_hex(4)}")
    shutil.copyfile(image, staged)
    if db.exists():
        for suffix in ("", "-wal", "-shm", "-journal"):
            _aside(Path(f"{db}{suffix}"), stamp)
    else:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    staged.replace(db)


def restore_into(opened: OpenedArchive, target: RestoreTarget, *, force: bool = False) -> None:
    """Put a checked archive into ``target`` (no migrations: see :func:`backup_restore`)."""
    vendor = opened.manifest.get("vendor")
    if vendor != target.vendor:
        raise BackupUnsupportedError(
            f"该备份来自 {vendor} 数据库，不能恢复到 {target.vendor}",
            f"The backup comes from a {vendor} database and cannot be restored into "
            f"{target.vendor}",
        )
    tables, files = target_contents(target)
    if (tables or files) and not force:
        raise RestoreTargetNotEmptyError(
            f"目标实例已有数据（表 {', '.join(tables[:5]) or '—'}；原始文件 {files} 个），"
            "不会覆盖；确认要覆盖请加 --force",
            f"The target instance holds data (tables {', '.join(tables[:5]) or '—'}; "
            f"{files} original files) and is not overwritten; add --force to overwrite it",
        )
    image = opened.path(_member_for(opened))
    counts = opened.manifest.get("counts", {})
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    if target.is_live:
        connections.close_all()
    if target.vendor == "sqlite":
        _restore_sqlite(image, counts, target, stamp)
    else:
        if tables:  # --force: keep what was there as a dump beside the originals folder
            name = f"{target.pg_info['dbname']}.pre-restore-{stamp}.pgdump"
            target.files_root.parent.mkdir(parents=True, exist_ok=True)
            pg_snapshot(target.pg_info, target.files_root.parent / name)
        pg_drop_tables(target.pg_info)
        pg_restore(target.pg_info, image)
        _check_counts(counts, pg_table_data(target.pg_info), "恢复后的数据库 the restored database")
    store = blobs.remote() if target.remote else None
    if store is not None:  # same names as in the archive; objects already there are replaced
        for name in opened.names("files/"):
            with opened.path(name).open("rb") as sealed:
                blobs.put(store, name.removeprefix("files/"), sealed)
        return
    if files and force:
        _aside(target.files_root, stamp)
    for name in opened.names("files/"):
        dest = target.files_root / name.removeprefix("files/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(opened.path(name), dest)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore brought back."""

    manifest: dict[str, Any]
    migrated_from: dict[str, str]


def backup_restore(*, archive: Path, force: bool = False) -> RestoreResult:
    """Restore ``archive`` into this instance, then migrate it and check the master key.

    Raises :class:`~fapiao.web.ops.errors.BackupError` subclasses with the reason: wrong key,
    damaged archive, another database engine, or an instance that already holds data.
    """
    keyring = restore_keyring()
    target = configured_target()
    scratch_parent = Path(settings.DATA_DIR)
    scratch_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch_parent, prefix=".restore-") as tmp:
        opened = open_archive(archive, keyring, Path(tmp))
        restore_into(opened, target, force=force)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    keyring_reset()
    keyring_check()
    event_record(
        company=None,
        actor=None,
        action="backup.restored",
        obj=None,
        before=None,
        after={"archive": archive.name},
    )
    return RestoreResult(opened.manifest, dict(opened.manifest.get("schema", {})))


@dataclass(frozen=True, slots=True)
class DrillResult:
    """恢复演练结果: the archive tried and what, if anything, was wrong."""

    archive: Path | None
    succeeded: bool
    problem: str = ""
    problem_en: str = ""


def _drill_postgres(opened: OpenedArchive, scratch_files: Path) -> None:
    """Restore into a scratch database, compare counts, drop it."""
    settings_dict = connections["default"].settings_dict
    admin = pg_conninfo(settings_dict)
    scratch = f"fapiao_drill_{secrets.token_hex(6)}"
    with pg_connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        info = {**admin, "dbname": scratch}
        restore_into(opened, RestoreTarget("postgresql", scratch_files, pg_info=info))
    finally:
        with pg_connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def backup_drill(*, archive: Path | None = None) -> DrillResult:
    """Restore the latest backup into a scratch location and compare it with its manifest.

    Recorded as a ``restore_drill`` job run; a failure is returned (and recorded), not raised.
    """
    started = timezone.now()
    if archive is None:
        found = backups_list()
        archive = found[0][1] if found else None
    if archive is None:
        result = DrillResult(None, False, "没有可演练的备份", "There is no backup to drill")
    else:
        result = _drill(archive)
    job_run_record(
        name=DRILL_JOB,
        started_at=started,
        succeeded=result.succeeded,
        detail=f"{result.archive}: {result.problem_en}" if not result.succeeded else str(archive),
    )
    return result


def _drill(archive: Path) -> DrillResult:
    with tempfile.TemporaryDirectory(prefix="fapiao-drill-") as tmp:
        try:
            opened = open_archive(archive, restore_keyring(), Path(tmp))
            if opened.manifest.get("vendor") == "sqlite":
                scratch = Path(tmp) / "scratch"
                restore_into(
                    opened,
                    RestoreTarget("sqlite", scratch / "files", sqlite_path=scratch / "db.sqlite3"),
                )
                files = sorted(p for p in (scratch / "files").rglob("*") if p.is_file())
                if len(files) != opened.manifest.get("files"):
                    raise BackupCorruptError(
                        f"演练恢复的原始文件数 {len(files)} 与清单 "
                        f"{opened.manifest.get('files')} 不符",
                        f"The drill restored {len(files)} originals, the manifest lists "
                        f"{opened.manifest.get('files')}",
                    )
            else:
                _drill_postgres(opened, Path(tmp) / "scratch-files")
        except BackupError as exc:
            return DrillResult(archive, False, exc.message, exc.message_en)
        except Exception as exc:
            return DrillResult(archive, False, f"{type(exc).__name__}: {exc}", str(exc))
    return DrillResult(archive, True)
