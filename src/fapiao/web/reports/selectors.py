"""Dashboard and report reads: SQL aggregations (GROUP BY on indexed columns), company-scoped.

Each selector returns plain data built by :mod:`fapiao.core.reports`, amounts as exact decimal
text; nothing is dropped silently (invoices without a date are summed as ``undated``; parties
beyond the top N as 其他), so every chart adds up to the database totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from fapiao.core.reports import (
    MonthPoint,
    ReportTable,
    SummaryGroup,
    month_key,
    monthly_series,
    rate_label,
    summary_table,
    top_with_rest,
)
from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import (
    DeductionStatus,
    Direction,
    InvoiceKind,
    InvoiceLineRecord,
    InvoiceRecord,
    ReviewStatus,
)

ZERO = Decimal("0.00")


def _money(value: Decimal | None) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.01"))


def _invoices(
    company: Company, date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[InvoiceRecord]:
    rows = InvoiceRecord.objects.filter(company=company)
    if date_from:
        rows = rows.filter(issue_date__gte=date_from)
    if date_to:
        rows = rows.filter(issue_date__lte=date_to)
    return rows


def monthly_totals(
    *, company: Company, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, Any]:
    """Monthly net/tax/gross and counts by direction (进项/销项), plus the undated sums."""
    rows = _invoices(company, date_from, date_to)
    # Grouped by day, folded into months here: no per-row date function in SQL (on SQLite
    # TruncMonth is a Python function call per row), and the GROUP BY follows invoice_list_idx.
    grouped = (
        rows.filter(issue_date__isnull=False)
        .values("direction", "issue_date")
        .annotate(
            count=Count("id"),
            net=Sum("net_amount"),
            tax=Sum("tax_amount"),
            gross=Sum("gross_amount"),
        )
        .order_by()
    )
    points = [
        MonthPoint(
            month_key(r["issue_date"]),  # type: ignore[arg-type]  # NULL dates filtered out
            r["direction"],
            _money(r["net"]),
            _money(r["tax"]),
            _money(r["gross"]),
            r["count"],
        )
        for r in grouped
    ]
    data = monthly_series(points, directions=Direction.values)
    undated = {
        r["direction"]: {
            "net": str(_money(r["net"])),
            "tax": str(_money(r["tax"])),
            "gross": str(_money(r["gross"])),
            "count": r["count"],
        }
        for r in rows.filter(issue_date__isnull=True)
        .values("direction")
        .annotate(
            count=Count("id"),
            net=Sum("net_amount"),
            tax=Sum("tax_amount"),
            gross=Sum("gross_amount"),
        )
        .order_by()
    }
    data["undated"] = undated
    data["labels"] = {d.value: str(d.label) for d in Direction}
    return data


def top_parties(
    *,
    company: Company,
    direction: str,
    limit: int = 10,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Top sellers of purchases (进项) or buyers of sales (销项) by 价税合计, then 其他."""
    side = "seller" if direction == Direction.PURCHASE else "buyer"
    invoices = _invoices(company, date_from, date_to).filter(direction=direction)
    rows = (
        invoices.values(f"{side}_tax_id")
        .annotate(amount=Sum("gross_amount"), count=Count("id"))
        .order_by()
    )
    top = top_with_rest(
        (("", r[f"{side}_tax_id"] or "", _money(r["amount"]), r["count"]) for r in rows),
        limit=limit,
    )
    shown = top[:limit]  # the 其他 row, if any, comes after them and keeps its name
    for row in shown:  # names only for the few shown: no MAX(name) over every row
        name = (
            invoices.filter(**{f"{side}_tax_id": row["tax_id"]})
            .exclude(**{f"{side}_name": ""})
            .values_list(f"{side}_name", flat=True)
            .first()
        )
        row["name"] = name or row["tax_id"] or "（无税号）"
    return top


