"""Backup then restore reproduces every row and every original bit for bit (SQLite, PostgreSQL)."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from fapiao.web.invoices.storage import files_root, read_original
from fapiao.web.ops.archive import open_archive
from fapiao.web.ops.errors import BackupUnsupportedError, RestoreTargetNotEmptyError
from fapiao.web.ops.models import JobRun
from fapiao.web.ops.restore import RestoreTarget, restore_into
from fapiao.web.ops.services import backup_create
from fapiao.web.ops.snapshot import pg_connect, pg_conninfo
from web.ops.seed import seed_instance
from web.ops.tables import all_rows

pytestmark = pytest.mark.django_db(transaction=True)


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names())


def _source_rows() -> dict[str, list[tuple[object, ...]]]:
    if connection.vendor == "postgresql":  # read as the restored side is read: plain psycopg
        with pg_connect(pg_conninfo(connection.settings_dict)) as conn, conn.cursor() as cursor:
            return all_rows(cursor, _tables())
    with connection.cursor() as cursor:
        return all_rows(cursor, _tables())


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _backup(tmp_path: Path):
    made = seed_instance()
    before_rows = _source_rows()
    before_files = _files(files_root())
    archive = tmp_path / "backup.fpbak"
    result = backup_create(out=archive)
    return made, before_rows, before_files, archive, result


def test_sqlite_backup_then_restore_reproduces_every_row_and_file(tmp_path, master_key, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite snapshot; PostgreSQL has its own test")
    made, before_rows, before_files, archive, result = _backup(tmp_path)
    assert len(before_files) == len(made["files"]) == result.manifest["files"] == 6
    assert JobRun.objects.get(job_name="backup").succeeded

    work = tmp_path / "work"
    work.mkdir()
    opened = open_archive(archive, master_key, work)
    target = RestoreTarget("sqlite", tmp_path / "restored-files", sqlite_path=tmp_path / "r.db")
    restore_into(opened, target)

    # The same column converters as Django's own connection (booleans, dates).
    restored = sqlite3.connect(
        target.sqlite_path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
    )
    try:
        assert all_rows(restored.cursor(), sorted(before_rows)) == before_rows
    finally:
        restored.close()
    assert _files(target.files_root) == before_files
    settings.MEDIA_ROOT = target.files_root
    stored = made["files"][4]
    assert read_original(stored).startswith("%PDF-1.7 原始文件 1-1".encode())


def test_postgresql_backup_then_restore_reproduces_every_row_and_file(tmp_path, master_key):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    _, before_rows, before_files, archive, result = _backup(tmp_path)
    assert result.manifest["vendor"] == "postgresql"
    admin = pg_conninfo(connection.settings_dict)
    scratch = f"fapiao_backup_test_{secrets.token_hex(6)}"
    with pg_connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        work = tmp_path / "work"
        work.mkdir()
        opened = open_archive(archive, master_key, work)
        info = {**admin, "dbname": scratch}
        target = RestoreTarget("postgresql", tmp_path / "restored-files", pg_info=info)
        restore_into(opened, target)
        with pg_connect(info) as conn, conn.cursor() as cursor:
            assert all_rows(cursor, sorted(before_rows)) == before_rows
        assert _files(target.files_root) == before_files

        with pytest.raises(RestoreTargetNotEmptyError):
            restore_into(opened, target)
        restore_into(opened, target, force=True)  # what was there is dumped aside first
        assert len(list(tmp_path.glob(f"{scratch}.pre-restore-*.pgdump"))) == 1
        with pg_connect(info) as conn, conn.cursor() as cursor:
            assert all_rows(cursor, sorted(before_rows)) == before_rows
    finally:
        with pg_connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def test_a_non_empty_target_is_refused_unless_forced_and_then_kept_aside(tmp_path, master_key):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite target")
    *_, archive, _ = _backup(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    opened = open_archive(archive, master_key, work)
    target = RestoreTarget("sqlite", tmp_path / "target-files", sqlite_path=tmp_path / "r.db")
    restore_into(opened, target)

    with pytest.raises(RestoreTargetNotEmptyError) as caught:
        restore_into(opened, target)
    assert "companies_company" in caught.value.message_en
    assert "--force" in caught.value.message_en

    restore_into(opened, target, force=True)
    assert len(list(tmp_path.glob("r.db.pre-restore-*"))) == 1
    assert len(list(tmp_path.glob("target-files.pre-restore-*"))) == 1


def test_a_backup_of_another_database_engine_is_refused(tmp_path, master_key):
    *_, archive, result = _backup(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    opened = open_archive(archive, master_key, work)
    other = "postgresql" if result.manifest["vendor"] == "sqlite" else "sqlite"
    target = RestoreTarget(other, tmp_path / "f", sqlite_path=tmp_path / "x.db")
    with pytest.raises(BackupUnsupportedError, match="cannot be restored into"):
        restore_into(opened, target)
