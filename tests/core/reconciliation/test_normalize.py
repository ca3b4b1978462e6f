"""Exact money, dates and keys from ledger and export text."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.reconciliation import infer_period
from fapiao.core.reconciliation.normalize import cents_expr, cents_text, parse_dates


def _cents(values: list[str | None]) -> list[int | None]:
    return (
        pl.DataFrame({"a": values}, schema={"a": pl.Utf8})
        .select(cents_expr("a"))
        .to_series()
        .to_list()
    )


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False))
def test_cents_are_exact_half_up(value: Decimal) -> None:
    expected = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = f"{value:,f}"
    assert _cents([text]) == [expected]
    back = pl.DataFrame({"c": [expected]}).select(cents_text(pl.col("c"))).to_series()[0]
    assert Decimal(back) == Decimal(expected) / 100


def test_cents_accept_symbols_and_reject_garbage() -> None:
    assert _cents(["¥1,060.00", "（12.30）", "60", "1060.0", "abc", "", None, "1.2.3"]) == [
        106000, -1230, 6000, 106000, None, None, None, None,
    ]  # fmt: skip


def test_dates_in_every_common_spelling() -> None:
    got = parse_dates(
        pl.Series(["2025-03-10 10:11:12", "2025/3/21", "2025年3月5日", "20250310", "45737", "下周"])
    ).to_list()
    assert got == [
        dt.date(2025, 3, 10), dt.date(2025, 3, 21), dt.date(2025, 3, 5), dt.date(2025, 3, 10),
        dt.date(2025, 3, 21), None,
    ]  # fmt: skip


def test_period_is_whole_months() -> None:
    dates = pl.Series([dt.date(2024, 12, 31), dt.date(2025, 2, 3)])
    assert infer_period(dates) == (dt.date(2024, 12, 1), dt.date(2025, 2, 28))
    assert infer_period(pl.Series([], dtype=pl.Date)) is None
