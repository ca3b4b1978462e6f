"""Running the anomaly detectors (:mod:`fapiao.core.anomalies`) over a company's records:
invoices, expense claims, failed imports, the deduction deadline, the monthly reconciliation,
and the failed backups and restore drills of the installation.

Each service reads, detects, and hands what it found to
:func:`fapiao.web.alerts.services.alerts_record` (which stores, de-duplicates by subject, and
delivers after commit).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Q
from django.utils import timezone

from fapiao.core.anomalies import (
    Alert as CoreAlert,
)
from fapiao.core.anomalies import (
    ClaimRecord,
    DayType,
    JobKind,
    JobOutcome,
    RiskListEntry,
    WorkCalendar,
    detect_duplicate_claims,
    detect_failed_jobs,
    detect_invoice_anomalies,
    detect_reconciliation_overdue,
    detect_unselected_deductions,
)
from fapiao.core.invoice import CHINA_TZ, Invoice
from fapiao.web.alerts.models import Alert, AlertSettings
from fapiao.web.alerts.selectors import alert_settings_get
from fapiao.web.alerts.services import alerts_record, company_key
from fapiao.web.alerts.thresholds import thresholds_from_json
from fapiao.web.companies.models import Company

HISTORY_DAYS = 400
"""Invoices issued this long ago and later are judged (the amount detector's seller history)."""

JOB_LOOKBACK = dt.timedelta(days=8)


def calendar_of(settings_row: AlertSettings) -> WorkCalendar:
    """The holiday package plus the company's uploaded days."""
    uploaded = {dt.date.fromisoformat(k): DayType(v) for k, v in settings_row.calendar.items()}
    return WorkCalendar(uploaded=uploaded)


def risk_list_of(settings_row: AlertSettings) -> list[RiskListEntry]:
    """The company's uploaded risk list."""
    return [
        RiskListEntry(
            tax_id=e["tax_id"],
            name=e.get("name"),
            list_type=e.get("list_type"),
            listed_date=dt.date.fromisoformat(e["listed_date"]) if e.get("listed_date") else None,
        )
        for e in settings_row.risk_list
    ]


def _today(now: dt.datetime) -> dt.date:
    return now.astimezone(CHINA_TZ).date()


def _records(
    company: Company, since: dt.date, *, live_only: bool = False, **filters: object
) -> list[tuple[str, Invoice]]:
    """``(deduction status, core invoice)`` of the company's records issued since ``since``
    (``live_only``: not voided and not reversed in full)."""
    from fapiao.web.invoices.conversion import invoice_to_core
    from fapiao.web.invoices.models import InvoiceRecord, TaxStatus

    rows = InvoiceRecord.objects.filter(company=company, **filters)
    if live_only:
        rows = rows.exclude(tax_status__in=(TaxStatus.VOIDED, TaxStatus.RED_FULL))
    rows = (
        rows.filter(Q(issue_date__gte=since) | Q(issue_date__isnull=True))
        .prefetch_related("lines")
        .order_by("issue_date", "pk")
    )
    return [(row.deduction_status, invoice_to_core(row)) for row in rows.iterator(chunk_size=500)]


def _invoices(company: Company, since: dt.date, *, direction: str) -> list[Invoice]:
    return [invoice for _, invoice in _records(company, since, direction=direction)]


def _identity(key: str) -> tuple[str, str]:
    code, sep, number = key.partition(":")
    return (code, number) if sep else ("", key)


def claim_records(company: Company) -> list[ClaimRecord]:
    """Every invoice in every expense claim that is not a draft or rejected."""
    from fapiao.web.claims.models import ClaimItem, ClaimStatus

    rows = (
        ClaimItem.objects.filter(company=company)
        .exclude(claim__status__in=(ClaimStatus.DRAFT, ClaimStatus.REJECTED))
        .exclude(invoice_identity="")
        .select_related("claim", "claim__claimant")
    )
    return [
        ClaimRecord(
            claim_id=str(item.claim_id),
            invoice=_identity(item.invoice_identity),
            claimant=item.claim.claimant.get_username() if item.claim.claimant else "",
            claimed_on=_today(item.claim.submitted_at) if item.claim.submitted_at else None,
        )
        for item in rows
    ]


def import_outcomes(company: Company, now: dt.datetime) -> list[JobOutcome]:
    """Failed imports (one per file) of the last days."""
    from fapiao.web.intake.models import IntakeItem, ItemStatus

    rows = IntakeItem.objects.filter(
        batch__company=company, status=ItemStatus.FAILED, finished_at__gte=now - JOB_LOOKBACK
    ).only("pk", "name", "finished_at", "errors")
    return [
        JobOutcome(str(row.pk), JobKind.IMPORT, False, row.finished_at, row.name or None)
        for row in rows
        if row.finished_at is not None
    ]


def alerts_detect(*, company: Company, now: dt.datetime | None = None) -> list[Alert]:
    """Run the invoice, claim and import detectors over the company's purchase records."""
    now = now or timezone.now()
    settings_row = alert_settings_get(company=company)
    key = company_key(company)
    # Purchase invoices only: on its own sales invoices the company is the seller, and the
    # detectors judge sellers (history, risk list, splitting, numbering, rest days, buyer).
    invoices = _invoices(
        company, _today(now) - dt.timedelta(days=HISTORY_DAYS), direction="purchase"
    )
    found: list[CoreAlert] = [
        *detect_invoice_anomalies(
            key,
            invoices,
            company_tax_ids={company.tax_id},
            calendar=calendar_of(settings_row),
            risk_list=risk_list_of(settings_row),
            thresholds=thresholds_from_json(settings_row.thresholds),
        ),
        *detect_duplicate_claims(key, claim_records(company)),
        *detect_failed_jobs(key, import_outcomes(company, now)),
    ]
    return alerts_record(company=company, found=found, now=now)


def alerts_deduction_check(*, company: Company, now: dt.datetime | None = None) -> list[Alert]:
    """Deductible 专票 still not selected (勾选) when the filing deadline is near (voided and
    fully reversed ones are not deductible)."""
    from fapiao.web.invoices.models import DeductionStatus

    now = now or timezone.now()
    today = _today(now)
    settings_row = alert_settings_get(company=company)
    # A voided or fully reversed (红冲) invoice can no longer be deducted: nothing to select.
    since = today - dt.timedelta(days=HISTORY_DAYS)
    records = _records(company, since, live_only=True, direction="purchase")
    done = {DeductionStatus.SELECTED, DeductionStatus.CONFIRMED, DeductionStatus.NOT_DEDUCTIBLE}
    selected = {i.identity for status, i in records if status in done and i.identity is not None}
    found = detect_unselected_deductions(
        company_key(company),
        [invoice for _, invoice in records],
        selected,
        today,
        calendar_of(settings_row),
        thresholds_from_json(settings_row.thresholds),
    )
    return alerts_record(company=company, found=found, now=now)


def alerts_reconciliation_check(*, company: Company, now: dt.datetime | None = None) -> list[Alert]:
    """No reconciliation with the tax bureau this month by the due day."""
    from fapiao.web.reconciliation.models import ReconciliationRun

    now = now or timezone.now()
    last = ReconciliationRun.objects.filter(company=company).aggregate(at=Max("created_at"))["at"]
    found = detect_reconciliation_overdue(
        company_key(company),
        last.astimezone(CHINA_TZ) if last is not None else None,
        _today(now),
        thresholds_from_json(alert_settings_get(company=company).thresholds),
    )
    return alerts_record(company=company, found=found, now=now)


def alerts_job_check(*, now: dt.datetime | None = None) -> int:
    """Failed backups and restore drills (not followed by a success) alert every company."""
    from fapiao.web.ops.models import JobRun

    now = now or timezone.now()
    kinds = {"backup": JobKind.BACKUP, "restore_drill": JobKind.RESTORE_DRILL}
    rows = JobRun.objects.filter(job_name__in=kinds, finished_at__gte=now - JOB_LOOKBACK)
    outcomes = [
        JobOutcome(str(r.pk), kinds[r.job_name], r.succeeded, r.finished_at, r.detail[:300] or None)
        for r in rows
    ]
    raised = 0
    for company in Company.objects.order_by("pk"):
        found = detect_failed_jobs(company_key(company), outcomes)
        if found:
            raised += len(alerts_record(company=company, found=found, now=now))
    return raised
