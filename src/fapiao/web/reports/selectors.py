"""Dashboard and report reads, company-scoped.

The dashboard reads the running totals (:mod:`.models`, kept by triggers): a few thousand rows
per company instead of every invoice, whatever the number of invoices.  Each selector returns
plain data built by :mod:`fapiao.core.reports`, amounts as exact decimal text; nothing is
dropped silently (invoices without a date are summed as ``undated``; parties beyond the top N
as 其他), so every chart adds up to the database totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from fapiao.core.reports import (
    MonthPoint,
    ReportTable,
    SummaryGroup,
    monthly_series,
    rate_label,
    summary_table,
    top_with_rest,
)
from fapiao.core.reports.series import REST_LABEL
from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import (
    DeductionStatus,
    Direction,
    InvoiceKind,
    InvoiceLineRecord,
    InvoiceRecord,
    ReviewStatus,
)
from fapiao.web.reports.models import InvoiceTotal, PartyTotal, RateTotal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _money(value: Decimal | None) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(CENT)


def _yuan(cents: int | None) -> Decimal:
    """An amount in 分 (integer cents) as yuan with two decimals."""
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def _totals(
    company: Company, date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[InvoiceTotal]:
    """The company's running totals, for invoices issued in the period (undated ones only
    without a period, as for the invoices themselves)."""
    rows = InvoiceTotal.objects.filter(company=company)
    if date_from:
        rows = rows.filter(day__gte=date_from.isoformat())
    if date_to:
        rows = rows.filter(day__lte=date_to.isoformat(), day__gt="")
    return rows


def invoice_count(
    *,
    company: Company,
    direction: str | None = None,
    review_status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> int:
    """How many invoices the company has with these filters (from the totals: no row count)."""
    rows = _totals(company, date_from, date_to)
    if direction:
        rows = rows.filter(direction=direction)
    if review_status:
        rows = rows.filter(review_status=review_status)
    return int(rows.aggregate(n=Sum("count"))["n"] or 0)


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
    rows = _totals(company, date_from, date_to)
    grouped = (
        rows.filter(day__gt="")
        .annotate(month=Substr("day", 1, 7))
        .values("month", "direction")
        .annotate(
            count=Sum("count"), net=Sum("net_cents"), tax=Sum("tax_cents"), gross=Sum("gross_cents")
        )
        .order_by()
    )
    points = [
        MonthPoint(
            r["month"],
            r["direction"],
            _yuan(r["net"]),
            _yuan(r["tax"]),
            _yuan(r["gross"]),
            r["count"],
        )
        for r in grouped
    ]
    data = monthly_series(points, directions=Direction.values)
    data["undated"] = {
        r["direction"]: {
            "net": str(_yuan(r["net"])),
            "tax": str(_yuan(r["tax"])),
            "gross": str(_yuan(r["gross"])),
            "count": r["count"],
        }
        for r in rows.filter(day="")
        .values("direction")
        .annotate(
            count=Sum("count"), net=Sum("net_cents"), tax=Sum("tax_cents"), gross=Sum("gross_cents")
        )
        .order_by()
    }
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
    """Top sellers of purchases (进项) or buyers of sales (销项) by 价税合计, then 其他.

    Without a period the running totals answer; a period groups the invoices themselves.  The
    names come from the totals (a name each party was invoiced as), in one query.
    """
    side = "seller" if direction == Direction.PURCHASE else "buyer"
    parties = PartyTotal.objects.filter(company=company, direction=direction)
    if date_from is None and date_to is None:
        return _top_from_totals(parties, limit)
    rows = (
        _invoices(company, date_from, date_to)
        .filter(direction=direction)
        .values(f"{side}_tax_id")
        .annotate(amount=Sum("gross_amount"), count=Count("id"))
        .order_by()
    )
    grouped = [(r[f"{side}_tax_id"] or "", _money(r["amount"]), r["count"]) for r in rows]
    top = top_with_rest((("", tax_id, amount, n) for tax_id, amount, n in grouped), limit=limit)
    shown = top[:limit]  # the 其他 row, if any, comes after them and keeps its name
    names = dict(
        parties.filter(tax_id__in=[row["tax_id"] for row in shown]).values_list("tax_id", "name")
    )
    for row in shown:
        row["name"] = names.get(row["tax_id"]) or row["tax_id"] or "（无税号）"
    return top


def _top_from_totals(parties: QuerySet[PartyTotal], limit: int) -> list[dict[str, Any]]:
    """The biggest ``limit`` parties sorted in SQL, then 其他 with the rest (two small queries)."""
    head = list(
        parties.order_by("-gross_cents", "tax_id").values_list(
            "tax_id", "name", "gross_cents", "count"
        )[: limit + 1]
    )
    top = [
        {
            "name": name or tax_id or "（无税号）",
            "tax_id": tax_id,
            "amount": str(_yuan(cents)),
            "count": count,
        }
        for tax_id, name, cents, count in head[:limit]
    ]
    if len(head) > limit:
        everything = parties.aggregate(cents=Sum("gross_cents"), n=Sum("count"))
        shown_cents = sum(row[2] for row in head[:limit])
        top.append(
            {
                "name": REST_LABEL,
                "tax_id": "",
                "amount": str(_yuan(everything["cents"] - shown_cents)),
                "count": everything["n"] - sum(row[3] for row in head[:limit]),
            }
        )
    return top


def tax_rate_mix(
    *,
    company: Company,
    direction: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict[str, Any]]:
    """税率结构: line amounts by tax rate (as printed on the invoices), from the rate totals."""
    rates = RateTotal.objects.filter(company=company)
    if date_from:
        rates = rates.filter(day__gte=date_from.isoformat())
    if date_to:
        rates = rates.filter(day__lte=date_to.isoformat(), day__gt="")
    if direction:
        rates = rates.filter(direction=direction)
    rows = (
        rates.values("tax_rate")
        .annotate(net_c=Sum("net_cents"), tax_c=Sum("tax_cents"), count=Sum("count"))
        .order_by("tax_rate")
    )
    return [
        {
            "rate": r["tax_rate"],
            "label": rate_label(r["tax_rate"]),
            "net": str(_yuan(r["net_c"])),
            "tax": str(_yuan(r["tax_c"])),
            "count": r["count"],
        }
        for r in rows
    ]


def deduction_progress(
    *, company: Company, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, Any]:
    """抵扣进度: purchase 税额 by issue month and deduction status (未勾选/已勾选/已确认/不抵扣)."""
    rows = (
        _totals(company, date_from, date_to)
        .filter(direction=Direction.PURCHASE, day__gt="")
        .annotate(month=Substr("day", 1, 7))
        .values("month", "deduction_status")
        .annotate(tax=Sum("tax_cents"), count=Sum("count"))
        .order_by()
    )
    table: dict[str, dict[str, Decimal]] = {}
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        month, status = r["month"], r["deduction_status"]
        table.setdefault(month, {})[status] = _yuan(r["tax"])
        counts.setdefault(month, {})[status] = r["count"]
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
        InvoiceTotal.objects.filter(company=company)
        .values("review_status")
        .annotate(n=Sum("count"))
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
