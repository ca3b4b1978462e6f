"""The committed version-1 backup (tests/fixtures/backup-v1.fpbak) restores forever.

It was made by tests/fixtures/make_backup_v1.py with the schema of its day; restoring it into an
empty instance applies every later migration.  Never regenerate it to make this test pass.
"""

from __future__ import annotations

import json
from pathlib import Path

from web.ops.instance import FIXTURES, V1_ARCHIVE, fapiao, inspect, instance_env

MANIFEST = json.loads((FIXTURES / "backup-v1.manifest.json").read_text(encoding="utf-8"))
DATA_TABLES = (
    "auth_user",
    "companies_company",
    "companies_membership",
    "invoices_invoicerecord",
    "invoices_invoicelinerecord",
    "invoices_invoicesource",
    "invoices_storedfile",
    "keys_companykey",
)


def test_the_fixture_is_small_and_its_key_is_a_test_key():
    assert V1_ARCHIVE.stat().st_size < 200_000
    assert MANIFEST["counts"]["invoices_invoicerecord"] == 6
    assert MANIFEST["files"] == 6


def test_the_v1_archive_restores_migrates_and_refuses_a_second_restore(tmp_path: Path):
    env = instance_env(tmp_path / "data")

    first = fapiao("restore", str(V1_ARCHIVE), env=env)

    assert first.returncode == 0, first.stderr + first.stdout
    assert "已恢复" in first.stdout
    found = inspect(env)
    for table in DATA_TABLES:
        assert found["counts"][table] == MANIFEST["counts"][table], table
    # every original decrypts to the content its record names (bit for bit)
    assert len(found["files"]) == 6
    assert all(stored == plain for stored, plain in found["files"].items())
    check = fapiao("restore", str(V1_ARCHIVE), env=env)
    assert check.returncode == 2
    assert "instance holds data" in " ".join(check.stderr.split())
    assert "--force" in check.stderr

    forced = fapiao("restore", "--force", str(V1_ARCHIVE), env=env)
    assert forced.returncode == 0, forced.stderr
    assert len(list((tmp_path / "data").glob("fapiao.sqlite3.pre-restore-*"))) == 1
