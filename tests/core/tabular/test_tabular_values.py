"""parse_date, parse_decimal and the text of Excel numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.errors import AmountError, InvalidFormat
from fapiao.core.tabular import parse_date, parse_decimal
from fapiao.core.tabular.values import number_text


@pytest.mark.parametrize(
    "text",
    [
        "2021-03-04",
        "2021-03-04 12:00:00",
        "2021-03-04T12:00:00+08:00",
        "2021/3/4",
        "2021.03.04",
        "20210304",
        "2021年03月04日",
        "2021年3月4日 09:30",
        " ２０２１－０３－０４ ",
        "44259",  # Excel serial
        "44259.5",
    ],
)
def test_parse_date_accepts_the_usual_spellings(text: str) -> None:
    assert parse_date(text) == dt.date(2021, 3, 4)


def test_excel_serial_epoch() -> None:
    assert parse_date("44197") == dt.date(2021, 1, 1)
    assert parse_date("1") == dt.date(1899, 12, 31)


@pytest.mark.parametrize("text", [None, "", "  ", "--"])
def test_parse_date_empty_is_none(text: str | None) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["2021-02-30", "昨天", "0", "21-03-04", "2021-03-04 下午"])
def test_parse_date_refuses_nonsense(text: str) -> None:
    with pytest.raises(InvalidFormat, match="日期"):
        parse_date(text)


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_parse_date_round_trips(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%Y%m%d")) == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日") == day
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(str(serial)) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("116.50", Decimal("116.50")),
        ("1,234.50", Decimal("1234.50")),
        ("¥57", Decimal("57")),
        ("￥ 1，000.00 元", Decimal("1000.00")),
        ("-50", Decimal("-50")),
        ("－5.5", Decimal("-5.5")),
        ("(12.30)", Decimal("-12.30")),
        ("2.5E+3", Decimal("2500")),
    ],
)
def test_parse_decimal(text: str, expected: Decimal) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["十元", "1.2.3", "NaN", "Infinity", "¥"])
def test_parse_decimal_refuses_nonsense(text: str) -> None:
    with pytest.raises(AmountError):
        parse_decimal(text)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**12))
def test_parse_decimal_round_trips(amount: Decimal) -> None:
    assert parse_decimal(str(amount)) == amount
    assert parse_decimal(f"{amount:,}") == amount


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_text_is_the_shortest_exact_decimal(value: float) -> None:
    text = number_text(value)
    assert "e" not in text.lower()
    assert float(text) == value
    assert Decimal(text) == Decimal(repr(value))
    assert not text.endswith(".0")
