"""The scheduled backup and the restore drill: retention, a drill that passes, one that fails
and alerts every company."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from fapiao.web.alerts.models import Alert
from fapiao.web.ops.jobs import backup_job, restore_drill_job
from fapiao.web.ops.models import JobRun
from fapiao.web.ops.restore import backup_drill
from fapiao.web.ops.retention import backup_name
from fapiao.web.ops.services import backups_dir, backups_list
from web.ops.seed import seed_instance

pytestmark = pytest.mark.django_db(transaction=True)

NIGHT = dt.datetime(2025, 6, 1, 18, 0, tzinfo=dt.UTC)


def test_the_nightly_backup_lands_in_the_backups_folder_and_the_drill_passes(master_key):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL drill needs CREATE DATABASE; see test_postgres_drill")
    seed_instance(files_per_company=1)

    backup_job(NIGHT)
    restore_drill_job(NIGHT + dt.timedelta(hours=1))

    assert [p.name for _, p in backups_list()] == [backup_name(NIGHT)]
    runs = {r.job_name: r.succeeded for r in JobRun.objects.all()}
    assert runs == {"backup": True, "restore_drill": True}
    assert not Alert.objects.exists()


def test_old_backups_are_pruned_by_the_retention_policy(master_key):
    seed_instance(files_per_company=1)
    folder = backups_dir()
    folder.mkdir(parents=True)
    for days in range(1, 40):  # a stale backup every day for 39 days
        (folder / backup_name(NIGHT - dt.timedelta(days=days))).write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup")

    backup_job(NIGHT)

    kept = [at for at, _ in backups_list()]
    assert kept[0] == NIGHT
    assert len(kept) <= 7 + 4 + 12
    assert NIGHT - dt.timedelta(days=6) in kept
    assert NIGHT - dt.timedelta(days=9) not in kept
    assert (folder / "notes.txt").exists()


def test_a_damaged_latest_backup_fails_the_drill_and_alerts_every_company(master_key):
    made = seed_instance(files_per_company=1)
    backup_job(NIGHT)
    [(_, path)] = backups_list()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    result = backup_drill()
    assert not result.succeeded
    assert "altered or truncated" in result.problem_en

    restore_drill_job(NIGHT + dt.timedelta(hours=1))
    for company in made["companies"]:
        codes = set(Alert.objects.filter(company=company).values_list("code", flat=True))
        assert codes == {"anomaly.restore_drill_failed"}


def test_a_drill_without_any_backup_fails(master_key):
    result = backup_drill()
    assert not result.succeeded
    assert result.problem_en == "There is no backup to drill"


def test_postgres_drill(master_key):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    seed_instance(files_per_company=1)
    backup_job(NIGHT)
    result = backup_drill()
    assert result.succeeded, result.problem_en
