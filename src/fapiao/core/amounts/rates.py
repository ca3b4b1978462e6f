"""税率 / 征收率 (VAT rates): reading, writing, and whether a rate was in force on a date.

Rate history (财政部 税务总局 announcements; formats.md §8):

* 17 %, 11 %: until 2018-04-30 (财税〔2018〕32号 lowered them to 16 %, 10 %); 13 % was the low
  rate until 2017-06-30 (财税〔2017〕37号 merged it into 11 %);
* 16 %, 10 %: 2018-05-01 to 2019-03-31 (财政部 税务总局 海关总署公告2019年第39号 lowered them
  to 13 %, 9 %);
* 13 %, 9 %: from 2019-04-01; 6 %, 3 %, 0 % (零税率): throughout; 5 % 征收率: from 2016-05-01
  (营改增); 4 % 征收率: until 2014-06-30; 1 % (小规模纳税人 减按1%): from 2020-03-01;
* special: 1.5 % (个人出租住房 减按1.5%, from 2016-05-01), 0.5 % (二手车经销 减按0.5%, from
  2020-05-01).  差额征税 invoices print a normal rate but tax only part of the amount: they are
  recognised from the invoice text (see :func:`is_margin_taxation`), not from the rate;
* 免税 and 不征税 (printed ``*`` or ``***``) are not percentages: :class:`SpecialRate`.

Open-ended windows stay open: reduced rates keep being extended, and a rule should not start
failing good invoices the day a policy's announced end passes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fapiao.core.amounts.money import MONEY_CONTEXT
from fapiao.core.errors import AmountError
from fapiao.core.invoice import SpecialRate, TaxRate, china_today


class RateError(AmountError):
    """A 税率 cannot be read."""

    code = "invalid_rate"
    default_message = "税率不正确"
    default_message_en = "Invalid tax rate"


class RateStatus(StrEnum):
    """How a rate stands on an invoice's issue date (开票日期)."""

    CURRENT = "current"  # in force today, and on the issue date
    HISTORICAL_VALID = "historical_valid"  # no longer in force, but in force on the issue date
    HISTORICAL_EXPIRED = "historical_expired"  # known, but had ended before the issue date
    NOT_YET_IN_FORCE = "not_yet_in_force"  # known, but introduced after the issue date
    SPECIAL = "special"  # a special reduced rate (1.5 %, 0.5 %) in force on the issue date
    UNKNOWN = "unknown"  # no VAT rate fapiao knows of


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """One window in which a rate was in force (both ends inclusive; None: open)."""

    rate: Decimal
    start: dt.date | None = None
    end: dt.date | None = None
    is_special: bool = False

    def covers(self, day: dt.date) -> bool:
        """Whether the rate was in force on the day."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


RATE_PERIODS: tuple[RatePeriod, ...] = (
    RatePeriod(Decimal("0.17"), end=_d(2018, 4, 30)),
    RatePeriod(Decimal("0.13"), end=_d(2017, 6, 30)),
    RatePeriod(Decimal("0.13"), start=_d(2019, 4, 1)),
    RatePeriod(Decimal("0.11"), end=_d(2018, 4, 30)),
    RatePeriod(Decimal("0.16"), start=_d(2018, 5, 1), end=_d(2019, 3, 31)),
    RatePeriod(Decimal("0.10"), start=_d(2018, 5, 1), end=_d(2019, 3, 31)),
    RatePeriod(Decimal("0.09"), start=_d(2019, 4, 1)),
    RatePeriod(Decimal("0.06")),
    RatePeriod(Decimal("0.05"), start=_d(2016, 5, 1)),
    RatePeriod(Decimal("0.04"), end=_d(2014, 6, 30)),
    RatePeriod(Decimal("0.03")),
    RatePeriod(Decimal("0.01"), start=_d(2020, 3, 1)),
    RatePeriod(Decimal("0")),
    RatePeriod(Decimal("0.015"), start=_d(2016, 5, 1), is_special=True),
    RatePeriod(Decimal("0.005"), start=_d(2020, 5, 1), is_special=True),
)
"""Every rate fapiao knows, with the windows in which it was in force."""

CURRENT_RATES: tuple[TaxRate, ...] = (
    Decimal("0.13"),
    Decimal("0.09"),
    Decimal("0.06"),
    Decimal("0.05"),
    Decimal("0.03"),
    Decimal("0.01"),
    Decimal("0"),
    SpecialRate.EXEMPT,
    SpecialRate.NOT_TAXED,
)
"""The rates an ordinary invoice carries today: 13/9/6/5/3/1/0 %, 免税, 不征税."""

_SPECIAL_TEXT = {
    "免税": SpecialRate.EXEMPT,
    "免征": SpecialRate.EXEMPT,
    "不征税": SpecialRate.NOT_TAXED,
    "不征收": SpecialRate.NOT_TAXED,
}
_STARS = re.compile(r"^\*+$")
_NUMBER = re.compile(r"^(?P<number>\d+(?:\.\d+)?|\.\d+)(?P<percent>%?)$")
_HUNDRED = Decimal(100)


def parse_rate(text: str) -> TaxRate:
    """Read a 税率: ``13%``, ``0.13``, ``0.060000``, ``13``, ``1.5%``, ``免税``, ``不征税``, ``*``.

    A bare number of 1 or more is a percentage (``13`` is 13 %); below 1 it is a fraction
    (``0.13``), as the 数电 XML writes it.  Stars stand for 不征税.
    """
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    if compact in _SPECIAL_TEXT:
        return _SPECIAL_TEXT[compact]
    if _STARS.match(compact):
        return SpecialRate.NOT_TAXED
    match = _NUMBER.match(compact)
    if match is None:
        raise RateError(f"无法识别的税率：{text!r}", f"Cannot read the tax rate {text!r}")
    number = Decimal(match["number"])
    if match["percent"] or number >= 1:
        number = MONEY_CONTEXT.divide(number, _HUNDRED)
    if number >= 1:
        raise RateError(f"税率过大：{text!r}", f"The tax rate {text!r} is 100 % or more")
    return _canonical(number)


def _canonical(rate: Decimal) -> Decimal:
    """``0.130000`` -> ``0.13``: the fraction without trailing zeros (0 stays ``0``)."""
    return rate.normalize(MONEY_CONTEXT) if rate else Decimal(0)


def format_rate(rate: TaxRate) -> str:
    """The rate as printed: ``13%``, ``1.5%``, ``0%``, ``免税``, ``不征税``."""
    if rate is SpecialRate.EXEMPT:
        return "免税"
    if rate is SpecialRate.NOT_TAXED:
        return "不征税"
    percent = _canonical(MONEY_CONTEXT.multiply(rate, _HUNDRED))
    return f"{percent:f}%"


def classify_rate(
    rate: TaxRate, issue_date: dt.date | None, *, today: dt.date | None = None
) -> RateStatus:
    """Whether the rate was in force on the issue date, and whether it still is (see RateStatus).

    Without an issue date the rate is judged by whether it was ever in force.
    """
    if isinstance(rate, SpecialRate):
        return RateStatus.CURRENT
    periods = [p for p in RATE_PERIODS if p.rate == rate]
    if not periods:
        return RateStatus.UNKNOWN
    now = today or china_today()
    if issue_date is not None and not any(p.covers(issue_date) for p in periods):
        if all(p.start is not None and issue_date < p.start for p in periods):
            return RateStatus.NOT_YET_IN_FORCE
        return RateStatus.HISTORICAL_EXPIRED
    if periods[0].is_special:
        return RateStatus.SPECIAL
    if any(p.covers(now) for p in periods):
        return RateStatus.CURRENT
    return RateStatus.HISTORICAL_VALID


_MARGIN_WORDS = ("差额征税", "差额开票", "差额纳税")


def is_margin_taxation(*texts: str | None) -> bool:
    """差额征税: whether any text (备注, line names; spaces ignored) marks margin taxation."""
    for text in texts:
        compact = "".join(unicodedata.normalize("NFKC", text or "").split())
        if any(word in compact for word in _MARGIN_WORDS):
            return True
    return False
