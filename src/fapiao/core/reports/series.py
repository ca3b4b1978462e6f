"""图表序列 (chart series): monthly amounts by direction and top-N rankings with a rest bucket.

Business months are China Standard Time calendar months (``YYYY-MM``) of the 开票日期; the web
layer groups by month in SQL and passes the grouped rows in.  Every amount is a ``Decimal``
rendered as text, so a chart's numbers add up exactly to the database totals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")
AMOUNTS = ("net", "tax", "gross")
REST_LABEL = "其他 · Others"


@dataclass(frozen=True, slots=True)
class MonthPoint:
    """One SQL group: a month, a direction (进项 purchase / 销项 sales), sums and a count."""

    month: str
    direction: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    count: int


def month_key(date: dt.date) -> str:
    """The month of a business date as ``YYYY-MM``."""
    return f"{date.year:04d}-{date.month:02d}"


def _parse_month(text: str) -> tuple[int, int]:
    year, _, month = text.partition("-")
    value = (int(year), int(month))
    if not 1 <= value[1] <= 12:
        raise ValueError(f"not a month: {text!r}")
    return value


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (``YYYY-MM``); empty if reversed."""
    year, month = _parse_month(first)
    end = _parse_month(last)
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _money(value: Decimal | None) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(Decimal("0.01"))


def monthly_series(
    points: Iterable[MonthPoint], *, directions: Sequence[str] = ("purchase", "sales")
) -> dict[str, Any]:
    """Months without gaps and, per direction, net/tax/gross/count lists plus their totals.

    ``{"months": [...], "series": {direction: {"net": [...], ...}}, "totals": {direction:
    {"net": "…", ...}}}`` with amounts as exact decimal text; unknown directions are kept too.
    """
    points = list(points)
    wanted = list(directions) + sorted({p.direction for p in points} - set(directions))
    if not points:
        empty: dict[str, dict[str, list[Decimal]]] = {d: {a: [] for a in AMOUNTS} for d in wanted}
        return {"months": [], "series": {d: _empty(0) for d in wanted}, "totals": _totals(empty)}
    months = months_between(min(p.month for p in points), max(p.month for p in points))
    index = {m: i for i, m in enumerate(months)}
    sums: dict[str, dict[str, list[Decimal]]] = {
        d: {a: [ZERO] * len(months) for a in AMOUNTS} for d in wanted
    }
    counts: dict[str, list[int]] = {d: [0] * len(months) for d in wanted}
    for p in points:
        i = index[p.month]
        for amount in AMOUNTS:
            sums[p.direction][amount][i] += _money(getattr(p, amount))
        counts[p.direction][i] += p.count
    series = {
        d: {**{a: [str(v) for v in sums[d][a]] for a in AMOUNTS}, "count": counts[d]}
        for d in wanted
    }
    return {"months": months, "series": series, "totals": _totals(sums, counts)}


def _empty(n: int) -> dict[str, list[Any]]:
    return {**{a: ["0.00"] * n for a in AMOUNTS}, "count": [0] * n}


def _totals(
    sums: dict[str, dict[str, list[Decimal]]], counts: dict[str, list[int]] | None = None
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for d, by_amount in sums.items():
        out[d] = {a: str(sum(by_amount[a], ZERO)) for a in AMOUNTS}
        out[d]["count"] = sum((counts or {}).get(d, []))
    return out


def top_with_rest(
    rows: Iterable[tuple[str, str, Decimal, int]], *, limit: int = 10
) -> list[dict[str, Any]]:
    """The ``limit`` biggest parties by amount, then one 其他 row with the rest (so totals hold).

    ``rows`` are ``(name, tax_id, amount, count)``; ties are broken by tax ID for a stable order.
    """
    ordered = sorted(rows, key=lambda r: (-_money(r[2]), r[1], r[0]))
    head = [
        {"name": name, "tax_id": tax_id, "amount": str(_money(amount)), "count": count}
        for name, tax_id, amount, count in ordered[:limit]
    ]
    rest = ordered[limit:]
    if rest:
        head.append(
            {
                "name": REST_LABEL,
                "tax_id": "",
                "amount": str(sum((_money(r[2]) for r in rest), ZERO)),
                "count": sum(r[3] for r in rest),
            }
        )
    return head