def tax_rate_mix(
    *,
    company: Company,
    direction: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict[str, Any]]:
    """税率结构: line amounts by tax rate (from the lines, as printed on the invoices)."""
    invoices = _invoices(company, date_from, date_to)
    if direction:
        invoices = invoices.filter(direction=direction)
    rows = (
        InvoiceLineRecord.objects.filter(invoice__in=invoices)
        .values("tax_rate")
        .annotate(net=Sum("net_amount"), tax=Sum("tax_amount"), count=Count("id"))
        .order_by("tax_rate")
    )
    return [
        {
            "rate": r["tax_rate"],
            "label": rate_label(r["tax_rate"]),
            "net": str(_money(r["net"])),
            "tax": str(_money(r["tax"])),
            "count": r["count"],
        }
        for r in rows
    ]


def deduction_progress(
    *, company: Company, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, Any]:
    """抵扣进度: purchase 税额 by issue month and deduction status (未勾选/已勾选/已确认/不抵扣)."""
    rows = (
        _invoices(company, date_from, date_to)
        .filter(direction=Direction.PURCHASE, issue_date__isnull=False)
        .values("issue_date", "deduction_status")
        .annotate(tax=Sum("tax_amount"), count=Count("id"))
        .order_by()
    )
    table: dict[str, dict[str, Decimal]] = {}
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        month = month_key(r["issue_date"])  # type: ignore[arg-type]  # NULL dates filtered out
        status = r["deduction_status"]
        by_status = table.setdefault(month, {})
        by_status[status] = by_status.get(status, ZERO) + _money(r["tax"])
        by_count = counts.setdefault(month, {})
        by_count[status] = by_count.get(status, 0) + r["count"]
    months = sorted(table)
    return {
        "months": months,
        "statuses": [{"value": s.value, "label": str(s.label)} for s in DeductionStatus],
        "series": {
            s.value: [str(table[m].get(s.value, ZERO)) for m in months] for s in DeductionStatus
        },
        "counts": {s.value: [counts[m].get(s.value, 0) for m in months] for s in DeductionStatus},
    }


def review_queue(*, company: Company, limit: int = 10) -> dict[str, Any]:
    """待审核: counts by review status and the oldest invoices waiting for review."""
    counts = dict(
        InvoiceRecord.objects.filter(company=company)
        .values("review_status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("review_status", "n")
    )
    oldest = list(
        InvoiceRecord.objects.filter(company=company, review_status=ReviewStatus.PENDING)
        .order_by("id")  # ids grow with created_at; the primary key needs no sort
        .values("id", "identity_key", "seller_name", "gross_amount", "created_at")[:limit]
    )
    return {
        "statuses": [
            {"value": s.value, "label": str(s.label), "count": counts.get(s.value, 0)}
            for s in ReviewStatus
        ],
        "oldest": [
            {
                "id": r["id"],
                "identity": r["identity_key"] or "",
                "seller": r["seller_name"],
                "gross": str(_money(r["gross_amount"])),
                "since": r["created_at"].isoformat(),
            }
            for r in oldest
        ],
    }


def invoice_summary(*, invoices: QuerySet[InvoiceRecord]) -> ReportTable:
    """发票汇总表 of a filtered invoice list: by kind and tax rate (from the lines), with totals.

    Invoices without lines count under their kind with rate "—" and their invoice amounts.
    """
    groups = [
        SummaryGroup(
            r["invoice__kind"],
            r["tax_rate"],
            r["count"],
            _money(r["net"]),
            _money(r["tax"]),
            _money(r["net"]) + _money(r["tax"]),
        )
        for r in InvoiceLineRecord.objects.filter(invoice__in=invoices)
        .values("invoice__kind", "tax_rate")
        .annotate(
            count=Count("invoice", distinct=True), net=Sum("net_amount"), tax=Sum("tax_amount")
        )
        .order_by()
    ]
    groups.extend(
        SummaryGroup(r["kind"], "", r["count"], r["net"], r["tax"], r["gross"])
        for r in invoices.filter(lines__isnull=True)
        .values("kind")
        .annotate(
            count=Count("id"),
            net=Sum("net_amount"),
            tax=Sum("tax_amount"),
            gross=Sum("gross_amount"),
        )
        .order_by()
    )
    return summary_table(groups, kind_labels={k.value: str(k.label) for k in InvoiceKind})
