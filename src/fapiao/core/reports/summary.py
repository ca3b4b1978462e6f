"""发票汇总表 (invoice summary table): invoices grouped by kind and tax rate, with totals.

The 汇总表 is the page finance staff print with a batch of invoices: one row per 发票种类 and
税率, the count of invoices, and the sums of 金额, 税额 and 价税合计, ending in a 合计 row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from fapiao.core.reports.table import Column, ColumnKind, ReportTable

SPECIAL_RATE_LABELS = {"exempt": "免税", "not_taxed": "不征税", "": "—"}


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    """One SQL group of the 汇总表: kind, tax rate text (``"0.13"``), count and sums."""

    kind: str
    rate: str
    count: int
    net: Decimal | None
    tax: Decimal | None
    gross: Decimal | None


SUMMARY_COLUMNS = (
    Column("kind", "发票种类", "Kind"),
    Column("rate", "税率", "Tax rate"),
    Column("count", "张数", "Invoices", ColumnKind.INTEGER, total=True),
    Column("net", "金额", "Net", ColumnKind.MONEY, total=True),
    Column("tax", "税额", "Tax", ColumnKind.MONEY, total=True),
    Column("gross", "价税合计", "Gross", ColumnKind.MONEY, total=True),
)


def rate_label(rate: str) -> str:
    """税率 as printed: ``"0.13"`` -> ``13%``, ``exempt`` -> 免税, ``not_taxed`` -> 不征税."""
    if rate in SPECIAL_RATE_LABELS:
        return SPECIAL_RATE_LABELS[rate]
    try:
        percent = (Decimal(rate) * 100).normalize()
    except ArithmeticError:
        return rate
    return f"{percent:f}%"


def summary_table(
    groups: Iterable[SummaryGroup], *, kind_labels: Mapping[str, str] | None = None
) -> ReportTable:
    """The 汇总表: one row per (kind, rate) in kind-label then rate order; amounts exact."""
    labels = kind_labels or {}
    merged: dict[tuple[str, str], list[Decimal | int]] = {}
    for g in groups:
        row = merged.setdefault(
            (g.kind, g.rate), [0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00")]
        )
        row[0] += g.count
        for i, value in enumerate((g.net, g.tax, g.gross), start=1):
            row[i] += Decimal(value or 0)
    ordered = sorted(
        merged.items(), key=lambda item: (labels.get(item[0][0], item[0][0]), item[0][1])
    )
    rows = tuple(
        (labels.get(kind, kind), rate_label(rate), *values) for (kind, rate), values in ordered
    )
    return ReportTable("发票汇总表", "Invoice summary", SUMMARY_COLUMNS, rows)
