"""Reads for the API: tokens of a user in a company, token lookup, monthly totals (月度汇总)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from fapiao.web.api.models import ApiToken
from fapiao.web.api.tokens import TOKEN_PREFIX, token_hash
from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import InvoiceRecord


def api_token_list(*, user: AbstractBaseUser, company: Company) -> QuerySet[ApiToken]:
    """A user's tokens in one company, newest first (revoked and expired ones included)."""
    return ApiToken.objects.filter(user_id=user.pk, company=company).order_by("-created_at", "-id")


def api_token_get(*, user: AbstractBaseUser, company: Company, pk: int) -> ApiToken:
    """One token of the user in the company (DoesNotExist for anybody else's)."""
    return ApiToken.objects.get(user_id=user.pk, company=company, pk=pk)


def api_token_find(*, raw: str) -> ApiToken | None:
    """The live token (not revoked, not expired, active user) whose hash matches, else None."""
    raw = raw.strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return (
        ApiToken.objects.select_related("user", "company")
        .filter(
            token_hash=token_hash(raw),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


def _money(value: Decimal | None) -> str:
    return str((value or Decimal(0)).quantize(Decimal("0.01")))


def invoice_monthly_totals(
    *,
    company: Company,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    direction: str | None = None,
) -> list[dict[str, Any]]:
    """月度汇总: count and net/tax/gross per month (开票日期) and direction, oldest month first."""
    rows = InvoiceRecord.objects.filter(company=company, issue_date__isnull=False)
    if issued_from:
        rows = rows.filter(issue_date__gte=issued_from)
    if issued_to:
        rows = rows.filter(issue_date__lte=issued_to)
    if direction:
        rows = rows.filter(direction=direction)
    grouped = (
        rows.annotate(month=TruncMonth("issue_date"))
        .values("month", "direction")
        .annotate(
            count=Count("id"),
            net=Sum("net_amount"),
            tax=Sum("tax_amount"),
            gross=Sum("gross_amount"),
        )
        .order_by("month", "direction")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "direction": row["direction"],
            "count": row["count"],
            "net_amount": _money(row["net"]),
            "tax_amount": _money(row["tax"]),
            "gross_amount": _money(row["gross"]),
        }
        for row in grouped
    ]
