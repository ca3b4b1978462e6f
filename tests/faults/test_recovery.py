"""The pieces under the fault tests, in one process: checkpoints, lost-parse recovery, back-off."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fapiao.web import faults
from fapiao.web.events.models import Event
from fapiao.web.intake.models import IntakeBatch, IntakeItem, ItemStatus
from fapiao.web.intake.recovery import TASK_PATH, WORKER_LOST, intake_recover, worker_run
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.keys.keyring import keyring_reset
from faults.harness import make_files
from web.companies.factories import CompanyFactory, UserFactory


def test_checkpoint_specs_are_checked() -> None:
    assert faults.parse_spec(None) is None
    assert faults.parse_spec("mid_save:3") == ("mid_save", 3)
    assert faults.parse_spec("parsed") == ("parsed", 1)
    with pytest.raises(ValueError, match="unknown checkpoint"):
        faults.parse_spec("nowhere:1")
    with pytest.raises(ValueError, match="starts at 1"):
        faults.parse_spec("parsed:0")


def test_a_checkpoint_kills_the_process_the_nth_time_only() -> None:
    code = (
        "from fapiao.web.faults import checkpoint\n"
        "for n in range(1, 4):\n"
        "    checkpoint('saved'); checkpoint('parsed'); print(n, flush=True)\n"
    )
    env = {**os.environ, "FAPIAO_FAULT_CHECKPOINT": "parsed:2"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, timeout=60, check=False
    )
    assert done.returncode == -9
    assert done.stdout.split() == [b"1"]
    env.pop("FAPIAO_FAULT_CHECKPOINT")
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.split()) == (0, [b"1", b"2", b"3"])


@pytest.fixture
def item_factory(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.MEDIA_ROOT = tmp_path / "files"
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(tmp_path / "keys" / "master.key"))
    monkeypatch.delenv("FAPIAO_MASTER_KEY", raising=False)
    keyring_reset()
    company, user = CompanyFactory(), UserFactory()
    files = iter(make_files(6, multi=0, seed=77))

    def make(status: ItemStatus, age: dt.timedelta) -> IntakeItem:
        upload = next(files)
        stored, _ = stored_file_create(company=company, content=upload.content)
        batch = IntakeBatch.objects.create(company=company, created_by=user)
        IntakeBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - age)
        return IntakeItem.objects.create(
            batch=batch,
            stored_file=stored,
            name=upload.name,
            status=status,
            started_at=timezone.now() - age if status == ItemStatus.PARSING else None,
        )

    return make


def _task(item: IntakeItem, status: str, age: dt.timedelta) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [item.pk], "kwargs": {}},
        task_path=TASK_PATH,
        backend_name="default",
        queue_name="default",
        run_after=now,
        started_at=now - age if status == TaskResultStatus.RUNNING else None,
        exception_class_path="",
        traceback="",
    )


@pytest.mark.django_db
def test_lost_parses_are_enqueued_again_and_live_ones_left_alone(
    item_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    old, fresh = dt.timedelta(minutes=10), dt.timedelta(seconds=5)
    dead_worker = item_factory(ItemStatus.PARSING, old)  # its worker died mid-parse
    dead_task = _task(dead_worker, TaskResultStatus.RUNNING, old)
    never_enqueued = item_factory(ItemStatus.QUEUED, old)  # web killed before enqueue
    waiting = item_factory(ItemStatus.QUEUED, old)  # queue is long, its task is still ready
    _task(waiting, TaskResultStatus.READY, old)
    busy = item_factory(ItemStatus.PARSING, fresh)  # a live worker is on it
    _task(busy, TaskResultStatus.RUNNING, fresh)
    just_uploaded = item_factory(ItemStatus.QUEUED, fresh)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = intake_recover(lease=dt.timedelta(minutes=5))

    assert requeued == [dead_worker.pk, never_enqueued.pk]
    statuses = dict(IntakeItem.objects.values_list("pk", "status"))
    assert statuses[dead_worker.pk] == statuses[never_enqueued.pk] == ItemStatus.DONE
    assert statuses[waiting.pk] == statuses[just_uploaded.pk] == ItemStatus.QUEUED
    assert statuses[busy.pk] == ItemStatus.PARSING
    dead_task.refresh_from_db()
    assert (dead_task.status, dead_task.exception_class_path) == ("FAILED", WORKER_LOST)
    assert InvoiceRecord.objects.count() == 2
    assert Event.objects.filter(action="intake.item_requeued").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert intake_recover(lease=dt.timedelta(minutes=5)) == []  # nothing left to recover


@pytest.mark.django_db
def test_the_worker_backs_off_while_the_database_is_away() -> None:
    calls, sleeps = [], []

    def run() -> None:
        calls.append(1)
        if len(calls) <= 3:
            raise OperationalError("connection refused")

    assert worker_run(run, sleep=sleeps.append, first_delay=0.5, max_delay=1.5) == 3
    assert sleeps == [0.5, 1.0, 1.5]

    def never() -> None:
        raise OperationalError("connection refused")

    with pytest.raises(OperationalError):
        worker_run(never, sleep=sleeps.append, max_attempts=2)


@pytest.mark.django_db
def test_the_worker_checks_its_key_once_the_database_is_back() -> None:
    calls: list[str] = []
    sleeps: list[float] = []

    def prepare() -> None:
        calls.append("prepare")
        if calls.count("prepare") <= 2:  # the key check reads the database: away at first
            raise OperationalError("connection refused")

    def run() -> None:
        calls.append("run")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("fapiao.web.intake.recovery.intake_recover", lambda: calls.append("recover"))
        assert worker_run(run, prepare=prepare, sleep=sleeps.append, first_delay=0.5) == 2
    assert calls == ["prepare", "prepare", "prepare", "recover", "run"]
    assert sleeps == [0.5, 1.0]
