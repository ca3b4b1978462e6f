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


def test_the_default_jobs_are_backup_drill_and_the_alert_checks():
    names = [spec.name for spec in default_jobs()]
    assert names == [
        "backup",
        "restore_drill",
        "anomaly_detection",
        "deduction_reminder",
        "reconciliation_overdue",
    ]


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
    # the daily jobs wait for their first time: nothing ran on start
    assert not ScheduledJob.objects.filter(last_run_at__isnull=False).exists()
