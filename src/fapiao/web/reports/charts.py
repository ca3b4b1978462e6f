"""Chart data of the dashboard, cached until the company's next event.

Every write to a company's data goes through a service that appends an event, so the company's
last event number (a lookup on the ``(company, seq)`` unique index) is a version of its data:
a cached chart is served only while that number has not moved, and for at most
``FAPIAO_REPORTS_CACHE_SECONDS`` (default 300; 0 turns caching off).  At a million invoices
the aggregations take about a second on SQLite; the cached answer takes milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from fapiao.web.companies.models import Company
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import Direction
from fapiao.web.reconciliation.selectors import problems_over_time
from fapiao.web.reports import selectors

Period = dict[str, dt.date | None]


def _span(p: Period) -> dict[str, Any]:
    return {"date_from": p.get("date_from"), "date_to": p.get("date_to")}


CHARTS: dict[str, Callable[[Company, Period], Any]] = {
    "monthly": lambda c, p: selectors.monthly_totals(company=c, **_span(p)),
    "sellers": lambda c, p: selectors.top_parties(
        company=c, direction=Direction.PURCHASE, **_span(p)
    ),
    "buyers": lambda c, p: selectors.top_parties(company=c, direction=Direction.SALES, **_span(p)),
    "rates": lambda c, p: selectors.tax_rate_mix(company=c, **_span(p)),
    "deduction": lambda c, p: selectors.deduction_progress(company=c, **_span(p)),
    "review": lambda c, p: selectors.review_queue(company=c),
    "reconciliation": lambda c, p: problems_over_time(company=c),
}


def data_version(*, company: Company) -> str:
    """The company's data version: its identity and its last event number."""
    seq = (
        Event.objects.filter(company=company).order_by("-seq").values_list("seq", flat=True).first()
    )
    return f"{company.pk}.{company.created_at.timestamp()}.{seq or 0}"


def chart_data(*, company: Company, name: str, period: Period) -> Any:
    """One chart's data (KeyError for an unknown chart), from the cache while it is current."""
    compute = CHARTS[name]
    seconds = int(getattr(settings, "FAPIAO_REPORTS_CACHE_SECONDS", 300))
    if seconds <= 0:
        return compute(company, period)
    span = ":".join(v.isoformat() if v else "" for v in period.values())
    key = f"fapiao.reports:{data_version(company=company)}:{name}:{span}"
    found = cache.get(key)
    if found is None:
        found = compute(company, period)
        cache.set(key, found, seconds)
    return found
