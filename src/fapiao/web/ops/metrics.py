"""指标 (metrics) in the Prometheus text exposition format (version 0.0.4).

Counts come from the database, so every web process reports the same numbers: intake files by
status (imports and parse failures), queued background tasks, the waiting time of recently run
tasks, alerts by code and status, and the last successful backup and restore drill.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.db.models import Count, Max
from django.utils import timezone

QUANTILES = (0.5, 0.9, 0.99)
LATENCY_SAMPLE = 1000


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items())) + "}"


class Exposition:
    """Lines of one scrape: HELP and TYPE once per metric, then its samples."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def metric(
        self, name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]
    ) -> None:
        """Add a metric with its samples (labels, value)."""
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            self.lines.append(f"{name}{_labels(labels)} {_number(value)}")

    def text(self) -> str:
        """The exposition text."""
        return "\n".join(self.lines) + "\n"


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    return repr(float(value))


def _quantile(ordered: list[float], q: float) -> float:
    if not ordered:
        return math.nan
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def _intake(out: Exposition) -> None:
    from fapiao.web.intake.models import IntakeItem, ItemStatus

    counts = dict(IntakeItem.objects.values_list("status").annotate(n=Count("pk")))
    out.metric(
        "fapiao_intake_files",
        "gauge",
        "Uploaded files by parse status (imports).",
        (({"status": s}, counts.get(s, 0)) for s in ItemStatus.values),
    )
    out.metric(
        "fapiao_imports_total",
        "counter",
        "Files whose import finished (done or failed).",
        [({}, counts.get(ItemStatus.DONE, 0) + counts.get(ItemStatus.FAILED, 0))],
    )
    out.metric(
        "fapiao_parse_failures_total",
        "counter",
        "Files whose parsing failed.",
        [({}, counts.get(ItemStatus.FAILED, 0))],
    )


def _tasks(out: Exposition, now: dt.datetime) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ready = dict(
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .values_list("queue_name")
        .annotate(n=Count("pk"))
    )
    out.metric(
        "fapiao_task_queue_depth",
        "gauge",
        "Background tasks waiting to run, per queue.",
        (({"queue": q}, n) for q, n in sorted(ready.items()))
        if ready
        else [({"queue": "default"}, 0)],
    )
    recent = DBTaskResult.objects.filter(
        started_at__isnull=False, finished_at__gte=now - dt.timedelta(hours=1)
    ).order_by("-finished_at")[:LATENCY_SAMPLE]
    waits = sorted(
        (r.started_at - r.enqueued_at).total_seconds()
        for r in recent.only("enqueued_at", "started_at")
        if r.started_at is not None
    )
    samples: list[tuple[dict[str, str], float]] = [
        ({"quantile": str(q)}, _quantile(waits, q)) for q in QUANTILES
    ]
    out.metric(
        "fapiao_task_latency_seconds",
        "summary",
        "Seconds from enqueueing to start, tasks finished in the last hour.",
        samples,
    )
    out.lines.append(f"fapiao_task_latency_seconds_sum {_number(float(sum(waits)))}")
    out.lines.append(f"fapiao_task_latency_seconds_count {len(waits)}")


def _alerts(out: Exposition) -> None:
    from fapiao.web.alerts.selectors import alert_counts_by_code

    out.metric(
        "fapiao_alerts",
        "gauge",
        "Alerts by code and status, all companies.",
        (({"code": c, "status": s}, n) for c, s, n in alert_counts_by_code()),
    )


def _jobs(out: Exposition) -> None:
    from fapiao.web.ops.models import JobRun

    last = dict(
        JobRun.objects.filter(succeeded=True)
        .values_list("job_name")
        .annotate(at=Max("finished_at"))
    )
    for job, name in (("backup", "backup"), ("restore_drill", "restore_drill")):
        at = last.get(job)
        out.metric(
            f"fapiao_{name}_last_success_timestamp_seconds",
            "gauge",
            f"Unix time of the last successful {job.replace('_', ' ')} (0: never).",
            [({}, at.timestamp() if at else 0)],
        )
    failed = dict(
        JobRun.objects.filter(succeeded=False).values_list("job_name").annotate(n=Count("pk"))
    )
    out.metric(
        "fapiao_job_failures_total",
        "counter",
        "Failed runs of periodic jobs.",
        (({"job": j}, n) for j, n in sorted(failed.items())),
    )


def metrics_text(now: dt.datetime | None = None) -> str:
    """The whole exposition."""
    now = now or timezone.now()
    out = Exposition()
    _intake(out)
    _tasks(out, now)
    _alerts(out)
    _jobs(out)
    return out.text()
