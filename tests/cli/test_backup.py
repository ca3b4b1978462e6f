"""``fapiao backup`` and ``fapiao restore`` in their own processes and instances."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from django.db import connection

from fapiao.core.crypto.keyring import generate_keyring
from web.ops.instance import V1_ARCHIVE, fapiao, inspect, instance_env


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

    result = fapiao("restore", str(damaged), env=instance_env(tmp_path / "data"))

    assert result.returncode == 2
    assert "altered or truncated" in " ".join(result.stderr.split())
    assert not (tmp_path / "data" / "fapiao.sqlite3").exists()


def test_a_truncated_archive_is_refused(tmp_path: Path):
    cut = tmp_path / "cut.fpbak"
    cut.write_bytes(V1_ARCHIVE.read_bytes()[:-100])
    result = fapiao("restore", str(cut), env=instance_env(tmp_path / "data"))
    assert result.returncode == 2
    assert "altered or truncated" in " ".join(result.stderr.split())


@pytest.mark.slow
def test_backup_of_a_restored_instance_restores_elsewhere_identically(tmp_path: Path):
    first = instance_env(tmp_path / "one")
    assert fapiao("restore", str(V1_ARCHIVE), env=first).returncode == 0
    archive = tmp_path / "copy.fpbak"

    made = fapiao("backup", "--out", str(archive), env=first)

    assert made.returncode == 0, made.stderr
    assert "已备份" in made.stdout
    second = instance_env(tmp_path / "two")
    restored = fapiao("restore", str(archive), env=second)
    assert restored.returncode == 0, restored.stderr
    one, two = inspect(first), inspect(second)
    one["counts"].pop("ops_jobrun")  # the backup's own run is recorded after its snapshot
    two["counts"].pop("ops_jobrun")
    assert one == two


@pytest.mark.slow
def test_scheduled_backups_go_to_the_backups_folder(tmp_path: Path):
    env = instance_env(tmp_path / "data")
    assert fapiao("restore", str(V1_ARCHIVE), env=env).returncode == 0
    assert fapiao("backup", env=env).returncode == 0
    [written] = (tmp_path / "data" / "backups").glob("fapiao-backup-*.fpbak")
    assert written.stat().st_mode & 0o077 == 0  # only the owner may read a backup


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_postgresql_database_then_refuse_a_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    from fapiao.web.keys.keyring import keyring_reset
    from fapiao.web.ops.services import backup_create
    from fapiao.web.ops.snapshot import pg_connect, pg_conninfo
    from web.ops.seed import seed_instance

    keyring = generate_keyring("pg-cli")
    monkeypatch.setenv("FAPIAO_MASTER_KEY", keyring.to_text())
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(tmp_path / "none.key"))
    settings.DATA_DIR = tmp_path
    keyring_reset()
    seed_instance(files_per_company=1)
    archive = tmp_path / "pg.fpbak"
    backup_create(out=archive)
    keyring_reset()
    admin = pg_conninfo(connection.settings_dict)
    scratch = f"fapiao_backup_test_{secrets.token_hex(6)}"
    with pg_connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        env = instance_env(tmp_path / "target", key=keyring.to_text())
        auth = f"{admin.get('user', 'postgres')}@{admin.get('host', '127.0.0.1')}"
        env["DATABASE_URL"] = f"postgres://{auth}:{admin.get('port', '5432')}/{scratch}"

        first = fapiao("restore", str(archive), env=env)
        assert first.returncode == 0, first.stderr + first.stdout
        found = inspect(env)
        assert found["counts"]["invoices_invoicerecord"] == 2
        assert all(stored == plain for stored, plain in found["files"].items())
        assert len(found["files"]) == 2

        again = fapiao("restore", str(archive), env=env)
        assert again.returncode == 2
        assert "holds data" in " ".join(again.stderr.split())
    finally:
        with pg_connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
