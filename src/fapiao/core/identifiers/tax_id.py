"""纳税人识别号 (taxpayer identification number).

Today an 18-character 统一社会信用代码 (USCC, GB 32100-2015: weighted mod-31 check character;
characters 3-8 are the registering authority's GB/T 2260 area code), whose check character is
computed by ``stdnum.cn.uscc`` (which alone would refuse the letter authorities N and Y).
Legacy 纳税人识别号 of 15, 17 or 20 characters (20 = an 18-digit 居民身份证号 + 2 digits) and
18-digit 居民身份证号 of individual businesses are accepted with ``is_legacy`` set, so that a
rule can warn rather than reject.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum.cn import ric, uscc

from fapiao.core.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from fapiao.core.identifiers._util import clean
from fapiao.core.identifiers.regions import Region, by_area_code

LEGACY_LENGTHS = (15, 17, 20)
_CHARS = re.compile(r"^[0-9A-Z]+$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
"""GB 32100-2015: authority and kind may be letters (``N``, ``Y``), which stdnum refuses."""

AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "Public sector establishment"),
    "2": ("外交", "Foreign affairs"),
    "3": ("司法行政", "Justice"),
    "4": ("文化", "Culture"),
    "5": ("民政", "Civil affairs"),
    "6": ("旅游", "Tourism"),
    "7": ("宗教", "Religious affairs"),
    "8": ("工会", "Trade unions"),
    "9": ("市场监管（工商）", "Market regulation (industry and commerce)"),
    "A": ("中央军委改革和编制办公室", "Central Military Commission establishment office"),
    "N": ("农业", "Agriculture"),
    "Y": ("其他", "Other"),
}
"""The registering authority (登记管理部门), first character of a USCC."""

LEGACY_NOTE = (
    "旧版纳税人识别号（非 18 位统一社会信用代码）",
    "Legacy taxpayer number (not an 18-character unified social credit code)",
)
PERSONAL_NOTE = (
    "居民身份证号用作纳税人识别号（个人或个体户）",
    "A resident ID number used as taxpayer number (individual or sole trader)",
)


@dataclass(frozen=True, slots=True)
class TaxId:
    """The parts of a 纳税人识别号."""

    tax_id: str
    scheme: str  # "uscc", "personal_id" or "legacy"
    is_legacy: bool
    area_code: str | None
    region: Region | None
    authority: str | None = None
    authority_en: str | None = None
    note: tuple[str, str] | None = None  # (Chinese, English) remark for legacy numbers


def compact(value: str) -> str:
    """The number uppercased, without spaces or hyphens, full-width characters made ASCII."""
    return clean(value)


def _is_uscc(number: str) -> bool:
    return _USCC.match(number) is not None and uscc.calc_check_digit(number) == number[17]


def _uscc_error(number: str) -> ValidationError:
    """Why an 18-character number that is no personal ID is not a valid USCC."""
    if not _USCC.match(number):
        return InvalidFormat(
            f"统一社会信用代码“{number}”格式不正确（第 3-8 位应为数字，不含 I、O、S、V、Z）",
            f"Unified social credit code {number!r}: characters 3-8 must be digits and "
            "I, O, S, V, Z are not allowed",
        )
    expected = uscc.calc_check_digit(number)
    return InvalidChecksum(
        f"统一社会信用代码“{number}”的校验位应为“{expected}”",
        f"Unified social credit code {number!r}: check character should be {expected!r}",
    )


def is_personal_id(number: str) -> bool:
    """Whether ``number`` (18 characters) reads as a 居民身份证号: area, birth date, check digit.

    The area only has to lie in a known province (``stdnum.cn.ric`` also rejects retired
    district codes, which real taxpayer numbers still carry).
    """
    if len(number) != 18 or not number[:17].isdigit() or _region(number[:6]) is None:
        return False
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return birth.year >= 1900 and ric.calc_check_digit(number) == number[17]


def validate(value: str) -> str:
    """The compact number, or raise InvalidFormat/InvalidLength/InvalidChecksum."""
    number = compact(value)
    if not _CHARS.match(number):
        raise InvalidFormat(
            f"纳税人识别号“{number}”只能包含数字和大写字母",
            f"Taxpayer number {number!r} may contain only digits and letters",
        )
    if len(number) == 18:
        if not _is_uscc(number) and not is_personal_id(number):
            raise _uscc_error(number)
    elif len(number) not in LEGACY_LENGTHS:
        raise InvalidLength(
            f"纳税人识别号“{number}”应为 18 位（旧版 15、17 或 20 位），实为 {len(number)} 位",
            f"Taxpayer number {number!r} must have 18 characters (legacy: 15, 17 or 20), "
            f"not {len(number)}",
        )
    return number


def is_valid(value: str) -> bool:
    """Whether the value is an acceptable 纳税人识别号 (legacy forms included)."""
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def is_legacy(value: str) -> bool:
    """Whether a valid number is a legacy form (not an 18-character USCC)."""
    return parse(value).is_legacy


def format(value: str) -> str:
    """The number as printed: one block, uppercase."""
    return compact(value)


def _region(area: str | None) -> Region | None:
    if area is None or not area.isdigit():
        return None
    try:
        return by_area_code(area)
    except InvalidComponent:
        return None


def parse(value: str) -> TaxId:
    """The parts of a valid number: scheme, registering area and region, authority."""
    number = validate(value)
    if len(number) == 18 and _is_uscc(number):
        area = number[2:8]
        names = AUTHORITIES.get(number[0])
        return TaxId(
            tax_id=number,
            scheme="uscc",
            is_legacy=False,
            area_code=area,
            region=_region(area),
            authority=names[0] if names else None,
            authority_en=names[1] if names else None,
        )
    area = number[:6]
    personal = len(number) == 18
    return TaxId(
        tax_id=number,
        scheme="personal_id" if personal else "legacy",
        is_legacy=True,
        area_code=area if area.isdigit() else None,
        region=_region(area),
        note=PERSONAL_NOTE if personal else LEGACY_NOTE,
    )
