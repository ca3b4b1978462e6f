"""Reading the text of a table cell as a value: 开票日期 (dates) and 金额 (amounts).

The tables keep every value as text (see :mod:`fapiao.core.tabular.reader`); consumers call these
helpers when they need the value.  Both return ``None`` for an empty cell or a ``--`` placeholder
and raise a typed :class:`~fapiao.core.errors.ValidationError` for text that cannot be read.
Excel serial dates count days from 1899-12-30 (the 1900 date system, as Excel shows them).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from fapiao.core.errors import AmountError, InvalidFormat

PLACEHOLDERS = frozenset({"", "--", "——", "—", "－－"})
"""Cell texts that mean "no value" (the export writes ``--`` for a missing 数电发票号码)."""

EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_EXCEL_SERIAL = 2_958_465  # 9999-12-31

_DATE_PARTS = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[T\s]+\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*\d{2}:?\d{2}(?::?\d{2})?)?$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_MONEY_JUNK = re.compile(r"[\s,¥元圆]")


def clean_text(text: str | None) -> str | None:
    """NFKC-normalised, stripped text; ``None`` for empty cells and placeholders."""
    if text is None:
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    return None if value in PLACEHOLDERS else value


def parse_date(text: str | None) -> dt.date | None:
    """开票日期: ``2021-03-04``, ``2021-03-04 12:00:00``, ``2021/3/4``, ``20210304``,
    ``2021年03月04日`` or an Excel serial number such as ``44259``."""
    value = clean_text(text)
    if value is None:
        return None
    match = _DATE_PARTS.match(value) or _DATE_COMPACT.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    elif _SERIAL.match(value):
        serial = int(Decimal(value))
        if 1 <= serial <= _MAX_EXCEL_SERIAL:
            return EXCEL_EPOCH + dt.timedelta(days=serial)
    raise InvalidFormat(f"无法识别的日期：{value}", f"Unreadable date: {value}")


def parse_decimal(text: str | None) -> Decimal | None:
    """金额: plain, with thousands separators, ``¥`` or ``元``, or in accounting parentheses."""
    value = clean_text(text)
    if value is None:
        return None
    digits = _MONEY_JUNK.sub("", value).replace("−", "-")
    negative = digits.startswith("(") and digits.endswith(")")
    if negative:
        digits = digits[1:-1]
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or not digits:
        raise AmountError(f"无法识别的金额：{value}", f"Unreadable amount: {value}")
    return -amount if negative else amount
