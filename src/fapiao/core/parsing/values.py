"""Reading printed values (金额, 日期, 税率, 识别号) leniently, and assembling candidate invoices.

Every reader (XML, OFD, QR, export) turns the text it found into a flat mapping of field names
(``number``, ``seller.tax_id``, ...) and hands it to :func:`assemble`, which builds the
:class:`~fapiao.core.invoice.Invoice` and records the provenance of each field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fapiao.core.findings import Finding
from fapiao.core.invoice import (
    FieldInfo,
    FieldSource,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
    SpecialRate,
    TaxRate,
)

PARTY_FIELDS = ("name", "tax_id", "address_phone", "bank_account")
SCALAR_FIELDS = (
    "kind",
    "direction",
    "number",
    "code",
    "digital_number",
    "check_code",
    "issue_date",
    *(f"seller.{name}" for name in PARTY_FIELDS),
    *(f"buyer.{name}" for name in PARTY_FIELDS),
    "net_amount",
    "tax_amount",
    "gross_amount",
    "gross_amount_text",
    "is_red",
    "original_number",
    "original_code",
    "red_confirmation_number",
    "remark",
    "drawer",
)
"""Every field name of an invoice's ``fields`` map except ``lines``."""

_SPACES = re.compile(r"\s+")
_DATE_RE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONEY_JUNK = re.compile(r"[¥￥,，\s元圆]")


def clean(text: str | None) -> str | None:
    """Stripped text as printed (names keep their full-width brackets); None for empty."""
    if text is None:
        return None
    value = text.strip()
    return value or None


def nfkc(text: str | None) -> str | None:
    """NFKC-normalised, stripped text (for matching); None for empty."""
    if text is None:
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    return value or None


def identifier(text: str | None) -> str | None:
    """An identifier (代码, 号码, 识别号, 校验码): NFKC, spaces removed, upper case, zeros kept."""
    value = nfkc(text)
    if value is None:
        return None
    value = _SPACES.sub("", value).upper()
    return value or None


def money(text: str | None) -> Decimal | None:
    """An amount such as ``¥4,197.17`` or ``-57`` as Decimal; None when unreadable."""
    value = nfkc(text)
    if value is None:
        return None
    value = _MONEY_JUNK.sub("", value)
    if value.startswith("(") and value.endswith(")"):
        value = "-" + value[1:-1]
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def date(text: str | None) -> dt.date | None:
    """A date written ``2022年05月05日``, ``2023-02-23 10:08:05`` or ``20230223``."""
    value = nfkc(text)
    if value is None:
        return None
    match = _DATE_RE.search(value) or _DATE_COMPACT.fullmatch(value[:8])
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def rate(text: str | None) -> TaxRate | None:
    """A 税率: ``0.06``, ``6%``, ``免税``, ``不征税`` or ``*``; None when unknown (e.g. ``***``)."""
    value = nfkc(text)
    if value is None:
        return None
    if "免税" in value:
        return SpecialRate.EXEMPT
    if "不征" in value or value == "*":
        return SpecialRate.NOT_TAXED
    percent = value.endswith("%")
    number = money(value.rstrip("%"))
    if number is None:
        return None
    if percent or number > 1:
        number = number / 100
    return number.normalize() if number else Decimal(0)


def is_digital_number(value: str | None) -> bool:
    """A 20-digit 数电 number."""
    return bool(value) and len(value or "") == 20 and (value or "").isdigit()


_CODE_KINDS = {
    "11": InvoiceKind.VAT_ORDINARY_ELECTRONIC,
    "12": InvoiceKind.TOLL,
    "13": InvoiceKind.VAT_SPECIAL_ELECTRONIC,
    "04": InvoiceKind.VAT_ORDINARY_PAPER,
    "05": InvoiceKind.VAT_ORDINARY_PAPER,
    "06": InvoiceKind.VAT_ORDINARY_ROLL,
    "07": InvoiceKind.VAT_ORDINARY_ROLL,
}

