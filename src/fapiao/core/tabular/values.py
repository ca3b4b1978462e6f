"""Cells as text, and text as values: 开票日期 (dates) and 金额 (amounts).

The tables keep every value as text (see :mod:`fapiao.core.tabular.reader`): a cell becomes the
text a person sees in Excel (:func:`cell_text`); consumers call the parse helpers when they need
the value.  Both return ``None`` for an empty cell or a ``--`` placeholder
and raise a typed :class:`~fapiao.core.errors.ValidationError` for text that cannot be read.
Excel serial dates count days from 1899-12-30 (the 1900 date system, as Excel shows them).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from fapiao.core.errors import AmountError, InvalidFormat
from fapiao.core.tabular.sources import Cell

PLACEHOLDERS = frozenset({"", "--", "——", "—", "－－"})
"""Cell texts that mean "no value" (the export writes ``--`` for a missing 数电发票号码)."""

MAX_EXACT_DIGITS = 15
"""Excel's precision: a number with more significant digits than this has lost some."""

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


def cell_text(value: Cell) -> str | None:
    """A cell as the text a person sees: no float artefacts, ISO dates, ``None`` when empty."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    return str(value)


def identifier_text(value: Cell) -> str | None:
    """An identifier cell as text; a number too long for Excel's 15 digits keeps the scientific
    form Excel shows (``2.53200000003654E+19``), since its last digits are gone."""
    if isinstance(value, float) and abs(value) >= 10**MAX_EXACT_DIGITS:
        return format(value, ".15G")
    return cell_text(value)


def number_text(value: float) -> str:
    """A float as its shortest decimal text: ``120.0`` → ``120``, ``1234.5`` → ``1234.5``."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 10**MAX_EXACT_DIGITS:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text.removesuffix(".0")
