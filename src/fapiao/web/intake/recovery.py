"""恢复 (recovery) of imports interrupted by a crash, and a worker that outlives the database.

django-tasks-db claims a task by marking it running; a worker killed then leaves it running for
ever, and a web process killed between the commit of a batch and the enqueueing of its tasks
leaves items queued with no task.  :func:`intake_recover` finds both once their lease
(``FAPIAO_INTAKE_LEASE_SECONDS``) has run out — items parsing that long, items queued that long
with no live task — marks the dead tasks failed and enqueues each item again.  Parsing is
idempotent (``intake_item_process``), so the second run finishes the work exactly once.

:func:`worker_run` runs the database worker, checking the master key and recovering first, and
when the database is away (at start or later) waits with exponential back-off and starts again
instead of dying.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import time
import uuid
from collections.abc import Callable, Mapping

from django.db import DatabaseError, InterfaceError, close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone

from fapiao.web.events.services import event_record
from fapiao.web.intake.models import IntakeItem, ItemStatus
from fapiao.web.intake.services_parse import parse_lease

log = logging.getLogger(__name__)

TASK_PATH = "fapiao.web.intake.tasks.parse_intake_item"
WORKER_LOST = "fapiao.web.intake.recovery.WorkerLost"


class WorkerLost(Exception):
    """The worker that claimed a task stopped before finishing it (recorded on the task)."""


def _task_item_id(args_kwargs: object) -> int | None:
    if not isinstance(args_kwargs, Mapping):
        return None
    args = args_kwargs.get("args") or []
    kwargs = args_kwargs.get("kwargs") or {}
    value = args[0] if args else kwargs.get("item_id")
    return value if isinstance(value, int) else None


def intake_recover(
    *, now: dt.datetime | None = None, lease: dt.timedelta | None = None
) -> list[int]:
    """Enqueue again every item whose parse was lost; the ids enqueued (oldest first)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from fapiao.web.intake.services import _enqueue

    now = now or timezone.now()
    cutoff = now - (lease if lease is not None else parse_lease())
    stale = list(
        IntakeItem.objects.filter(
            Q(status=ItemStatus.PARSING, started_at__lt=cutoff)
            | Q(status=ItemStatus.QUEUED, batch__created_at__lt=cutoff)
        )
        .select_related("batch__company")
        .order_by("pk")
    )
    if not stale:
        return []
    with transaction.atomic(durable=True):
        tasks = DBTaskResult.objects.select_for_update().filter(
            task_path=TASK_PATH,
            status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        )
        live: set[int] = set()
        dead: list[uuid.UUID] = []
        for task in tasks:
            item_id = _task_item_id(task.args_kwargs)
            started = task.started_at
            if task.status == TaskResultStatus.RUNNING and started is not None and started < cutoff:
                dead.append(task.pk)
            elif item_id is not None:
                live.add(item_id)
        if dead:
            DBTaskResult.objects.filter(pk__in=dead).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback="worker lost: lease ran out",
            )
        lost = [item for item in stale if item.pk not in live]
        for item in lost:
            event_record(
                company=item.batch.company,
                actor=None,
                action="intake.item_requeued",
                obj=item,
                before={"status": item.status},
                after={"status": ItemStatus.QUEUED.value, "reason": "lease_expired"},
            )
            transaction.on_commit(functools.partial(_enqueue, item.pk))
    if lost:
        log.warning("re-enqueued %d intake items whose parse was lost", len(lost))
    return [item.pk for item in lost]


def worker_run(
    run: Callable[[], object],
    *,
    prepare: Callable[[], object] | None = None,
    first_delay: float = 0.5,
    max_delay: float = 30.0,
    sleep: Callable[[float], None] | None = None,
    max_attempts: int | None = None,
) -> int:
    """``prepare()`` once (the master-key check, which reads the database), recover lost items,
    then ``run()`` (the worker loop); on a database error, back off and retry, so a worker started
    while the database is down waits for it instead of exiting.

    The delay doubles from ``first_delay`` up to ``max_delay``.  ``max_attempts`` (tests) gives up
    after that many failed attempts, raising the last error.  Returns the failed attempts.
    """
    sleep = sleep or time.sleep
    delay, failures = first_delay, 0
    while True:
        try:
            if prepare is not None:
                prepare()
                prepare = None
            intake_recover()
            run()
            return failures
        except (DatabaseError, InterfaceError) as exc:
            failures += 1
            log.warning("database unavailable (%s); retrying in %.1fs", exc, delay)
            if max_attempts is not None and failures >= max_attempts:
                raise
        for conn in connections.all(initialized_only=True):
            with contextlib.suppress(DatabaseError, InterfaceError):
                conn.close()
        close_old_connections()
        sleep(delay)
        delay = min(delay * 2, max_delay)
