"""Reads for claims (报销), always scoped to one company."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from fapiao.web.claims.models import Claim, ClaimItem, ClaimStatus
from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import Direction, InvoiceRecord, TaxStatus
from fapiao.web.invoices.selectors import invoice_list

ZERO = Decimal("0.00")
UNCLAIMABLE_TAX_STATUSES = (TaxStatus.VOIDED, TaxStatus.RED_FULL)
"""作废 or 全额红冲 invoices cannot be reimbursed."""


def claim_list(
    *,
    company: Company,
    claimant_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Claim]:
    """A company's claims, newest first, with item count and total (``item_count``, ``total``)."""
    rows = Claim.objects.filter(company=company)
    if claimant_id is not None:
        rows = rows.filter(claimant_id=claimant_id)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("claimant")
        .annotate(
            item_count=Count("items"),
            total=Coalesce(Sum("items__amount"), ZERO),
        )
        .order_by("-created_at", "-id")
    )


def claims_awaiting_decision(*, company: Company) -> QuerySet[Claim]:
    """待审批/待支付: submitted and approved claims, oldest first."""
    return (
        claim_list(company=company)
        .filter(status__in=(ClaimStatus.SUBMITTED, ClaimStatus.APPROVED))
        .order_by("submitted_at", "id")
    )


def claim_get(*, company: Company, pk: int) -> Claim:
    """One claim of the company with its items (DoesNotExist for other companies)."""
    return (
        Claim.objects.filter(company=company)
        .select_related("claimant", "approved_by", "paid_by")
        .prefetch_related("items__invoice", "items__stored_file")
        .get(pk=pk)
    )


def claim_item_get(*, claim: Claim, pk: int) -> ClaimItem:
    """One item of a claim."""
    return ClaimItem.objects.get(claim=claim, pk=pk)


@dataclass(frozen=True, slots=True)
class ClaimTotals:
    """合计: invoices, other receipts, and both."""

    invoice_count: int
    invoice_total: Decimal
    receipt_count: int
    receipt_total: Decimal

    @property
    def total(self) -> Decimal:
        """报销总额."""
        return self.invoice_total + self.receipt_total


def claim_totals(*, claim: Claim) -> ClaimTotals:
    """The claim's totals, computed in the database."""
    sums = ClaimItem.objects.filter(claim=claim).aggregate(
        invoice_count=Count("id", filter=Q(invoice__isnull=False)),
        invoice_total=Coalesce(Sum("amount", filter=Q(invoice__isnull=False)), ZERO),
        receipt_count=Count("id", filter=Q(invoice__isnull=True)),
        receipt_total=Coalesce(Sum("amount", filter=Q(invoice__isnull=True)), ZERO),
    )
    return ClaimTotals(
        int(sums["invoice_count"]),
        Decimal(sums["invoice_total"]).quantize(ZERO),
        int(sums["receipt_count"]),
        Decimal(sums["receipt_total"]).quantize(ZERO),
    )


def claim_item_holding(
    *, company: Company, record: InvoiceRecord, exclude_claim: Claim | None = None
) -> ClaimItem | None:
    """The reserving item that holds this invoice (same record or same identity), if any."""
    match = Q(invoice=record)
    if record.identity_key:
        match |= Q(invoice_identity=record.identity_key)
    rows = ClaimItem.objects.filter(match, company=company, reserves=True)
    if exclude_claim is not None:
        rows = rows.exclude(claim=exclude_claim)
    return rows.select_related("claim", "claim__claimant").order_by("id").first()


def claimable_invoices(
    *, company: Company, search: str | None = None, limit: int = 50
) -> list[InvoiceRecord]:
    """Invoices one may add to a claim: not held by another claim, not voided or fully reversed."""
    held = ClaimItem.objects.filter(company=company, reserves=True).filter(
        Q(invoice=OuterRef("pk"))
        | (Q(invoice_identity=OuterRef("identity_key")) & ~Q(invoice_identity=""))
    )
    rows = (
        invoice_list(company=company, search=search)
        .exclude(tax_status__in=UNCLAIMABLE_TAX_STATUSES)
        .filter(direction=Direction.PURCHASE, is_red=False, gross_amount__gt=0)
        .exclude(Exists(held))
    )
    return list(rows[:limit])
