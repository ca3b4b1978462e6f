"""报表 (reports): monthly totals by direction, from the company's own records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from fapiao.web.api.auth import company_of
from fapiao.web.api.schemas import ErrorOut, MonthlyTotal
from fapiao.web.api.selectors import invoice_monthly_totals

router = Router(tags=["reports 报表"])


class MonthlyFilters(Schema):
    """开票日期 range (inclusive) and direction (purchase / sales); all optional."""

    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    direction: str | None = None


@router.get("/reports/monthly", response={200: list[MonthlyTotal], 401: ErrorOut})
def monthly(request: HttpRequest, filters: Query[MonthlyFilters]) -> list[dict[str, Any]]:
    """月度汇总 · Count, net, tax and gross per month and direction."""
    return invoice_monthly_totals(
        company=company_of(request),
        issued_from=filters.issued_from,
        issued_to=filters.issued_to,
        direction=filters.direction,
    )
