"""识别 (describe): say what an identifier is, whatever was pasted.

Accepts a 数电票号码, a 发票代码, an 8-digit 发票号码, a 校验码 or a 纳税人识别号 (spaces allowed)
and returns a :class:`Description`: what it is, whether it is valid, its region, year, invoice
kind and channel, with notes in Chinese and English.  A 20-digit value is read as a 数电 number
when it is a valid one, as a legacy 纳税人识别号 when it starts with a valid 居民身份证号, and as a
校验码 otherwise (or when it was written in groups of five).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from fapiao.core.errors import InvalidFormat, ValidationError
from fapiao.core.identifiers import check_code, digital_number, invoice_code, invoice_number, tax_id
from fapiao.core.identifiers._util import clean
from fapiao.core.identifiers.regions import Region
from fapiao.core.invoice import InvoiceKind, china_today

TYPES: dict[str, tuple[str, str]] = {
    "digital_number": ("数电票号码", "Digital invoice number"),
    "invoice_code": ("发票代码", "Invoice code"),
    "invoice_number": ("发票号码", "Invoice number"),
    "check_code": ("校验码", "Check code"),
    "tax_id": ("纳税人识别号", "Taxpayer number"),
}
"""What an identifier can be: Chinese and English names."""

MAYBE_CHECK_CODE = (
    "20 位数字也可能是校验码；按数电票号码解读",
    "20 digits could also be a check code; read as a digital invoice number",
)


def _max_year() -> int:
    """The last two digits of next year in China: later 数电 years are implausible."""
    return (china_today().year + 1) % 100


@dataclass(frozen=True, slots=True)
class Description:
    """What an identifier is and what it says."""

    value: str
    identifier_type: str
    valid: bool
    formatted: str
    region: Region | None = None
    region_verified: bool = True
    year: int | None = None
    invoice_kind: InvoiceKind | None = None
    kind_name: str | None = None
    kind_name_en: str | None = None
    channel: str | None = None
    channel_name: str | None = None
    channel_name_en: str | None = None
    ambiguous: bool = False
    error_code: str | None = None
    note_pairs: tuple[tuple[str, str], ...] = ()  # (Chinese, English)

    @property
    def notes(self) -> tuple[str, ...]:
        """Remarks in Chinese."""
        return tuple(cn for cn, _ in self.note_pairs)

    @property
    def notes_en(self) -> tuple[str, ...]:
        """Remarks in English."""
        return tuple(en for _, en in self.note_pairs)

    @property
    def type_name(self) -> str:
        """The Chinese name of what the identifier is."""
        return TYPES[self.identifier_type][0]

    @property
    def type_name_en(self) -> str:
        """The English name of what the identifier is."""
        return TYPES[self.identifier_type][1]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``fapiao describe --json`` and the API."""
        region = self.region
        return {
            "value": self.value,
            "type": self.identifier_type,
            "type_name": self.type_name,
            "type_name_en": self.type_name_en,
            "valid": self.valid,
            "formatted": self.formatted,
            "region": None
            if region is None
            else {"code": region.code, "name": region.name, "name_en": region.name_en},
            "region_verified": self.region_verified,
            "year": self.year,
            "invoice_kind": None if self.invoice_kind is None else self.invoice_kind.value,
            "kind_name": self.kind_name,
            "kind_name_en": self.kind_name_en,
            "channel": self.channel,
            "channel_name": self.channel_name,
            "channel_name_en": self.channel_name_en,
            "ambiguous": self.ambiguous,
            "error_code": self.error_code,
            "notes": list(self.notes),
            "notes_en": list(self.notes_en),
        }

    def lines(self) -> list[str]:
        """Human-readable lines, Chinese first: ``类型 Type: 数电票号码 Digital invoice number``."""
        out = [
            f"类型 Type: {self.type_name} {self.type_name_en}",
            f"号码 Value: {self.formatted}",
            "有效 Valid: 是 yes" if self.valid else "有效 Valid: 否 no",
        ]
        if self.region is not None:
            unverified = "" if self.region_verified else "（未核实 unverified）"
            out.append(f"地区 Region: {self.region.name} {self.region.name_en}{unverified}")
        if self.year is not None:
            out.append(f"年份 Year: {self.year}")
        if self.kind_name is not None:
            out.append(f"种类 Kind: {self.kind_name} {self.kind_name_en}")
        if self.channel is not None:
            name = self.channel_name or "未知"
            name_en = self.channel_name_en or "unknown"
            out.append(f"渠道 Channel: {self.channel} {name} {name_en}")
        out += [f"说明 Note: {cn} / {en}" for cn, en in self.note_pairs]
        return out


