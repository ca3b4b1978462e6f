"""金额 (money amounts): lenient reading of printed amounts, and the rounding invoices use.

Amounts on Chinese VAT invoices are yuan with two decimals (角, 分).  Rounding is 四舍五入
(``ROUND_HALF_UP``, halves away from zero), done in an explicit :class:`decimal.Context`; the
global decimal context is never read or changed.  Line tax is ``round(金额 × 税率, 2)``
(formats.md §8).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

from fapiao.core.errors import AmountError
from fapiao.core.invoice import SpecialRate, TaxRate

MONEY_CONTEXT = Context(
    prec=34, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow]
)
"""The decimal context for every money computation (34 digits, half-up, errors trapped)."""

CENT = Decimal("0.01")
"""分: the smallest unit printed on an invoice."""

_MONEY_RE = re.compile(
    r"^(?:\(?小写\)?:?)?"
    r"(?P<sign1>[-+]?)(?:¥|RMB|CNY)?(?P<sign2>[-+]?)"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"[元圆]?$"
)


def parse_money(text: str) -> Decimal:
    """Read a printed amount (金额) such as ``¥1,234.50``, ``（小写）￥-5.00`` or ``１２元``.

    Full-width characters are NFKC-normalised; spaces, a ``（小写）`` label, a ``¥``/``￥`` sign,
    thousands commas and a trailing ``元`` are accepted.  The value is returned exactly as
    written (not rounded); anything else raises :class:`AmountError` naming the input.
    """
    normalised = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    compact = "".join(normalised.split())
    match = _MONEY_RE.match(compact)
    if match is None or (match["sign1"] and match["sign2"]):
        raise AmountError(f"无法识别的金额：{text!r}", f"Cannot read the amount {text!r}")
    sign = "-" if "-" in (match["sign1"], match["sign2"]) else ""
    digits = match["int"].replace(",", "")
    frac = f".{match['frac']}" if match["frac"] else ""
    return Decimal(f"{sign}{digits}{frac}")


def quantize_money(value: Decimal) -> Decimal:
    """The amount rounded to 分 (2 decimals), half-up, in :data:`MONEY_CONTEXT`."""
    if not value.is_finite():
        raise AmountError(f"金额不是有限数：{value}", f"The amount is not a finite number: {value}")
    try:
        return value.quantize(CENT, rounding=ROUND_HALF_UP, context=MONEY_CONTEXT)
    except InvalidOperation:
        raise AmountError(f"金额过大：{value}", f"The amount is too large: {value}") from None


def line_tax(net: Decimal, rate: TaxRate) -> Decimal:
    """税额 of one line: ``round(金额 × 税率, 2)`` half-up; zero for 免税 and 不征税."""
    if isinstance(rate, SpecialRate):
        return Decimal("0.00")
    return quantize_money(MONEY_CONTEXT.multiply(net, rate))


def format_money(value: Decimal) -> str:
    """The amount as ``1,234.50`` (rounded to 分), for messages."""
    return format(quantize_money(value), ",f")
