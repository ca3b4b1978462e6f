"""Alerts (预警) raised by the anomaly detectors, and the per-company thresholds they use.

An :class:`Alert` is what a detector says about a company's invoices, claims or jobs: a stable
code (``anomaly.duplicate_claim``), a severity, the company it concerns, a subject key that names
the thing alerted about (two alerts with the same code, company and subject are the same alert,
see :mod:`fapiao.core.alerts.throttle`), a Chinese ``message`` and an English ``message_en`` naming
the values, the values themselves, and the identities of the invoices involved.  Detectors take
plain inputs and return alerts; they never read a database, settings or the clock.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fapiao.core.findings import Severity
from fapiao.core.invoice import Invoice, InvoiceKind

InvoiceIdentity = tuple[str, str]
"""发票标识: ("", 数电号码) or (发票代码, 发票号码), as :attr:`Invoice.identity`."""

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
"""Most urgent first."""


@dataclass(frozen=True, slots=True)
class Alert:
    """预警: one anomaly found for one company."""

    code: str
    severity: Severity
    company: str  # 公司 key, as the caller names the company
    subject: str  # what the alert is about; code + company + subject de-duplicates
    message: str
    message_en: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    invoices: tuple[InvoiceIdentity, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        """The de-duplication key: (code, company, subject)."""
        return (self.code, self.company, self.subject)

    def as_dict(self) -> dict[str, Any]:
        """The alert as a JSON-ready object (values rendered as strings)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "company": self.company,
            "subject": self.subject,
            "message": self.message,
            "message_en": self.message_en,
            "values": {k: (None if v is None else str(v)) for k, v in self.values.items()},
            "invoices": [{"code": code, "number": number} for code, number in self.invoices],
        }


@dataclass(frozen=True, slots=True)
class AnomalyThresholds:
    """预警阈值 (per-company alert thresholds); the defaults keep ordinary invoices quiet."""

    approval_threshold: Decimal = Decimal("10000")  # 审批金额: 价税合计 at or above needs approval
    split_margin: Decimal = Decimal("0.10")  # an invoice within 10 % under the threshold
    split_window_days: int = 7  # … from one seller to one buyer within 7 days
    split_min_count: int = 2  # … at least 2 of them, summing above the threshold
    outlier_z: Decimal = Decimal("3.5")  # modified z-score (Iglewicz & Hoaglin)
    outlier_min_history: int = 5  # prior invoices of the seller needed to judge
    outlier_min_ratio: Decimal = Decimal("3")  # and at least 3× (or ⅓ of) the seller's median
    outlier_max_history: int = 100  # only the most recent prior invoices count
    consecutive_min_run: int = 5  # 连号: a run of 5 consecutive numbers from one seller
    off_day_min_amount: Decimal = Decimal("10000")  # 节假日开票: only at or above this 价税合计
    off_day_weekends: bool = True  # also alert on ordinary weekends (not 调休 working days)
    off_day_skip_kinds: frozenset[InvoiceKind] = frozenset(
        {
            InvoiceKind.TOLL,
            InvoiceKind.RAILWAY_TICKET,
            InvoiceKind.AIR_ITINERARY,
            InvoiceKind.VAT_ORDINARY_ROLL,
        }
    )  # travel and retail tickets are issued every day
    deduction_warning_days: int = 5  # 勾选: alert this many days before the filing deadline
    reconciliation_due_day: int = 10  # 对账: alert from this day of the month when not run yet


DEFAULT_THRESHOLDS = AnomalyThresholds()


def normalise_id(value: str | None) -> str:
    """A tax ID or invoice number for comparison: NFKC, no whitespace, upper case."""
    if not value:
        return ""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def normalise_identity(identity: InvoiceIdentity) -> InvoiceIdentity:
    """An invoice identity for comparison."""
    code, number = identity
    return (normalise_id(code), normalise_id(number))


def identity_label(identity: InvoiceIdentity) -> str:
    """发票标识 as people read it: the 数电 number, or ``代码/号码``."""
    code, number = identity
    return f"{code}/{number}" if code else number


def invoice_label(invoice: Invoice) -> str:
    """An invoice's identity as people read it (``?`` when it has none)."""
    identity = invoice.identity
    return identity_label(identity) if identity else "?"


def identities(invoices: list[Invoice] | tuple[Invoice, ...]) -> tuple[InvoiceIdentity, ...]:
    """The identities of the invoices that have one."""
    return tuple(i.identity for i in invoices if i.identity is not None)


def seller_key(invoice: Invoice) -> str:
    """The seller as a grouping key: the tax ID, else the NFKC name."""
    tax_id = normalise_id(invoice.seller.tax_id)
    if tax_id:
        return tax_id
    name = invoice.seller.name
    return unicodedata.normalize("NFKC", name).strip() if name else ""


def buyer_key(invoice: Invoice) -> str:
    """The buyer as a grouping key: the tax ID, else the NFKC name."""
    tax_id = normalise_id(invoice.buyer.tax_id)
    if tax_id:
        return tax_id
    name = invoice.buyer.name
    return unicodedata.normalize("NFKC", name).strip() if name else ""


def money(value: Decimal) -> str:
    """An amount as printed in messages: two decimals."""
    return f"{value.quantize(Decimal('0.01')):,}"


def is_blue(invoice: Invoice) -> bool:
    """A positive (蓝字) invoice with a positive 价税合计."""
    return not invoice.is_red and invoice.gross_amount is not None and invoice.gross_amount > 0
