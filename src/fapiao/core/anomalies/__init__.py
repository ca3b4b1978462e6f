"""异常检测 (anomaly detection): detectors over plain inputs that return :class:`Alert` objects.

Each detector has a stable code (see docs/alerts.md) and takes the company key, its inputs
(invoices, claim records, a risk list, job outcomes, dates) and an :class:`AnomalyThresholds`.
:func:`detect_invoice_anomalies` runs every detector that needs only invoices.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from fapiao.core.anomalies.addressing import (
    BUYER_MISMATCH,
    BUYER_TAX_ID_MISSING,
    detect_misaddressed,
)
from fapiao.core.anomalies.amounts import (
    AMOUNT_OUTLIER,
    SPLIT_UNDER_THRESHOLD,
    detect_amount_outliers,
    detect_split_amounts,
    modified_z_score,
)
from fapiao.core.anomalies.base import (
    DEFAULT_THRESHOLDS,
    Alert,
    AnomalyThresholds,
    InvoiceIdentity,
    identity_label,
)
from fapiao.core.anomalies.calendar import (
    DayType,
    WorkCalendar,
    filing_deadline,
    read_calendar_csv,
)
from fapiao.core.anomalies.claims import DUPLICATE_CLAIM, ClaimRecord, detect_duplicate_claims
from fapiao.core.anomalies.deadlines import (
    DEDUCTION_UNSELECTED,
    RECONCILIATION_OVERDUE,
    detect_reconciliation_overdue,
    detect_unselected_deductions,
    next_filing,
)
from fapiao.core.anomalies.jobs import JOB_FAILED, JobKind, JobOutcome, detect_failed_jobs
from fapiao.core.anomalies.offdays import (
    CALENDAR_UNKNOWN_YEAR,
    HOLIDAY_ISSUE,
    WEEKEND_ISSUE,
    detect_off_day_invoices,
)
from fapiao.core.anomalies.risk_list import (
    RISKY_SELLER,
    RiskListEntry,
    detect_risky_sellers,
    read_risk_list,
    risk_list_from_tax_ids,
)
from fapiao.core.anomalies.sequences import CONSECUTIVE_NUMBERS, detect_consecutive_numbers
from fapiao.core.invoice import Invoice

ANOMALY_CODES: tuple[str, ...] = (
    DUPLICATE_CLAIM,
    RISKY_SELLER,
    SPLIT_UNDER_THRESHOLD,
    AMOUNT_OUTLIER,
    CONSECUTIVE_NUMBERS,
    HOLIDAY_ISSUE,
    WEEKEND_ISSUE,
    CALENDAR_UNKNOWN_YEAR,
    BUYER_MISMATCH,
    BUYER_TAX_ID_MISSING,
    DEDUCTION_UNSELECTED,
    RECONCILIATION_OVERDUE,
    *JOB_FAILED.values(),
)
"""Every code a detector can raise (documented in docs/alerts.md)."""


def detect_invoice_anomalies(
    company: str,
    invoices: Sequence[Invoice],
    *,
    company_tax_ids: Collection[str],
    calendar: WorkCalendar | None = None,
    risk_list: Sequence[RiskListEntry] = (),
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> list[Alert]:
    """Every invoice-only detector: risk list, splitting, outliers, consecutive numbers, rest-day
    issue and buyer; in that order."""
    return [
        *detect_risky_sellers(company, invoices, risk_list),
        *detect_split_amounts(company, invoices, thresholds),
        *detect_amount_outliers(company, invoices, thresholds),
        *detect_consecutive_numbers(company, invoices, thresholds),
        *detect_off_day_invoices(company, invoices, calendar or WorkCalendar(), thresholds),
        *detect_misaddressed(company, invoices, company_tax_ids),
    ]


__all__ = [
    "ANOMALY_CODES",
    "DEFAULT_THRESHOLDS",
    "Alert",
    "AnomalyThresholds",
    "ClaimRecord",
    "DayType",
    "InvoiceIdentity",
    "JobKind",
    "JobOutcome",
    "RiskListEntry",
    "WorkCalendar",
    "detect_amount_outliers",
    "detect_consecutive_numbers",
    "detect_duplicate_claims",
    "detect_failed_jobs",
    "detect_invoice_anomalies",
    "detect_misaddressed",
    "detect_off_day_invoices",
    "detect_reconciliation_overdue",
    "detect_risky_sellers",
    "detect_split_amounts",
    "detect_unselected_deductions",
    "filing_deadline",
    "identity_label",
    "modified_z_score",
    "next_filing",
    "read_calendar_csv",
    "read_risk_list",
    "risk_list_from_tax_ids",
]
