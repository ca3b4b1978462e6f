"""定时调度 (the periodic scheduler): django-tasks has none, so ``fapiao worker`` calls
:func:`run_due_jobs` every minute.

Each job is a :class:`~fapiao.web.ops.models.ScheduledJob` row.  A worker runs a due job only after
claiming its lease (``locked_until``/``locked_by``): on PostgreSQL with
``SELECT … FOR UPDATE SKIP LOCKED`` inside a short transaction, on SQLite with one conditional
``UPDATE … WHERE locked_until < now`` (SQLite serialises writers, so exactly one UPDATE matches).
Either way, however many workers poll, each due run happens once; a worker that dies mid-job
leaves a lease that expires, and the job is run again after it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone

from fapiao.core.invoice import CHINA_TZ
from fapiao.web.ops.models import ScheduledJob

log = logging.getLogger(__name__)

DEFAULT_LEASE = dt.timedelta(minutes=30)
POLL_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A periodic job: what to call, and every how long or at what time of day (China time)."""

    name: str
    run: Callable[[dt.datetime], object]
    interval: dt.timedelta | None = None
    daily_at: dt.time | None = None

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first run strictly after ``moment``."""
        if self.interval is not None:
            return moment + self.interval
        assert self.daily_at is not None
        local = moment.astimezone(CHINA_TZ)
        candidate = dt.datetime.combine(local.date(), self.daily_at, tzinfo=CHINA_TZ)
        if candidate <= local:
            candidate += dt.timedelta(days=1)
        return candidate.astimezone(dt.UTC)


def default_jobs() -> list[JobSpec]:
    """The jobs of every installation (see :mod:`fapiao.web.ops.jobs`)."""
    from fapiao.web.ops import jobs

    return [
        JobSpec("backup", jobs.backup_job, daily_at=dt.time(2, 0)),
        JobSpec("restore_drill", jobs.restore_drill_job, daily_at=dt.time(3, 30)),
        JobSpec("anomaly_detection", jobs.anomaly_job, daily_at=dt.time(6, 0)),
        JobSpec("deduction_reminder", jobs.deduction_job, daily_at=dt.time(8, 0)),
        JobSpec("reconciliation_overdue", jobs.reconciliation_job, daily_at=dt.time(9, 0)),
        JobSpec("intake_recovery", jobs.intake_recovery_job, interval=dt.timedelta(minutes=1)),
    ]


def worker_id() -> str:
    """Who holds a lease: host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def jobs_ensure(specs: Iterable[JobSpec], now: dt.datetime) -> None:
    """Create the rows of jobs that have none yet (first run: the next scheduled time)."""
    existing = set(ScheduledJob.objects.values_list("name", flat=True))
    for spec in specs:
        if spec.name in existing:
            continue
        ScheduledJob.objects.get_or_create(
            name=spec.name,
            defaults={
                "interval_seconds": int(spec.interval.total_seconds()) if spec.interval else None,
                "daily_at": spec.daily_at,
                "next_run_at": spec.next_after(now) if spec.daily_at else now,
            },
        )


def _claim(name: str, now: dt.datetime, holder: str, lease: dt.timedelta) -> bool:
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    due = ScheduledJob.objects.filter(free, name=name, next_run_at__lte=now)
    if connections["default"].vendor == "postgresql":
        with transaction.atomic():
            row = due.select_for_update(skip_locked=True).first()
            if row is None:
                return False
            row.locked_until, row.locked_by = now + lease, holder
            row.save(update_fields=["locked_until", "locked_by"])
            return True
    return due.update(locked_until=now + lease, locked_by=holder) == 1


def _finish(spec: JobSpec, now: dt.datetime, holder: str, error: str | None) -> None:
    ScheduledJob.objects.filter(name=spec.name, locked_by=holder).update(
        last_run_at=now,
        next_run_at=spec.next_after(now),
        locked_until=None,
        locked_by="",
        last_succeeded=error is None,
        last_error=error or "",
    )


def run_due_jobs(
    now: dt.datetime | None = None,
    *,
    specs: list[JobSpec] | None = None,
    holder: str | None = None,
    lease: dt.timedelta = DEFAULT_LEASE,
) -> list[str]:
    """Run every job that is due and whose lease this worker wins; the names run."""
    now = now or timezone.now()
    specs = default_jobs() if specs is None else specs
    holder = holder or worker_id()
    jobs_ensure(specs, now)
    by_name = {spec.name: spec for spec in specs}
    due = ScheduledJob.objects.filter(name__in=by_name, next_run_at__lte=now).order_by(
        "next_run_at", "name"
    )
    ran = []
    for name in list(due.values_list("name", flat=True)):
        if not _claim(name, now, holder, lease):
            continue
        spec = by_name[name]
        error = None
        try:
            spec.run(now)
        except Exception as exc:
            log.exception("scheduled job %s failed", name)
            error = f"{type(exc).__name__}: {exc}"
        _finish(spec, now, holder, error)
        ran.append(name)
    return ran


def scheduler_thread(stop: threading.Event, *, interval: float = POLL_SECONDS) -> threading.Thread:
    """A daemon thread that runs :func:`run_due_jobs` every ``interval`` seconds until ``stop``."""

    def loop() -> None:
        while not stop.is_set():
            try:
                close_old_connections()
                run_due_jobs()
            except Exception:
                log.exception("the scheduler failed; trying again in %s s", interval)
            finally:
                connections.close_all()
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="fapiao-scheduler", daemon=True)
    thread.start()
    return thread
