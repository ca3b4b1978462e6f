"""The periodic jobs the scheduler runs (:func:`fapiao.web.ops.scheduler.default_jobs`).

Each takes the scheduled instant and calls services; it raises only for a failure the scheduler
should record.  Backups and drills record their own outcome (a ``JobRun``) and then let the
failed-job detector alert every company.
"""

from __future__ import annotations

import datetime as dt
import logging

from fapiao.web.companies.models import Company

log = logging.getLogger(__name__)


def backup_job(now: dt.datetime) -> None:
    """每日备份: one backup into the backups folder, then the retention policy."""
    from fapiao.web.alerts.detection import alerts_job_check
    from fapiao.web.ops.services import backup_create, backups_prune

    try:
        backup_create(now=now)
        backups_prune()
    finally:
        alerts_job_check(now=now)


def restore_drill_job(now: dt.datetime) -> None:
    """恢复演练: restore the latest backup into a scratch place and compare with its manifest."""
    from fapiao.web.alerts.detection import alerts_job_check
    from fapiao.web.ops.restore import backup_drill

    result = backup_drill()
    alerts_job_check(now=now)
    if not result.succeeded:
        log.error("restore drill of %s failed: %s", result.archive, result.problem_en)


def _each_company(now: dt.datetime, name: str) -> None:
    from fapiao.web.alerts import detection

    service = getattr(detection, name)
    failures = []
    for company in Company.objects.order_by("pk"):
        try:
            service(company=company, now=now)
        except Exception as exc:
            log.exception("%s failed for company %s", name, company.pk)
            failures.append(f"{company.pk}: {type(exc).__name__}: {exc}")
    if failures:
        raise RuntimeError("; ".join(failures)[:2000])


def anomaly_job(now: dt.datetime) -> None:
    """异常检测 over every company's invoices, claims and imports."""
    _each_company(now, "alerts_detect")


def deduction_job(now: dt.datetime) -> None:
    """抵扣勾选提醒 near the filing deadline."""
    _each_company(now, "alerts_deduction_check")


def intake_recovery_job(now: dt.datetime) -> None:
    """恢复中断的导入: files whose parse was lost (a worker or web process killed mid-import)
    are enqueued again once their lease has run out."""
    from fapiao.web.intake.recovery import intake_recover

    intake_recover(now=now)


def reconciliation_job(now: dt.datetime) -> None:
    """对账逾期: no reconciliation with the tax bureau this month."""
    _each_company(now, "alerts_reconciliation_check")
