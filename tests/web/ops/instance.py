"""Run ``fapiao`` and small checks in a separate process against an instance of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
V1_ARCHIVE = FIXTURES / "backup-v1.fpbak"
V1_KEY = (FIXTURES / "backup-v1.master.key").read_text(encoding="ascii").strip()

_CHECK = """
import hashlib, json, django
django.setup()
from django.db import connection
from fapiao.web.invoices.models import StoredFile
from fapiao.web.invoices.storage import read_original
tables = sorted(connection.introspection.table_names())
with connection.cursor() as cur:
    counts = {}
    for t in tables:
        cur.execute('SELECT COUNT(*) FROM "%s"' % t)
        counts[t] = cur.fetchone()[0]
files = {f.sha256: hashlib.sha256(read_original(f)).hexdigest() for f in StoredFile.objects.all()}
print(json.dumps({"counts": counts, "files": files}))
"""


def instance_env(data_dir: Path, key: str = V1_KEY) -> dict[str, str]:
    """The environment of a SQLite instance in ``data_dir`` with the master key ``key``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAPIAO_", "DATABASE_URL"))}
    env.update(
        FAPIAO_DATA_DIR=str(data_dir),
        FAPIAO_MASTER_KEY=key,
        DJANGO_SETTINGS_MODULE="fapiao.web.settings",
        FAPIAO_TASKS_BACKEND="immediate",
    )
    return env


def fapiao(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``fapiao ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-c", "from fapiao.cli.main import app; app()", *args],
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=ROOT,
    )


def inspect(env: dict[str, str]) -> dict[str, dict[str, object]]:
    """Rows per table, and for every stored original: its SHA-256 after decryption."""
    done = subprocess.run(
        [sys.executable, "-c", _CHECK],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
