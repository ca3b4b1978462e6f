"""数据库快照 (database snapshots) for backups, and putting one back.

SQLite: the online backup API (:meth:`sqlite3.Connection.backup`) copies a consistent image while
the application keeps writing.  PostgreSQL: ``pg_dump --format=custom`` run on a snapshot exported
from a REPEATABLE READ transaction (``pg_export_snapshot``), so the row counts written into the
manifest and the dump see exactly the same data.  ``pg_dump`` must be at least the server's major
version.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fapiao.web.ops.errors import BackupCorruptError, BackupError, BackupUnsupportedError

SQLITE_MEMBER = "db/fapiao.sqlite3"
PG_MEMBER = "db/fapiao.pgdump"

IGNORED_FOR_EMPTINESS = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "django_session",
        "ops_scheduledjob",
    }
)
"""Tables that a freshly migrated, never used instance may already fill."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A database image on disk with the counts per table and the schema version it holds."""

    member: str
    path: Path
    counts: dict[str, int]
    schema: dict[str, str]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _schema_from_rows(rows: list[tuple[str, str]]) -> dict[str, str]:
    """The latest applied migration per app (rows in the order they were applied)."""
    latest = dict(rows)  # later rows win: the last applied migration of each app
    return dict(sorted(latest.items()))


# --- SQLite -------------------------------------------------------------------------------------


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    """User tables of a SQLite database."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def sqlite_counts(path: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Rows per table and the schema version of a SQLite file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = {
            t: conn.execute(f"SELECT COUNT(*) FROM {_quote(t)}").fetchone()[0]  # noqa: S608
            for t in sqlite_tables(conn)
        }
        rows = []
        if "django_migrations" in counts:
            rows = conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        return counts, _schema_from_rows(rows)
    finally:
        conn.close()


def sqlite_snapshot(source: sqlite3.Connection, dest: Path) -> Snapshot:
    """Copy the live database behind ``source`` into ``dest`` with the online backup API."""
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    counts, schema = sqlite_counts(dest)
    return Snapshot(SQLITE_MEMBER, dest, counts, schema)


def sqlite_check(path: Path) -> None:
    """Refuse a SQLite image that fails ``PRAGMA integrity_check``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    finally:
        conn.close()
    if result != "ok":
        raise BackupCorruptError(
            f"备份中的数据库未通过完整性检查：{result}",
            f"The database in the backup fails its integrity check: {result}",
        )


# --- PostgreSQL ---------------------------------------------------------------------------------


def pg_conninfo(settings_dict: dict[str, Any], *, dbname: str | None = None) -> dict[str, str]:
    """psycopg connection keywords from a Django database settings dict."""
    info = {
        "dbname": dbname or settings_dict.get("NAME") or "",
        "user": settings_dict.get("USER") or "",
        "password": settings_dict.get("PASSWORD") or "",
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
    }
    return {k: v for k, v in info.items() if v}


def _pg_env(info: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    for key, var in names.items():
        if key in info:
            env[var] = info[key]
    env["PGDATABASE"] = info["dbname"]
    return env


def pg_tool(name: str, server_major: int | None = None) -> str:
    """Path of ``pg_dump`` / ``pg_restore``: the server's version under /usr/lib, else PATH."""
    candidates = []
    if server_major is not None:
        candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"))
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            if server_major is not None:
                out = subprocess.run(  # noqa: S603
                    [str(candidate), "--version"], capture_output=True, text=True, check=False
                ).stdout
                match = re.search(r"(\d+)(?:\.\d+)?", out)
                if match and int(match.group(1)) < server_major:
                    continue
            return str(candidate)
    raise BackupUnsupportedError(
        f"找不到与 PostgreSQL {server_major} 匹配的 {name}；"
        f"请安装 postgresql-client-{server_major}",
        f"No {name} matching PostgreSQL {server_major} was found; install "
        f"postgresql-client-{server_major}",
    )


def _pg_tables(cur: Any) -> list[str]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [r[0] for r in cur.fetchall()]


def pg_counts_and_schema(cur: Any) -> tuple[dict[str, int], dict[str, str]]:
    """Rows per table and the schema version, read through a psycopg cursor."""
    tables = _pg_tables(cur)
    counts = {}
    for table in tables:
        cur.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
        counts[table] = cur.fetchone()[0]
    rows = []
    if "django_migrations" in counts:
        cur.execute("SELECT app, name FROM django_migrations ORDER BY id")
        rows = cur.fetchall()
    return counts, _schema_from_rows(rows)


@contextmanager
def pg_connect(info: dict[str, str], *, autocommit: bool = False) -> Iterator[Any]:
    """A psycopg connection apart from Django's."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    conn = psycopg.connect(make_conninfo(**info), autocommit=autocommit)
    try:
        yield conn
    finally:
        conn.close()


def pg_snapshot(info: dict[str, str], dest: Path) -> Snapshot:
    """``pg_dump --format=custom`` of a database on one exported snapshot, with its counts."""
    with pg_connect(info) as conn:
        major = conn.info.server_version // 10000
        dump = pg_tool("pg_dump", major)
        with conn.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot_id = cur.fetchone()[0]
            counts, schema = pg_counts_and_schema(cur)
            result = subprocess.run(  # noqa: S603
                [
                    dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={dest}",
                ],
                env=_pg_env(info),
                capture_output=True,
                text=True,
                check=False,
            )
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(
            f"pg_dump 失败：{result.stderr.strip()[:500]}",
            f"pg_dump failed: {result.stderr.strip()[:500]}",
        )
    return Snapshot(PG_MEMBER, dest, counts, schema)


def pg_drop_tables(info: dict[str, str]) -> None:
    """Empty the public schema before a restore: every table (with its triggers and owned
    sequences), then the remaining views, sequences and functions, in one transaction."""
    with pg_connect(info) as conn, conn.cursor() as cur:
        for table in _pg_tables(cur):
            cur.execute(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE")
        cur.execute("SELECT viewname FROM pg_views WHERE schemaname = 'public'")
        for (view,) in cur.fetchall():
            cur.execute(f"DROP VIEW IF EXISTS {_quote(view)} CASCADE")
        cur.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        for (sequence,) in cur.fetchall():
            cur.execute(f"DROP SEQUENCE IF EXISTS {_quote(sequence)} CASCADE")
        cur.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' "
            "WHERE n.nspname = 'public' AND p.prokind = 'f' AND d.objid IS NULL"
        )
        for (function,) in cur.fetchall():
            cur.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        conn.commit()


def pg_restore(info: dict[str, str], dump: Path) -> None:
    """``pg_restore`` a custom-format dump into the database ``info`` names, in one transaction."""
    with pg_connect(info) as conn:
        major = conn.info.server_version // 10000
    tool = pg_tool("pg_restore", major)
    result = subprocess.run(  # noqa: S603
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={info['dbname']}",
            str(dump),
        ],
        env=_pg_env(info),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore 失败：{result.stderr.strip()[:500]}",
            f"pg_restore failed: {result.stderr.strip()[:500]}",
        )


def pg_table_data(info: dict[str, str]) -> dict[str, int]:
    """Rows per table of a PostgreSQL database (for the emptiness check and verification)."""
    with pg_connect(info) as conn, conn.cursor() as cur:
        counts, _ = pg_counts_and_schema(cur)
        conn.rollback()
    return counts


def holds_data(counts: dict[str, int]) -> list[str]:
    """Tables with rows, leaving out those a freshly migrated instance fills by itself."""
    return sorted(t for t, n in counts.items() if n and t not in IGNORED_FOR_EMPTINESS)
