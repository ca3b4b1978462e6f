"""发票代码 (invoice code) of legacy 增值税发票 and of 数电纸质发票: 10 or 12 digits.

10 digits (paper 专票/普票): region(4) + year(2) + batch(1) + kind(1: 1/5 专票, 3/6 普票,
2/7 货运专票) + copies(1, 2-9) + amount version(1, 0-4); pattern ``^\\d{8}[2-9][0-4]$``.
12 digits: ``0`` + region(4) + year(2) + batch(3) + kind(2: 11 电子普票, 12 通行费,
13 电子专票, 04/05 折叠纸质普票, 06/07 卷票); a leading ``1`` marks a Shenzhen blockchain
invoice.  A 12-digit code ending ``04`` is ambiguous: legacy folded paper 普票 or 数电纸质发票
(see formats.md §1).  The year is the year the invoice stock was issued, not necessarily the
开票 year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fapiao.core.errors import InvalidComponent, InvalidFormat, ValidationError
from fapiao.core.identifiers._util import clean, require_digits
from fapiao.core.identifiers.regions import Region, by_code4
from fapiao.core.invoice import InvoiceKind

_TEN = re.compile(r"^\d{8}[2-9][0-4]$")

KINDS_10: dict[str, tuple[InvoiceKind, str, str]] = {
    "1": (InvoiceKind.VAT_SPECIAL_PAPER, "增值税专用发票", "VAT special invoice"),
    "5": (InvoiceKind.VAT_SPECIAL_PAPER, "增值税专用发票", "VAT special invoice"),
    "3": (InvoiceKind.VAT_ORDINARY_PAPER, "增值税普通发票", "VAT ordinary invoice"),
    "6": (InvoiceKind.VAT_ORDINARY_PAPER, "增值税普通发票", "VAT ordinary invoice"),
    "2": (
        InvoiceKind.VAT_SPECIAL_PAPER,
        "货物运输业增值税专用发票",
        "Freight transport VAT special invoice",
    ),
    "7": (
        InvoiceKind.VAT_SPECIAL_PAPER,
        "货物运输业增值税专用发票",
        "Freight transport VAT special invoice",
    ),
}
"""The kind digit (8th) of a 10-digit code."""

_FOLDED = (
    InvoiceKind.VAT_ORDINARY_PAPER,
    "增值税普通发票（折叠票）",
    "VAT ordinary invoice (folded)",
)
_ROLL = (InvoiceKind.VAT_ORDINARY_ROLL, "增值税普通发票（卷票）", "VAT ordinary invoice (roll)")
KINDS_12: dict[str, tuple[InvoiceKind, str, str]] = {
    "11": (InvoiceKind.VAT_ORDINARY_ELECTRONIC, "增值税电子普通发票", "VAT electronic ordinary"),
    "12": (InvoiceKind.TOLL, "通行费电子普通发票", "Toll-road electronic invoice"),
    "13": (InvoiceKind.VAT_SPECIAL_ELECTRONIC, "增值税电子专用发票", "VAT electronic special"),
    "04": _FOLDED,
    "05": _FOLDED,
    "06": _ROLL,
    "07": _ROLL,
}
"""The kind digits (last two) of a 12-digit code."""

AMBIGUOUS_NOTE = (
    "代码以 04 结尾：可能是旧版折叠纸质普票，也可能是数电纸质发票；有 20 位数电号码即为后者",
    "A code ending in 04 is either a legacy folded paper ordinary invoice or a digital-era paper "
    "invoice; a 20-digit digital number means the latter",
)
BLOCKCHAIN_NOTE = ("深圳区块链电子发票", "Shenzhen blockchain e-invoice")


@dataclass(frozen=True, slots=True)
class InvoiceCode:
    """The parts of a 发票代码."""

    code: str
    region: Region
    year: int
    batch: str
    kind_digits: str
    kind: InvoiceKind
    kind_name: str
    kind_name_en: str
    copies: int | None = None  # 联次 (10-digit codes)
    amount_version: str | None = None  # 金额版 (10-digit codes)
    is_blockchain: bool = False
    ambiguous: tuple[str, str] | None = None  # (Chinese, English) explanation
    alternative_kind: InvoiceKind | None = None

    @property
    def kinds(self) -> frozenset[InvoiceKind]:
        """Every invoice kind this code can belong to."""
        extra = {self.alternative_kind} if self.alternative_kind else set()
        return frozenset({self.kind, *extra})


def compact(value: str) -> str:
    """The code without spaces or hyphens, full-width digits made ASCII (leading zeros kept)."""
    return clean(value)


def _region(code: str, region4: str) -> Region:
    try:
        return by_code4(region4)
    except InvalidComponent:
        raise InvalidComponent(
            f"发票代码“{code}”的地区代码“{region4}”未知",
            f"Invoice code {code!r}: unknown region {region4!r}",
        ) from None


def _unknown_kind(code: str, digits: str) -> InvalidComponent:
    return InvalidComponent(
        f"发票代码“{code}”的种类代码“{digits}”未知",
        f"Invoice code {code!r}: unknown kind {digits!r}",
    )


def _parse10(code: str) -> InvoiceCode:
    if not _TEN.match(code):
        raise InvalidFormat(
            f"10 位发票代码“{code}”的联次或金额版不正确（第 9 位应为 2-9，第 10 位应为 0-4）",
            f"10-digit invoice code {code!r}: copies must be 2-9 and amount version 0-4",
        )
    if code[7] not in KINDS_10:
        raise _unknown_kind(code, code[7])
    kind, name, name_en = KINDS_10[code[7]]
    return InvoiceCode(
        code=code,
        region=_region(code, code[:4]),
        year=2000 + int(code[4:6]),
        batch=code[6],
        kind_digits=code[7],
        kind=kind,
        kind_name=name,
        kind_name_en=name_en,
        copies=int(code[8]),
        amount_version=code[9],
    )


def _parse12(code: str) -> InvoiceCode:
    lead, digits = code[0], code[10:]
    if lead not in "01":
        raise InvalidComponent(
            f"12 位发票代码“{code}”应以 0（或深圳区块链发票的 1）开头",
            f"12-digit invoice code {code!r} must start with 0 (or 1: Shenzhen blockchain)",
        )
    blockchain = lead == "1"
    if blockchain:
        kind, name, name_en = (InvoiceKind.VAT_ORDINARY_ELECTRONIC, *BLOCKCHAIN_NOTE)
    elif digits in KINDS_12:
        kind, name, name_en = KINDS_12[digits]
    else:
        raise _unknown_kind(code, digits)
    ambiguous = not blockchain and digits == "04"
    return InvoiceCode(
        code=code,
        region=_region(code, code[1:5]),
        year=2000 + int(code[5:7]),
        batch=code[7:10],
        kind_digits=digits,
        kind=kind,
        kind_name=name,
        kind_name_en=name_en,
        is_blockchain=blockchain,
        ambiguous=AMBIGUOUS_NOTE if ambiguous else None,
        alternative_kind=InvoiceKind.DIGITAL_PAPER_ORDINARY if ambiguous else None,
    )


def parse(value: str) -> InvoiceCode:
    """The parts of a valid code; raises InvalidFormat/InvalidLength/InvalidComponent."""
    code = require_digits(compact(value), (10, 12), "发票代码", "Invoice code")
    return _parse10(code) if len(code) == 10 else _parse12(code)


def validate(value: str) -> str:
    """The compact code, or raise a ValidationError."""
    return parse(value).code


def is_valid(value: str) -> bool:
    """Whether the value is a valid 发票代码."""
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def format(value: str) -> str:
    """The code as printed: one block of digits."""
    return compact(value)
