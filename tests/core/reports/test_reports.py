"""Reports core: gap-free months, exact totals, the rest bucket, rate labels, the 汇总表."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.reports import (
    Column,
    ColumnKind,
    MonthPoint,
    ReportTable,
    SummaryGroup,
    month_key,
    monthly_series,
    months_between,
    rate_label,
    summary_table,
    top_with_rest,
)

money = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(2019, 2026), st.integers(1, 12))


def test_month_key_and_range_cross_the_year():
    assert month_key(dt.date(2025, 3, 31)) == "2025-03"
    assert months_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert months_between("2025-02", "2024-11") == []
    with pytest.raises(ValueError, match="not a month"):
        months_between("2025-13", "2026-01")


def test_monthly_series_fills_gaps_and_keeps_directions_apart():
    points = [
        MonthPoint(
            "2025-01", "purchase", Decimal("100.00"), Decimal("13.00"), Decimal("113.00"), 2
        ),
        MonthPoint("2025-03", "sales", Decimal("50.50"), Decimal("3.03"), Decimal("53.53"), 1),
    ]
    data = monthly_series(points)
    assert data["months"] == ["2025-01", "2025-02", "2025-03"]
    assert data["series"]["purchase"]["gross"] == ["113.00", "0.00", "0.00"]
    assert data["series"]["sales"]["tax"] == ["0.00", "0.00", "3.03"]
    assert data["series"]["sales"]["count"] == [0, 0, 1]
    assert data["totals"]["purchase"] == {
        "net": "100.00",
        "tax": "13.00",
        "gross": "113.00",
        "count": 2,
    }


def test_monthly_series_empty():
    data = monthly_series([])
    assert data["months"] == []
    assert data["series"]["purchase"]["net"] == []


@given(
    st.lists(
        st.tuples(months, st.sampled_from(["purchase", "sales"]), money, money, st.integers(0, 50)),
        max_size=30,
    )
)
def test_monthly_series_totals_equal_the_sum_of_the_points(rows):
    points = [MonthPoint(m, d, net, tax, net + tax, n) for m, d, net, tax, n in rows]
    data = monthly_series(points)
    for direction in ("purchase", "sales"):
        mine = [p for p in points if p.direction == direction]
        for amount in ("net", "tax", "gross"):
            expected = sum((getattr(p, amount) for p in mine), Decimal("0.00"))
            assert Decimal(data["totals"][direction][amount]) == expected
            assert sum(map(Decimal, data["series"][direction][amount]), Decimal(0)) == expected
        assert sum(data["series"][direction]["count"]) == sum(p.count for p in mine)


@given(
    st.lists(st.tuples(st.text(max_size=4), st.text(max_size=4), money, st.integers(0, 9))),
    st.integers(1, 5),
)
def test_top_with_rest_keeps_the_total(rows, limit):
    top = top_with_rest(rows, limit=limit)
    assert sum(Decimal(r["amount"]) for r in top) == sum((r[2] for r in rows), Decimal(0))
    assert sum(r["count"] for r in top) == sum(r[3] for r in rows)
    assert len(top) <= limit + 1


def test_top_with_rest_orders_by_amount_and_names_the_rest():
    rows = [
        ("甲", "A", Decimal("5"), 1),
        ("乙", "B", Decimal("50"), 2),
        ("丙", "C", Decimal("7"), 3),
    ]
    top = top_with_rest(rows, limit=2)
    assert [r["tax_id"] for r in top] == ["B", "C", ""]
    assert top[-1]["name"].startswith("其他")
    assert top[-1]["amount"] == "5.00"


@pytest.mark.parametrize(
    ("rate", "label"),
    [("0.13", "13%"), ("0.06", "6%"), ("0.015", "1.5%"), ("0", "0%"), ("exempt", "免税")],
)
def test_rate_label(rate, label):
    assert rate_label(rate) == label
    assert rate_label("not_taxed") == "不征税"


def test_summary_table_merges_groups_and_totals_exactly():
    groups = [
        SummaryGroup(
            "vat_special_paper", "0.13", 2, Decimal("0.10"), Decimal("0.01"), Decimal("0.11")
        ),
        SummaryGroup(
            "vat_special_paper", "0.13", 1, Decimal("0.20"), Decimal("0.03"), Decimal("0.23")
        ),
        SummaryGroup("digital_ordinary", "0.06", 1, Decimal("100.00"), Decimal("6.00"), None),
    ]
    table = summary_table(
        groups, kind_labels={"vat_special_paper": "专票", "digital_ordinary": "普票"}
    )
    assert table.rows == (
        ("专票", "13%", 3, Decimal("0.30"), Decimal("0.04"), Decimal("0.34")),
        ("普票", "6%", 1, Decimal("100.00"), Decimal("6.00"), Decimal("0")),
    )
    assert table.totals() == (
        "合计 · Total",
        None,
        4,
        Decimal("100.30"),
        Decimal("6.04"),
        Decimal("0.34"),
    )
    assert table.columns[3].header == "金额 · Net"


def test_report_table_rejects_ragged_rows():
    with pytest.raises(ValueError, match="cells"):
        ReportTable("t", "t", (Column("a", "甲", "A", ColumnKind.MONEY, total=True),), ((1, 2),))
