"""作业失败 (failed jobs): an import, a backup or a restore drill (恢复演练) that did not succeed.

Every failed import alerts (each is a different file, and nothing may be lost silently).  A failed
backup or restore drill alerts until a later run of the same kind succeeds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fapiao.core.anomalies.base import Alert
from fapiao.core.findings import Severity


class JobKind(StrEnum):
    """The jobs whose failure alerts."""

    IMPORT = "import"  # 导入
    BACKUP = "backup"  # 备份
    RESTORE_DRILL = "restore_drill"  # 恢复演练


JOB_FAILED = {
    JobKind.IMPORT: "anomaly.import_failed",
    JobKind.BACKUP: "anomaly.backup_failed",
    JobKind.RESTORE_DRILL: "anomaly.restore_drill_failed",
}
_LABELS = {
    JobKind.IMPORT: ("导入", "Import"),
    JobKind.BACKUP: ("备份", "Backup"),
    JobKind.RESTORE_DRILL: ("恢复演练", "Restore drill"),
}


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """作业结果: how one run of a job ended."""

    job_id: str
    kind: JobKind
    succeeded: bool
    finished_at: dt.datetime  # aware UTC instant
    detail: str | None = None  # the error, or the file name of an import


def detect_failed_jobs(company: str, outcomes: Iterable[JobOutcome]) -> list[Alert]:
    """One alert per failed import, and per failed backup or restore drill not yet followed by a
    successful run of the same kind."""
    ordered = sorted(outcomes, key=lambda o: (o.finished_at, o.job_id))
    last_success: dict[JobKind, dt.datetime] = {}
    for outcome in ordered:
        if outcome.succeeded:
            last_success[outcome.kind] = outcome.finished_at
    alerts = []
    for outcome in ordered:
        if outcome.succeeded:
            continue
        recovered = last_success.get(outcome.kind)
        if outcome.kind is not JobKind.IMPORT and recovered and recovered > outcome.finished_at:
            continue
        label, label_en = _LABELS[outcome.kind]
        when = outcome.finished_at.isoformat(timespec="seconds")
        detail = f"：{outcome.detail}" if outcome.detail else ""
        detail_en = f": {outcome.detail}" if outcome.detail else ""
        alerts.append(
            Alert(
                JOB_FAILED[outcome.kind],
                Severity.ERROR,
                company,
                f"job:{outcome.kind.value}:{outcome.job_id}",
                f"{label}作业 {outcome.job_id} 于 {when} 失败{detail}",
                f"{label_en} job {outcome.job_id} failed at {when}{detail_en}",
                {"job_id": outcome.job_id, "kind": outcome.kind, "finished_at": when},
            )
        )
    return alerts
