"""The periodic scheduler: each due run happens once, however many workers poll; leases hold."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connections

from fapiao.web.ops.models import ScheduledJob
from fapiao.web.ops.scheduler import JobSpec, default_jobs, run_due_jobs

T0 = dt.datetime(2025, 6, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Beijing


class Counter:
    def __init__(self, pause: float = 0.0) -> None:
        self.calls: list[dt.datetime] = []
        self.pause = pause
        self.lock = threading.Lock()

    def __call__(self, now: dt.datetime) -> None:
        with self.lock:
            self.calls.append(now)
        time.sleep(self.pause)


def test_daily_jobs_run_at_their_beijing_time():
    spec = JobSpec("x", Counter(), daily_at=dt.time(2, 0))
    assert spec.next_after(T0) == dt.datetime(2025, 6, 2, 18, 0, tzinfo=dt.UTC)  # 02:00 next day
    before = dt.datetime(2025, 6, 1, 17, 59, tzinfo=dt.UTC)  # 01:59 Beijing
    assert spec.next_after(before) == dt.datetime(2025, 6, 1, 18, 0, tzinfo=dt.UTC)
    hourly = JobSpec("y", Counter(), interval=dt.timedelta(hours=1))
    assert hourly.next_after(T0) == T0 + dt.timedelta(hours=1)


def test_the_default_jobs_are_backup_drill_the_alert_checks_and_intake_recovery():
    specs = {spec.name: spec for spec in default_jobs()}
    assert list(specs) == [
        "backup",
        "restore_drill",
        "anomaly_detection",
        "deduction_reminder",
        "reconciliation_overdue",
        "intake_recovery",
    ]
    assert specs["intake_recovery"].interval == dt.timedelta(minutes=1)
    assert specs["intake_recovery"].daily_at is None


@pytest.fixture
def lost_parse(tmp_path, settings, monkeypatch):
    """An intake item whose worker died mid-parse ten minutes ago (its task still "running")."""
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from fapiao.web.intake.models import IntakeBatch, IntakeItem, ItemStatus
    from fapiao.web.intake.recovery import TASK_PATH
    from fapiao.web.invoices.services import stored_file_create
    from fapiao.web.keys.keyring import keyring_reset
    from faults.harness import make_files
    from web.companies.factories import CompanyFactory, UserFactory

    settings.MEDIA_ROOT = tmp_path / "files"
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(tmp_path / "keys" / "master.key"))
    monkeypatch.delenv("FAPIAO_MASTER_KEY", raising=False)
    keyring_reset()
    company, user = CompanyFactory(), UserFactory()
    [upload] = make_files(1, multi=0, seed=5)
    stored, _ = stored_file_create(company=company, content=upload.content)
    batch = IntakeBatch.objects.create(company=company, created_by=user)
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    IntakeBatch.objects.filter(pk=batch.pk).update(created_at=long_ago)
    item = IntakeItem.objects.create(
        batch=batch,
        stored_file=stored,
        name=upload.name,
        status=ItemStatus.PARSING,
        started_at=long_ago,
    )
    DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [item.pk], "kwargs": {}},
        task_path=TASK_PATH,
        backend_name="default",
        queue_name="default",
        run_after=long_ago,
        started_at=long_ago,
        exception_class_path="",
        traceback="",
    )
    return item


def _recovery_specs():
    return [spec for spec in default_jobs() if spec.name == "intake_recovery"]


@pytest.mark.django_db
def test_the_scheduler_recovers_a_lost_parse_at_its_first_poll(
    lost_parse, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from fapiao.web.invoices.models import InvoiceRecord

    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_jobs(now, specs=_recovery_specs()) == ["intake_recovery"]
    lost_parse.refresh_from_db()
    assert lost_parse.status == "done"
    assert InvoiceRecord.objects.filter(company=lost_parse.batch.company).count() == 1
    row = ScheduledJob.objects.get(name="intake_recovery")
    assert row.last_succeeded is True
    assert row.next_run_at == now + dt.timedelta(minutes=1)
    # a minute later there is nothing left to recover: it runs, changes nothing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert run_due_jobs(now + dt.timedelta(minutes=1), specs=_recovery_specs()) == [
            "intake_recovery"
        ]
    assert callbacks == []
    assert InvoiceRecord.objects.filter(company=lost_parse.batch.company).count() == 1


@pytest.mark.django_db
def test_the_recovery_job_leaves_a_live_parse_alone(lost_parse, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from fapiao.web.events.models import Event

    fresh = timezone.now()
    type(lost_parse).objects.filter(pk=lost_parse.pk).update(started_at=fresh)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert run_due_jobs(fresh, specs=_recovery_specs()) == ["intake_recovery"]
    assert callbacks == []
    lost_parse.refresh_from_db()
    assert lost_parse.status == "parsing"
    assert not Event.objects.filter(action="intake.item_requeued").exists()


@pytest.mark.django_db
def test_a_job_runs_when_due_and_not_again_before_its_next_time():
    counter = Counter()
    specs = [JobSpec("hourly", counter, interval=dt.timedelta(hours=1))]

    assert run_due_jobs(T0, specs=specs) == ["hourly"]
    assert run_due_jobs(T0 + dt.timedelta(minutes=59), specs=specs) == []
    assert run_due_jobs(T0 + dt.timedelta(hours=1), specs=specs) == ["hourly"]

    assert counter.calls == [T0, T0 + dt.timedelta(hours=1)]
    row = ScheduledJob.objects.get(name="hourly")
    assert row.last_succeeded is True
    assert row.locked_until is None
    assert row.next_run_at == T0 + dt.timedelta(hours=2)


@pytest.mark.django_db
def test_a_daily_job_waits_for_its_first_time():
    counter = Counter()
    specs = [JobSpec("nightly", counter, daily_at=dt.time(2, 0))]
    assert run_due_jobs(T0, specs=specs) == []
    night = dt.datetime(2025, 6, 2, 18, 0, tzinfo=dt.UTC)
    assert run_due_jobs(night, specs=specs) == ["nightly"]
    assert run_due_jobs(night + dt.timedelta(hours=23), specs=specs) == []
    assert len(counter.calls) == 1


@pytest.mark.django_db
def test_a_held_lease_is_respected_until_it_expires():
    counter = Counter()
    specs = [JobSpec("hourly", counter, interval=dt.timedelta(hours=1))]
    run_due_jobs(T0, specs=specs)
    later = T0 + dt.timedelta(hours=1)
    ScheduledJob.objects.filter(name="hourly").update(
        locked_until=later + dt.timedelta(minutes=10), locked_by="another-worker"
    )

    assert run_due_jobs(later, specs=specs) == []
    assert run_due_jobs(later + dt.timedelta(minutes=5), specs=specs) == []
    assert run_due_jobs(later + dt.timedelta(minutes=11), specs=specs) == ["hourly"]
    assert len(counter.calls) == 2


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_does_not_stop_the_others():
    def broken(now: dt.datetime) -> None:
        raise RuntimeError("disk on fire")

    counter = Counter()
    specs = [
        JobSpec("a-broken", broken, interval=dt.timedelta(hours=1)),
        JobSpec("b-fine", counter, interval=dt.timedelta(hours=1)),
    ]
    assert run_due_jobs(T0, specs=specs) == ["a-broken", "b-fine"]
    row = ScheduledJob.objects.get(name="a-broken")
    assert row.last_succeeded is False
    assert "disk on fire" in row.last_error
    assert row.next_run_at == T0 + dt.timedelta(hours=1)
    assert row.locked_until is None
    assert len(counter.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_run_each_due_job_once():
    counters = {name: Counter(pause=0.2) for name in ("one", "two", "three")}
    specs = [JobSpec(n, c, interval=dt.timedelta(hours=1)) for n, c in counters.items()]
    run_due_jobs(T0 - dt.timedelta(days=1), specs=[])  # nothing to run: just a warm connection
    from fapiao.web.ops.scheduler import jobs_ensure

    jobs_ensure(specs, T0)
    barrier = threading.Barrier(2)
    ran: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def worker(holder: str) -> None:
        try:
            barrier.wait()
            for minute in range(3):  # each worker polls three times within the hour
                ran.setdefault(holder, []).extend(
                    run_due_jobs(T0 + dt.timedelta(minutes=minute), specs=specs, holder=holder)
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(h,)) for h in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert {name: len(c.calls) for name, c in counters.items()} == {
        "one": 1,
        "two": 1,
        "three": 1,
    }
    assert sorted(ran["w1"] + ran["w2"]) == ["one", "three", "two"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_thread_polls_until_stopped():
    from fapiao.web.ops.scheduler import scheduler_thread

    stop = threading.Event()
    thread = scheduler_thread(stop, interval=0.05)
    deadline = time.monotonic() + 30
    while ScheduledJob.objects.count() < len(default_jobs()) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=10)

    assert not thread.is_alive()
    assert set(ScheduledJob.objects.values_list("name", flat=True)) == {
        spec.name for spec in default_jobs()
    }
    # the daily jobs wait for their first time; only the minutely intake recovery ran on start
    ran = ScheduledJob.objects.filter(last_run_at__isnull=False)
    assert list(ran.values_list("name", flat=True)) == ["intake_recovery"]
