"""Helpers shared by the identifier modules: cleaning input and raising bilingual errors."""

from __future__ import annotations

import unicodedata

from fapiao.core.errors import InvalidFormat, InvalidLength

_SEPARATORS = str.maketrans("", "", " -\t\n\r\u3000")


def clean(value: str) -> str:
    """NFKC-normalise (full-width digits become ASCII), drop spaces and hyphens, uppercase."""
    return unicodedata.normalize("NFKC", value).translate(_SEPARATORS).upper()


def require_digits(value: str, lengths: tuple[int, ...], what: str, what_en: str) -> str:
    """Raise InvalidFormat/InvalidLength unless ``value`` is digits of one of ``lengths``."""
    if not value.isascii() or not value.isdigit():
        raise InvalidFormat(
            f"{what}“{value}”只能包含数字",
            f"{what_en} {value!r} must contain digits only",
        )
    if len(value) not in lengths:
        expected = "或".join(str(n) for n in lengths)
        expected_en = " or ".join(str(n) for n in lengths)
        raise InvalidLength(
            f"{what}“{value}”应为 {expected} 位，实为 {len(value)} 位",
            f"{what_en} {value!r} must have {expected_en} digits, not {len(value)}",
        )
    return value
