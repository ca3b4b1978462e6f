from __future__ import annotations

import datetime as dt

from fapiao.core.anomalies import JobKind, JobOutcome, detect_failed_jobs
from fapiao.core.findings import Severity

T0 = dt.datetime(2024, 6, 1, 2, 0, tzinfo=dt.UTC)


def _at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_every_failed_import_alerts_with_its_detail() -> None:
    outcomes = [
        JobOutcome("imp-1", JobKind.IMPORT, False, _at(0), "发票.xlsx: 缺少列 发票号码"),
        JobOutcome("imp-2", JobKind.IMPORT, True, _at(1)),
    ]
    [alert] = detect_failed_jobs("acme", outcomes)
    assert alert.code == "anomaly.import_failed"
    assert alert.severity is Severity.ERROR
    assert alert.subject == "job:import:imp-1"
    assert "缺少列 发票号码" in alert.message
    assert "Import job imp-1 failed" in alert.message_en


def test_backup_failure_alerts_until_a_later_backup_succeeds() -> None:
    failed = JobOutcome("bk-1", JobKind.BACKUP, False, _at(0), "disk full")
    [alert] = detect_failed_jobs(
        "acme", [failed, JobOutcome("bk-0", JobKind.BACKUP, True, _at(-24))]
    )
    assert alert.code == "anomaly.backup_failed"
    assert (
        detect_failed_jobs("acme", [failed, JobOutcome("bk-2", JobKind.BACKUP, True, _at(1))]) == []
    )


def test_restore_drill_failure_is_not_cleared_by_a_backup() -> None:
    outcomes = [
        JobOutcome("dr-1", JobKind.RESTORE_DRILL, False, _at(0)),
        JobOutcome("bk-2", JobKind.BACKUP, True, _at(1)),
    ]
    [alert] = detect_failed_jobs("acme", outcomes)
    assert alert.code == "anomaly.restore_drill_failed"
    assert "恢复演练作业 dr-1" in alert.message