_TITLE_KINDS = (
    ("电子发票(增值税专用发票)", InvoiceKind.DIGITAL_SPECIAL),
    ("电子发票(普通发票)", InvoiceKind.DIGITAL_ORDINARY),
    ("电子发票(铁路电子客票)", InvoiceKind.RAILWAY_TICKET),
    ("通行费", InvoiceKind.TOLL),
    ("增值税电子专用发票", InvoiceKind.VAT_SPECIAL_ELECTRONIC),
    ("增值税电子普通发票", InvoiceKind.VAT_ORDINARY_ELECTRONIC),
    ("增值税专用发票", InvoiceKind.VAT_SPECIAL_PAPER),
    ("增值税普通发票", InvoiceKind.VAT_ORDINARY_PAPER),
)


def kind_from_code(code: str | None) -> InvoiceKind | None:
    """The kind a legacy 发票代码 implies (12 digits: last two; 10 digits: the 8th)."""
    if not code or not code.isdigit():
        return None
    if len(code) == 12:
        return _CODE_KINDS.get(code[-2:])
    if len(code) == 10:
        kind_digit = code[7]
        if kind_digit in "15":
            return InvoiceKind.VAT_SPECIAL_PAPER
        if kind_digit in "36":
            return InvoiceKind.VAT_ORDINARY_PAPER
    return None


def kind_from_title(text: str | None) -> InvoiceKind | None:
    """The kind a printed title names, e.g. ``电子发票（增值税专用发票）``."""
    value = nfkc(text)
    if not value:
        return None
    value = value.replace(" ", "")
    for needle, kind in _TITLE_KINDS:
        if needle in value:
            return kind
    return None


def _line(values: Mapping[str, Any]) -> InvoiceLine:
    return InvoiceLine(**{k: v for k, v in values.items() if v is not None})


def assemble(
    values: Mapping[str, Any],
    *,
    source: FieldSource,
    confidence: float,
    lines: Iterable[Mapping[str, Any]] = (),
    findings: Iterable[Finding] = (),
) -> Invoice:
    """Build a candidate invoice from flat field values; every non-empty field gets provenance."""
    info = FieldInfo(source, confidence)
    top: dict[str, Any] = {}
    parties: dict[str, dict[str, Any]] = {"seller": {}, "buyer": {}}
    fields: dict[str, FieldInfo] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        if "." in name:
            party, attr = name.split(".", 1)
            parties[party][attr] = value
        else:
            top[name] = value
        fields[name] = info
    built_lines = tuple(_line(line) for line in lines if any(v is not None for v in line.values()))
    if built_lines:
        fields["lines"] = info
    return Invoice(
        **top,
        seller=Party(**parties["seller"]),
        buyer=Party(**parties["buyer"]),
        lines=built_lines,
        fields=fields,
        findings=tuple(findings),
    )


def field_value(invoice: Invoice, name: str) -> Any:
    """The value of a dotted field name (``seller.tax_id``) on an invoice."""
    if "." in name:
        party, attr = name.split(".", 1)
        return getattr(getattr(invoice, party), attr)
    return getattr(invoice, name)


def with_fields(invoice: Invoice, values: Mapping[str, Any]) -> Invoice:
    """A copy of the invoice with dotted field values replaced."""
    top: dict[str, Any] = {}
    parties: dict[str, dict[str, Any]] = {"seller": {}, "buyer": {}}
    for name, value in values.items():
        if "." in name:
            party, attr = name.split(".", 1)
            parties[party][attr] = value
        else:
            top[name] = value
    for party, attrs in parties.items():
        if attrs:
            top[party] = dataclasses.replace(getattr(invoice, party), **attrs)
    return dataclasses.replace(invoice, **top)


_RED_LINK = re.compile(r"对应正数发票代码[:：]?\s*(\d{10,12})\s*号码[:：]?\s*(\d{8})")
_RED_DIGITAL = re.compile(r"(?:对应|被红冲)蓝字[^0-9]{0,12}(\d{20})")


def red_link(remark: str | None) -> dict[str, str]:
    """The blue invoice a red one names in its 备注 (``对应正数发票代码:XXXX号码:YYYY``)."""
    text = nfkc(remark) or ""
    match = _RED_LINK.search(text)
    if match:
        return {"original_code": match[1], "original_number": match[2]}
    match = _RED_DIGITAL.search(text)
    if match:
        return {"original_number": match[1]}
    return {}
