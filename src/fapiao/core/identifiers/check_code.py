"""校验码 (check code) of legacy electronic and paper 普票: 20 digits, printed in groups of 5.

It has no public checksum; 查验 (verification) asks for its last 6 digits.  数电票 have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from fapiao.core.errors import ValidationError
from fapiao.core.identifiers._util import clean, require_digits


@dataclass(frozen=True, slots=True)
class CheckCode:
    """A 校验码 and the last 6 digits used for verification."""

    check_code: str
    last6: str


def compact(value: str) -> str:
    """The code without the spaces between groups."""
    return clean(value)


def validate(value: str) -> str:
    """The compact code, or raise InvalidFormat/InvalidLength."""
    return require_digits(compact(value), (20,), "校验码", "Check code")


def is_valid(value: str) -> bool:
    """Whether the value is a 20-digit 校验码."""
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def last6(value: str) -> str:
    """The last 6 digits, which 查验 asks for."""
    return validate(value)[-6:]


def format(value: str) -> str:
    """The code as printed: ``16197 83356 74145 07415``."""
    code = compact(value)
    return " ".join(code[i : i + 5] for i in range(0, len(code), 5))


def parse(value: str) -> CheckCode:
    """The code and its last 6 digits."""
    code = validate(value)
    return CheckCode(code, code[-6:])
