"""健康检查 (health checks): is the process alive, and can it serve (readiness)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


@dataclass(frozen=True, slots=True)
class Check:
    """One readiness check: passed or not, and why."""

    name: str
    ok: bool
    reason: str = ""


def _database() -> Check:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Check("database", False, f"database unreachable: {type(exc).__name__}: {exc}")
    return Check("database", True)


def _migrations() -> Check:
    try:
        executor = MigrationExecutor(connections["default"])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Check("migrations", False, f"cannot read migrations: {exc}")
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        return Check("migrations", False, f"{len(plan)} migrations not applied: {names}")
    return Check("migrations", True)


def _data_dir() -> Check:
    folder = Path(settings.DATA_DIR)
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as handle:
            handle.write(b"ok")
            handle.flush()
    except OSError as exc:
        return Check("data_dir", False, f"data directory {folder} not writable: {exc.strerror}")
    return Check("data_dir", True)


def _master_key() -> Check:
    from fapiao.core.errors import FapiaoError
    from fapiao.web.keys.keyring import keyring_check

    try:
        keyring_check()
    except FapiaoError as exc:
        return Check("master_key", False, exc.message_en)
    except DatabaseError as exc:
        return Check("master_key", False, f"cannot read data keys: {type(exc).__name__}")
    return Check("master_key", True)


def readiness() -> list[Check]:
    """Database reachable, migrations applied, data directory writable, master key usable."""
    first = _database()
    if not first.ok:
        return [first, Check("migrations", False, "database unreachable"), _data_dir()]
    return [first, _migrations(), _data_dir(), _master_key()]