def _invalid(value: str, kind: str, formatted: str, exc: ValidationError) -> Description:
    return Description(
        value,
        kind,
        False,
        formatted,
        error_code=exc.code,
        note_pairs=((exc.message, exc.message_en),),
    )


def _digital(value: str) -> Description:
    parts = digital_number.parse(value)
    notes = [*parts.notes, MAYBE_CHECK_CODE]
    return Description(
        value,
        "digital_number",
        True,
        digital_number.format(value),
        region=parts.region.region,
        region_verified=parts.region.verified,
        year=parts.year,
        channel=parts.channel,
        channel_name=parts.channel_name,
        channel_name_en=parts.channel_name_en,
        note_pairs=tuple(notes),
    )


def _code(value: str) -> Description:
    try:
        parts = invoice_code.parse(value)
    except ValidationError as exc:
        return _invalid(value, "invoice_code", value, exc)
    notes = [parts.ambiguous] if parts.ambiguous else []
    return Description(
        value,
        "invoice_code",
        True,
        value,
        region=parts.region,
        year=parts.year,
        invoice_kind=parts.kind,
        kind_name=parts.kind_name,
        kind_name_en=parts.kind_name_en,
        ambiguous=parts.ambiguous is not None,
        note_pairs=tuple(notes),
    )


def _tax_id(value: str) -> Description:
    try:
        parts = tax_id.parse(value)
    except ValidationError as exc:
        return _invalid(value, "tax_id", value, exc)
    return Description(
        value,
        "tax_id",
        True,
        value,
        region=parts.region,
        kind_name=parts.authority,
        kind_name_en=parts.authority_en,
        note_pairs=tuple([parts.note] if parts.note else []),
    )


def _twenty_digits(value: str, grouped: bool) -> Description:
    if not grouped and digital_number.is_valid(value) and int(value[:2]) <= _max_year():
        return _digital(value)
    if not grouped and tax_id.is_personal_id(value[:18]):
        return _tax_id(value)
    last6 = check_code.last6(value)
    return Description(
        value,
        "check_code",
        True,
        check_code.format(value),
        note_pairs=((f"查验用后 6 位：{last6}", f"Last 6 digits for verification: {last6}"),),
    )


def describe(text: str) -> Description:
    """What ``text`` is; raises InvalidFormat when it is no identifier fapiao knows."""
    raw = unicodedata.normalize("NFKC", text).strip()
    value = clean(raw)
    grouped = len(raw.split()) == 4 and all(len(g) == 5 for g in raw.split())
    if not value.isascii() or not value.isalnum():
        raise InvalidFormat(
            f"“{text}”不是发票号码、发票代码、校验码或纳税人识别号",
            f"{text!r} is not an invoice number, code, check code or taxpayer number",
        )
    if value.isdigit() and len(value) == 8:
        return Description(value, "invoice_number", True, invoice_number.format(value))
    if value.isdigit() and len(value) in (10, 12):
        return _code(value)
    if value.isdigit() and len(value) == 20:
        return _twenty_digits(value, grouped)
    if len(value) in (15, 17, 18, 20):
        return _tax_id(value)
    raise InvalidFormat(
        f"“{text}”（{len(value)} 位）不是发票号码、发票代码、校验码或纳税人识别号",
        f"{text!r} ({len(value)} characters) is not an invoice number, code, check code or "
        "taxpayer number",
    )
