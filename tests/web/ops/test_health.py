"""/healthz, /readyz and /metrics."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fapiao.core.crypto.keyring import generate_keyring, write_key_file
from fapiao.web.alerts.models import Alert
from fapiao.web.intake.models import IntakeBatch, IntakeItem, ItemStatus
from fapiao.web.keys.keyring import keyring_reset
from fapiao.web.ops.models import JobRun
from web.invoices.factories import StoredFileFactory

pytestmark = pytest.mark.django_db


def _value(text: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    assert match, f"{sample} not in metrics"
    return float(match.group(1))


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_is_ready_with_database_migrations_data_dir_and_key(client, master_key):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {
        "database": {"ok": True},
        "migrations": {"ok": True},
        "data_dir": {"ok": True},
        "master_key": {"ok": True},
    }


def test_readyz_says_why_it_is_not_ready(client, master_key, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path / "missing" / "folder"
    key_file = tmp_path / "master.key"
    write_key_file(key_file, generate_keyring("different"))
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(key_file))
    keyring_reset()

    response = client.get("/readyz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["data_dir"]["ok"] is False
    assert "not writable" in checks["data_dir"]["reason"]
    assert checks["master_key"]["ok"] is False
    assert "hold different master keys" in checks["master_key"]["reason"]


def test_metrics_in_prometheus_format(client, company, user):
    batch = IntakeBatch.objects.create(company=company, created_by=user)
    for status in (ItemStatus.DONE, ItemStatus.DONE, ItemStatus.FAILED, ItemStatus.QUEUED):
        IntakeItem.objects.create(
            batch=batch, stored_file=StoredFileFactory(company=company), status=status
        )
    now = timezone.now()
    for _ in range(3):
        DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="fapiao.web.intake.tasks.parse",
            backend_name="default",
            queue_name="default",
            run_after=now,
            status="READY",
        )
    done = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="fapiao.web.intake.tasks.parse",
        backend_name="default",
        queue_name="default",
        run_after=now,
        status="SUCCESSFUL",
    )
    DBTaskResult.objects.filter(pk=done.pk).update(
        enqueued_at=now - dt.timedelta(seconds=4),
        started_at=now - dt.timedelta(seconds=1),
        finished_at=now,
    )
    Alert.objects.create(
        company=company, code="anomaly.risky_seller", severity="warning", subject="s", message="m"
    )
    JobRun.objects.create(
        job_name="backup", started_at=now, finished_at=now, succeeded=True, detail="x"
    )

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "# TYPE fapiao_imports_total counter" in text
    assert _value(text, "fapiao_imports_total") == 3
    assert _value(text, "fapiao_parse_failures_total") == 1
    assert _value(text, 'fapiao_intake_files{status="queued"}') == 1
    assert _value(text, 'fapiao_task_queue_depth{queue="default"}') == 3
    assert _value(text, 'fapiao_task_latency_seconds{quantile="0.5"}') == pytest.approx(3.0)
    assert _value(text, "fapiao_task_latency_seconds_count") == 1
    assert _value(text, 'fapiao_alerts{code="anomaly.risky_seller",status="open"}') == 1
    assert _value(text, "fapiao_backup_last_success_timestamp_seconds") == pytest.approx(
        now.timestamp()
    )
    assert _value(text, "fapiao_restore_drill_last_success_timestamp_seconds") == 0


def test_metrics_only_from_this_machine_without_a_token(client):
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.8").status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


def test_metrics_with_a_token_need_it_from_everywhere(client, monkeypatch):
    monkeypatch.setenv("FAPIAO_METRICS_TOKEN", "scrape-me")
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = client.get("/metrics", REMOTE_ADDR="10.0.0.8", HTTP_AUTHORIZATION="Bearer scrape-me")
    assert ok.status_code == 200
