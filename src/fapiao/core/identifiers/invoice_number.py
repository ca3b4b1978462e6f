"""发票号码 (invoice number) of legacy 增值税发票: 8 digits, sequential within a 发票代码.

The 20-digit number of a 数电票 is :mod:`fapiao.core.identifiers.digital_number`.
"""

from __future__ import annotations

from dataclasses import dataclass

from fapiao.core.errors import ValidationError
from fapiao.core.identifiers._util import clean, require_digits


@dataclass(frozen=True, slots=True)
class InvoiceNumber:
    """An 8-digit 发票号码 and its position in the code's sequence."""

    number: str
    sequence: int


def compact(value: str) -> str:
    """The number without spaces, full-width digits made ASCII (leading zeros kept)."""
    return clean(value)


def validate(value: str) -> str:
    """The compact number, or raise InvalidFormat/InvalidLength."""
    return require_digits(compact(value), (8,), "发票号码", "Invoice number")


def is_valid(value: str) -> bool:
    """Whether the value is an 8-digit 发票号码."""
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """The number as printed: 8 digits with leading zeros."""
    return compact(value)


def parse(value: str) -> InvoiceNumber:
    """The number and its sequence position."""
    number = validate(value)
    return InvoiceNumber(number, int(number))
