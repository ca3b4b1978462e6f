"""Writes of the ops app: backups (备份), their retention, and the record of job runs.

A backup is one sealed archive (:mod:`fapiao.web.ops.archive`) holding a consistent database
snapshot (:mod:`fapiao.web.ops.snapshot`), the stored originals as they lie on disk or in the S3
bucket (already encrypted at rest), and a manifest.  The originals are listed after the snapshot
is taken, and each is hard-linked, copied or downloaded before it is hashed, so every file a
snapshot row names is in the archive, byte for byte as it was hashed; files written after the
snapshot are harmless extras.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from fapiao import __version__
from fapiao.web.events.services import event_record
from fapiao.web.invoices import blobs
from fapiao.web.invoices.storage import files_root
from fapiao.web.keys.keyring import keyring_get
from fapiao.web.ops.archive import Member, build_manifest, write_archive
from fapiao.web.ops.models import JobRun
from fapiao.web.ops.retention import backup_name, backup_time, backups_to_keep
from fapiao.web.ops.snapshot import Snapshot, pg_conninfo, pg_snapshot, sqlite_snapshot

BACKUP_JOB = "backup"
_COPY_CHUNK = 1024 * 1024


def backups_dir() -> Path:
    """Where scheduled backups go: ``FAPIAO_DATA_DIR/backups``."""
    return Path(settings.DATA_DIR) / "backups"


def vendor() -> str:
    """The configured database engine: ``sqlite`` or ``postgresql``."""
    return str(connections["default"].vendor)


@dataclass(frozen=True, slots=True)
class BackupResult:
    """A written backup: where it is and its manifest."""

    path: Path
    manifest: dict[str, Any]


def _snapshot(workdir: Path) -> Snapshot:
    connection = connections["default"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return sqlite_snapshot(connection.connection, workdir / "fapiao.sqlite3")
    if connection.vendor == "postgresql":
        return pg_snapshot(pg_conninfo(connection.settings_dict), workdir / "fapiao.pgdump")
    raise ValueError(f"no backup for the database engine {connection.vendor}")


def _remote_originals(store: Any, workdir: Path) -> list[Member]:
    """Every sealed object of an S3 store (``<company>/<xx>/<sha256>``), streamed into
    ``workdir`` (they are as sealed as on disk: the storage sits below the encryption)."""
    members: list[Member] = []
    companies, _ = store.listdir("")
    for company in sorted(companies):
        for name in blobs.names_under(store, company):
            copy = workdir / "files" / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            with blobs.open_read(store, name) as source, copy.open("wb") as sink:
                shutil.copyfileobj(source, sink, _COPY_CHUNK)
            members.append(Member(f"files/{name}", copy))
    return members


def _originals(workdir: Path) -> list[Member]:
    """Every stored original, linked (or copied) into ``workdir`` so later rewrites don't race;
    with ``FAPIAO_STORAGE=s3``, downloaded from the bucket."""
    store = blobs.remote()
    if store is not None:
        return _remote_originals(store, workdir)
    root = files_root()
    members: list[Member] = []
    if not root.is_dir():
        return members
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(root).as_posix()
        copy = workdir / "files" / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, copy)
        except OSError:
            shutil.copy2(path, copy)
        members.append(Member(f"files/{relative}", copy))
    return members


def backup_create(*, out: Path | None = None, now: dt.datetime | None = None) -> BackupResult:
    """Write one encrypted backup to ``out`` (default: the backups folder); recorded as a job run.

    The archive is written to a temporary file beside ``out`` and renamed into place, so a crash
    leaves no half-written backup under the final name.
    """
    started = timezone.now()
    now = now or started
    target = out or backups_dir() / backup_name(now)
    try:
        result = _write_backup(target, now)
    except Exception as exc:
        job_run_record(name=BACKUP_JOB, started_at=started, succeeded=False, detail=str(exc))
        raise
    job_run_record(name=BACKUP_JOB, started_at=started, succeeded=True, detail=str(target))
    event_record(
        company=None,
        actor=None,
        action="backup.created",
        obj=None,
        before=None,
        after={"archive": target.name},
    )
    return result


def _write_backup(target: Path, now: dt.datetime) -> BackupResult:
    master = keyring_get().active
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as tmp:
        workdir = Path(tmp)
        snapshot = _snapshot(workdir)
        files = _originals(workdir)
        manifest = build_manifest(
            [Member(snapshot.member, snapshot.path), *files],
            created_at=now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            vendor=vendor(),
            fapiao_version=__version__,
            schema=snapshot.schema,
            counts=snapshot.counts,
            files=len(files),
        )
        partial = workdir / "archive.partial"
        with partial.open("wb") as handle:
            write_archive(
                handle, [Member(snapshot.member, snapshot.path), *files], manifest, master
            )
            handle.flush()
            os.fsync(handle.fileno())
        partial.chmod(0o600)
        partial.replace(target)
    return BackupResult(target, manifest)


def backups_list() -> list[tuple[dt.datetime, Path]]:
    """Scheduled backups in the backups folder, newest first."""
    folder = backups_dir()
    if not folder.is_dir():
        return []
    found = [(backup_time(p.name), p) for p in folder.iterdir() if p.is_file()]
    return sorted(((at, p) for at, p in found if at is not None), reverse=True)


def backups_prune(*, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Delete scheduled backups the retention policy does not keep; the paths removed."""
    backups = backups_list()
    keep = backups_to_keep((at for at, _ in backups), daily=daily, weekly=weekly, monthly=monthly)
    removed = []
    for at, path in backups:
        if at not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def job_run_record(
    *, name: str, started_at: dt.datetime, succeeded: bool, detail: str = "", worker: str = ""
) -> JobRun:
    """Record how one run of a job ended (read by metrics and by the failed-job alerts)."""
    return JobRun.objects.create(
        job_name=name,
        started_at=started_at,
        finished_at=timezone.now(),
        succeeded=succeeded,
        detail=detail[:4000],
        worker=worker,
    )
