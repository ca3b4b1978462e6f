"""Money: lenient reading of printed amounts, half-up rounding to 分, line tax."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.amounts.money import format_money, line_tax, parse_money, quantize_money
from fapiao.core.errors import AmountError
from fapiao.core.invoice import SpecialRate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¥1,234.50", "1234.50"),
        ("￥1,234.50", "1234.50"),
        ("１２３４．５０", "1234.50"),
        ("（小写）¥1,234.50", "1234.50"),
        ("(小写)￥-500.00", "-500.00"),
        ("小写：¥12", "12"),
        ("-¥500.00", "-500.00"),
        ("¥-500.00", "-500.00"),
        ("\u2212500", "-500"),
        ("+3.5", "3.5"),
        ("57", "57"),
        ("250.00元", "250.00"),
        (" ¥ 1 234.50 ", "1234.50"),
        ("1,234,567.891", "1234567.891"),
        ("0.060000", "0.060000"),
        ("RMB100", "100"),
    ],
)
def test_parse_money(text: str, expected: str) -> None:
    value = parse_money(text)
    assert value == Decimal(expected)
    assert str(value) == expected


def test_parse_money_keeps_written_precision() -> None:
    assert parse_money("1.50").as_tuple().exponent == -2
    assert parse_money("-0").is_signed()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "abc",
        "1.2.3",
        "1,23",
        "12,3456",
        ".5",
        "5.",
        "--5",
        "-¥-5",
        "1e3",
        "¥",
        "五元",
        "1 元元",
    ],
)
def test_parse_money_refuses(text: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_money(text)
    assert repr(text) in caught.value.message
    assert repr(text) in caught.value.message_en


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.675", "2.68"),  # a float would give 2.67
        ("-2.675", "-2.68"),
        ("0.005", "0.01"),
        ("0.0049999", "0.00"),
        ("1.004", "1.00"),
        ("12", "12.00"),
        ("999999999999.995", "1000000000000.00"),
    ],
)
def test_quantize_money_half_up(value: str, expected: str) -> None:
    result = quantize_money(Decimal(value))
    assert str(result) == expected


def test_quantize_money_ignores_the_global_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_DOWN
        assert str(quantize_money(Decimal("12345.675"))) == "12345.68"
        assert line_tax(Decimal("12345.67"), Decimal("0.13")) == Decimal("1604.94")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1E+40"])
def test_quantize_money_refuses(value: str) -> None:
    with pytest.raises(AmountError):
        quantize_money(Decimal(value))


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_quantize_money_matches_integer_half_up(thousandths: int) -> None:
    value = Decimal(thousandths).scaleb(-3)
    cents = (abs(thousandths) + 5) // 10
    expected = Decimal(cents if thousandths >= 0 else -cents).scaleb(-2)
    assert quantize_money(value) == expected


@pytest.mark.parametrize(
    ("net", "rate", "tax"),
    [
        ("100", "0.13", "13.00"),
        ("0.50", "0.13", "0.07"),  # 0.065 rounds up
        ("-0.50", "0.13", "-0.07"),  # and away from zero for red lines
        ("283.02", "0.06", "16.98"),
        ("235.85", "0.06", "14.15"),  # 14.151
        ("1000", "0.015", "15.00"),
        ("88.50", "0", "0.00"),
    ],
)
def test_line_tax(net: str, rate: str, tax: str) -> None:
    assert str(line_tax(Decimal(net), Decimal(rate))) == tax


@pytest.mark.parametrize("rate", [SpecialRate.EXEMPT, SpecialRate.NOT_TAXED])
def test_line_tax_special_rates_are_zero(rate: SpecialRate) -> None:
    assert str(line_tax(Decimal("100"), rate)) == "0.00"


def test_format_money() -> None:
    assert format_money(Decimal("1234.5")) == "1,234.50"
    assert format_money(Decimal("-0.005")) == "-0.01"
    assert format_money(Decimal("7")) == "7.00"
