"""税率: reading, writing, classification by issue date, 差额征税 detection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fapiao.core.amounts.rates import (
    CURRENT_RATES,
    RATE_PERIODS,
    RateError,
    RatePeriod,
    RateStatus,
    classify_rate,
    format_rate,
    is_margin_taxation,
    parse_rate,
)
from fapiao.core.errors import AmountError
from fapiao.core.invoice import SpecialRate, TaxRate

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13%", Decimal("0.13")),
        ("0.13", Decimal("0.13")),
        ("13", Decimal("0.13")),
        ("１３％", Decimal("0.13")),
        ("9 %", Decimal("0.09")),
        ("0.060000", Decimal("0.06")),
        ("6.00%", Decimal("0.06")),
        ("1", Decimal("0.01")),
        ("1.5%", Decimal("0.015")),
        ("0.5%", Decimal("0.005")),
        ("0.015", Decimal("0.015")),
        ("0%", Decimal("0")),
        ("0", Decimal("0")),
        (".13", Decimal("0.13")),
        ("免税", SpecialRate.EXEMPT),
        ("免征", SpecialRate.EXEMPT),
        ("不征税", SpecialRate.NOT_TAXED),
        (" 不征税 ", SpecialRate.NOT_TAXED),
        ("*", SpecialRate.NOT_TAXED),
        ("***", SpecialRate.NOT_TAXED),
        ("＊＊＊", SpecialRate.NOT_TAXED),
    ],
)
def test_parse_rate(text: str, expected: TaxRate) -> None:
    rate = parse_rate(text)
    assert rate == expected
    assert type(rate) is type(expected)
    if isinstance(rate, Decimal):
        assert str(rate) == str(expected)


@pytest.mark.parametrize("text", ["", "abc", "-13%", "100%", "130", "1.5.0%", "13%%", "%", "两成"])
def test_parse_rate_refuses(text: str) -> None:
    with pytest.raises(RateError) as caught:
        parse_rate(text)
    assert isinstance(caught.value, AmountError)
    assert caught.value.code == "invalid_rate"
    assert repr(text) in caught.value.message
    assert repr(text) in caught.value.message_en


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Decimal("0.13"), "13%"),
        (Decimal("0.130000"), "13%"),
        (Decimal("0.10"), "10%"),
        (Decimal("0.1"), "10%"),
        (Decimal("0.015"), "1.5%"),
        (Decimal("0.005"), "0.5%"),
        (Decimal("0"), "0%"),
        (Decimal("0.00"), "0%"),
        (SpecialRate.EXEMPT, "免税"),
        (SpecialRate.NOT_TAXED, "不征税"),
    ],
)
def test_format_rate(rate: TaxRate, text: str) -> None:
    assert format_rate(rate) == text
    assert parse_rate(text) == rate


def test_current_rates_are_current_today() -> None:
    for rate in CURRENT_RATES:
        assert classify_rate(rate, TODAY, today=TODAY) is RateStatus.CURRENT, rate
    assert {format_rate(r) for r in CURRENT_RATES} == {
        "13%", "9%", "6%", "5%", "3%", "1%", "0%", "免税", "不征税"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("rate", "issued", "status"),
    [
        ("17%", "2018-04-30", RateStatus.HISTORICAL_VALID),
        ("17%", "2018-05-01", RateStatus.HISTORICAL_EXPIRED),
        ("11%", "2016-03-01", RateStatus.HISTORICAL_VALID),
        ("11%", "2019-01-01", RateStatus.HISTORICAL_EXPIRED),
        ("16%", "2018-04-30", RateStatus.NOT_YET_IN_FORCE),
        ("16%", "2018-05-01", RateStatus.HISTORICAL_VALID),
        ("16%", "2019-03-31", RateStatus.HISTORICAL_VALID),
        ("16%", "2019-04-01", RateStatus.HISTORICAL_EXPIRED),
        ("10%", "2018-12-01", RateStatus.HISTORICAL_VALID),
        ("10%", "2020-12-01", RateStatus.HISTORICAL_EXPIRED),
        ("13%", "2019-04-01", RateStatus.CURRENT),
        ("13%", "2016-06-30", RateStatus.CURRENT),  # the old low rate, in force again today
        ("13%", "2018-01-01", RateStatus.HISTORICAL_EXPIRED),  # merged into 11 % 2017-07-01
        ("9%", "2019-03-31", RateStatus.NOT_YET_IN_FORCE),
        ("9%", "2019-04-01", RateStatus.CURRENT),
        ("6%", "2015-01-01", RateStatus.CURRENT),
        ("5%", "2016-04-30", RateStatus.NOT_YET_IN_FORCE),
        ("4%", "2014-06-30", RateStatus.HISTORICAL_VALID),
        ("4%", "2014-07-01", RateStatus.HISTORICAL_EXPIRED),
        ("1%", "2020-03-01", RateStatus.CURRENT),
        ("1%", "2019-12-31", RateStatus.NOT_YET_IN_FORCE),
        ("0%", "2010-01-01", RateStatus.CURRENT),
        ("1.5%", "2024-01-01", RateStatus.SPECIAL),
        ("0.5%", "2024-01-01", RateStatus.SPECIAL),
        ("0.5%", "2020-04-30", RateStatus.NOT_YET_IN_FORCE),
        ("7%", "2024-01-01", RateStatus.UNKNOWN),
        ("12%", "2024-01-01", RateStatus.UNKNOWN),
        ("免税", "2010-01-01", RateStatus.CURRENT),
        ("不征税", "2024-01-01", RateStatus.CURRENT),
    ],
)
def test_classify_rate(rate: str, issued: str, status: RateStatus) -> None:
    day = dt.date.fromisoformat(issued)
    assert classify_rate(parse_rate(rate), day, today=TODAY) is status


@pytest.mark.parametrize(
    ("rate", "status"),
    [
        ("16%", RateStatus.HISTORICAL_VALID),
        ("13%", RateStatus.CURRENT),
        ("1.5%", RateStatus.SPECIAL),
        ("8%", RateStatus.UNKNOWN),
    ],
)
def test_classify_rate_without_issue_date(rate: str, status: RateStatus) -> None:
    assert classify_rate(parse_rate(rate), None, today=TODAY) is status


def test_classify_rate_defaults_to_today_in_china() -> None:
    assert classify_rate(Decimal("0.13"), None) is RateStatus.CURRENT
    assert classify_rate(Decimal("0.16"), None) is RateStatus.HISTORICAL_VALID


def test_rate_period_covers_inclusive_ends() -> None:
    period = RatePeriod(Decimal("0.16"), dt.date(2018, 5, 1), dt.date(2019, 3, 31))
    assert period.covers(dt.date(2018, 5, 1))
    assert period.covers(dt.date(2019, 3, 31))
    assert not period.covers(dt.date(2018, 4, 30))
    assert not period.covers(dt.date(2019, 4, 1))
    assert all(p.start is None or p.end is None or p.start <= p.end for p in RATE_PERIODS)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("差额征税：1000.00。",), True),
        ((None, "*经纪代理服务*代理费（差额开票）"), True),
        (("差 额 征 税",), True),
        (("差额",), False),
        ((None, None), False),
        (("", "*住宿服务*住宿费"), False),
        ((), False),
    ],
)
def test_is_margin_taxation(texts: tuple[str | None, ...], expected: bool) -> None:
    assert is_margin_taxation(*texts) is expected
