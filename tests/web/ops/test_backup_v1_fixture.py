"""The committed version-1 backup (tests/fixtures/backup-v1.fpbak) restores forever.

It was made by tests/fixtures/make_backup_v1.py with the schema of its day; restoring it into an
empty instance applies every later migration.  Never regenerate it to make this test pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fapiao.core.crypto.keyring import generate_keyring
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


def test_a_wrong_master_key_is_refused_with_a_clear_message_and_nothing_written(tmp_path: Path):
    env = instance_env(tmp_path / "data", key=generate_keyring("other").to_text())

    result = fapiao("restore", str(V1_ARCHIVE), env=env)

    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "test-v1" in message
    assert "not this instance's master key" in message
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "fapiao.sqlite3").exists()


def test_a_damaged_archive_is_refused_with_the_reason(tmp_path: Path):
    damaged = tmp_path / "damaged.fpbak"
    data = bytearray(V1_ARCHIVE.read_bytes())
    data[len(data) // 2] ^= 0x40
    damaged.write_bytes(bytes(data))
    env = instance_env(tmp_path / "data")

    result = fapiao("restore", str(damaged), env=env)

    assert result.returncode == 2
    assert "altered or truncated" in " ".join(result.stderr.split())
    assert not (tmp_path / "data" / "fapiao.sqlite3").exists()


@pytest.mark.slow
def test_cli_backup_of_a_restored_instance_restores_elsewhere_identically(tmp_path: Path):
    first = instance_env(tmp_path / "one")
    assert fapiao("restore", str(V1_ARCHIVE), env=first).returncode == 0
    archive = tmp_path / "copy.fpbak"

    made = fapiao("backup", "--out", str(archive), env=first)

    assert made.returncode == 0, made.stderr
    assert archive.exists()
    second = instance_env(tmp_path / "two")
    restored = fapiao("restore", str(archive), env=second)
    assert restored.returncode == 0, restored.stderr
    one, two = inspect(first), inspect(second)
    one["counts"].pop("ops_jobrun")  # the backup's own run is recorded after its snapshot
    two["counts"].pop("ops_jobrun")
    assert one == two
