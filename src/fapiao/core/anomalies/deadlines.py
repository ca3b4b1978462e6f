"""期限提醒 (deadline reminders): deductible invoices not yet selected (勾选) before the VAT filing
deadline, and a monthly reconciliation with the tax bureau not yet run.

Input VAT on a 专用发票 is deducted in the period in which the invoice is selected (勾选确认) on
the tax platform; selection for a period closes when that period is filed, by the 申报期限 in the
following month (see :func:`fapiao.core.anomalies.calendar.filing_deadline`).  Dates are China
Standard Time: the caller passes today's date in China (``fapiao.core.invoice.china_today``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal

from fapiao.core.anomalies.base import (
    DEFAULT_THRESHOLDS,
    Alert,
    AnomalyThresholds,
    InvoiceIdentity,
    identities,
    invoice_label,
    money,
    normalise_identity,
)
from fapiao.core.anomalies.calendar import WorkCalendar, filing_deadline
from fapiao.core.findings import Severity
from fapiao.core.invoice import CHINA_TZ, Direction, Invoice

DEDUCTION_UNSELECTED = "anomaly.deduction_unselected"
RECONCILIATION_OVERDUE = "anomaly.reconciliation_overdue"


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def next_filing(
    today: dt.date,
    calendar: WorkCalendar,
    overrides: Mapping[tuple[int, int], dt.date] | None = None,
) -> tuple[tuple[int, int], dt.date]:
    """The next filing still open on ``today``: ((year, month) of the tax period, deadline)."""
    deadline = filing_deadline(today.year, today.month, calendar, overrides)
    if today <= deadline:
        return _month_before(today.year, today.month), deadline
    year, month = _month_after(today.year, today.month)
    return (today.year, today.month), filing_deadline(year, month, calendar, overrides)


def detect_unselected_deductions(
    company: str,
    invoices: Iterable[Invoice],
    selected: Collection[InvoiceIdentity],
    today: dt.date,
    calendar: WorkCalendar,
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
    overrides: Mapping[tuple[int, int], dt.date] | None = None,
) -> list[Alert]:
    """One alert when the filing deadline is near and purchase 专票 of the period are still not
    selected for deduction."""
    (year, month), deadline = next_filing(today, calendar, overrides)
    days_left = (deadline - today).days
    if days_left > thresholds.deduction_warning_days:
        return []
    period_end = _month_after(year, month)
    end = dt.date(*period_end, 1)
    done = {normalise_identity(i) for i in selected}
    waiting = [
        invoice
        for invoice in invoices
        if invoice.direction is not Direction.SALES
        and invoice.kind.is_special
        and not invoice.is_red
        and invoice.identity is not None
        and invoice.issue_date is not None
        and invoice.issue_date < end
        and normalise_identity(invoice.identity) not in done
    ]
    if not waiting:
        return []
    waiting.sort(key=lambda i: (i.issue_date or dt.date.min, invoice_label(i)))
    tax = sum((i.tax_amount for i in waiting if i.tax_amount is not None), Decimal(0))
    period = f"{year:04d}-{month:02d}"
    listed = "、".join(invoice_label(i) for i in waiting[:10])
    more = f" 等 {len(waiting)} 张" if len(waiting) > 10 else ""
    more_en = f" and {len(waiting) - 10} more" if len(waiting) > 10 else ""
    return [
        Alert(
            DEDUCTION_UNSELECTED,
            Severity.WARNING,
            company,
            f"deduction:{period}",
            f"{period} 所属期申报期限 {deadline.isoformat()}（还剩 {days_left} 天），"
            f"仍有 {len(waiting)} 张可抵扣发票未勾选，税额 {money(tax)}：{listed}{more}",
            f"The {period} VAT return is due {deadline.isoformat()} ({days_left} days left) and "
            f"{len(waiting)} deductible invoices with tax {money(tax)} are not selected: "
            f"{', '.join(invoice_label(i) for i in waiting[:10])}{more_en}",
            {
                "period": period,
                "deadline": deadline,
                "days_left": days_left,
                "count": len(waiting),
                "tax_amount": tax,
            },
            identities(waiting),
        )
    ]


def detect_reconciliation_overdue(
    company: str,
    last_run: dt.date | dt.datetime | None,
    today: dt.date,
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> list[Alert]:
    """An alert when no reconciliation with the tax bureau ran this month (China time) by the
    due day of the month."""
    if today.day < thresholds.reconciliation_due_day:
        return []
    if isinstance(last_run, dt.datetime):
        last_run = last_run.astimezone(CHINA_TZ).date() if last_run.tzinfo else last_run.date()
    month_start = today.replace(day=1)
    if last_run is not None and last_run >= month_start:
        return []
    month = f"{today.year:04d}-{today.month:02d}"
    last = last_run.isoformat() if last_run else "从未"
    last_en = last_run.isoformat() if last_run else "never"
    return [
        Alert(
            RECONCILIATION_OVERDUE,
            Severity.WARNING,
            company,
            f"reconciliation:{month}",
            f"本月（{month}）尚未与税务局数据对账，上次对账：{last}",
            f"No reconciliation with the tax bureau has run this month ({month}); "
            f"last run: {last_en}",
            {"month": month, "last_run": last_run},
        )
    ]
