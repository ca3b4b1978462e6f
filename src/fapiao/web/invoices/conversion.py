"""Between the core :class:`~fapiao.core.invoice.Invoice` and the database record, both ways.

Field paths are the core's attribute names with dotted party fields (``seller.tax_id``), the same
keys the parsers use in ``Invoice.fields``.  Text columns hold ``""`` where the core has None and
keep text as printed (NFKC only for comparing); identifiers are stored in canonical form.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fapiao.core.errors import InvalidLength
from fapiao.core.findings import Finding
from fapiao.core.invoice import Direction as CoreDirection
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
from fapiao.web.invoices.models import ID_LENGTH, InvoiceLineRecord, InvoiceRecord

IDENTIFIER_FIELDS = (
    "number",
    "code",
    "digital_number",
    "check_code",
    "seller.tax_id",
    "buyer.tax_id",
    "original_number",
    "original_code",
    "red_confirmation_number",
)
"""Identifiers: NFKC, no whitespace, leading zeros kept."""

MONEY_FIELDS = ("net_amount", "tax_amount", "gross_amount")
TEXT_FIELDS = (
    "seller.name",
    "seller.address_phone",
    "seller.bank_account",
    "buyer.name",
    "buyer.address_phone",
    "buyer.bank_account",
    "gross_amount_text",
    "remark",
    "drawer",
)
SCALAR_FIELDS: tuple[str, ...] = (
    "kind",
    "issue_date",
    "is_red",
    *IDENTIFIER_FIELDS,
    *MONEY_FIELDS,
    *TEXT_FIELDS,
)
"""Every field of the core invoice that has a column of its own (lines aside)."""

CENT = Decimal("0.01")


def column_name(path: str) -> str:
    """The record column of a field path: ``seller.tax_id`` -> ``seller_tax_id``."""
    return path.replace(".", "_")


def core_value(invoice: Invoice, path: str) -> Any:
    """The value of a field path on a core invoice."""
    value: Any = invoice
    for part in path.split("."):
        value = getattr(value, part)
    return value


def normalize_identifier(value: str) -> str:
    """An identifier in canonical form: NFKC, no whitespace, upper case (keeps leading zeros)."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT, ROUND_HALF_UP)


def to_column(path: str, value: Any) -> Any:
    """A core value as it is stored in the record's column."""
    if path in IDENTIFIER_FIELDS:
        text = normalize_identifier(value) if value else ""
        if len(text) > ID_LENGTH:
            raise InvalidLength(
                f"{path} 长度为 {len(text)}，超过 {ID_LENGTH} 位：{text[:24]}…",
                f"{path} has {len(text)} characters, more than {ID_LENGTH}: {text[:24]}…",
            )
        return text
    if path in MONEY_FIELDS:
        return _cents(value)
    if path in TEXT_FIELDS:
        return value or ""  # kept as printed; compare with ``same_value``
    if path == "kind":
        return InvoiceKind(value).value
    return value


def same_value(path: str, a: Any, b: Any) -> bool:
    """Whether two column values say the same (text compared after NFKC: ``（`` equals ``(``)."""
    if path in TEXT_FIELDS and isinstance(a, str) and isinstance(b, str):
        return " ".join(unicodedata.normalize("NFKC", a).split()) == " ".join(
            unicodedata.normalize("NFKC", b).split()
        )
    return bool(a == b)


def from_column(path: str, value: Any) -> Any:
    """A record's column value as the core has it."""
    if path == "kind":
        return InvoiceKind(value)
    if path in IDENTIFIER_FIELDS or path in TEXT_FIELDS:
        return value or None
    return value


def identity_key(invoice: Invoice) -> str | None:
    """The record's identity: the 20-digit 数电 number, else ``发票代码:发票号码``, else None.

    The same rule as :attr:`Invoice.identity`, applied after normalising the identifiers, so that
    full-width digits or printed spaces do not make a second record.
    """
    digital, number, code = (
        normalize_identifier(value) if value else ""
        for value in (invoice.digital_number, invoice.number, invoice.code)
    )
    if digital:
        return digital
    if len(number) == 20:
        return number
    if code and number:
        return f"{code}:{number}"
    return None


def rate_to_text(rate: TaxRate | None) -> str:
    """税率 as stored: ``"0.13"``, ``"exempt"``, ``"not_taxed"`` or ``""``."""
    if rate is None:
        return ""
    if isinstance(rate, SpecialRate):
        return rate.value
    return format(rate.normalize(), "f")


def rate_from_text(text: str) -> TaxRate | None:
    """税率 read back from its stored text."""
    if not text:
        return None
    if text in {rate.value for rate in SpecialRate}:
        return SpecialRate(text)
    return Decimal(text)


def fields_to_json(fields: Mapping[str, FieldInfo]) -> dict[str, dict[str, Any]]:
    """Provenance as stored: ``{"seller.tax_id": {"source": "xml", "confidence": 1.0}}``."""
    return {
        path: {"source": info.source.value, "confidence": info.confidence}
        for path, info in fields.items()
    }


def fields_from_json(data: Mapping[str, Any]) -> dict[str, FieldInfo]:
    """Provenance read back; unknown sources are dropped rather than guessed."""
    result: dict[str, FieldInfo] = {}
    for path, item in (data or {}).items():
        try:
            source = FieldSource(item["source"])
        except (KeyError, TypeError, ValueError):
            continue
        result[path] = FieldInfo(source, float(item.get("confidence", 1.0)))
    return result


def findings_to_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Findings as stored."""
    return [f.as_dict() for f in findings]


def line_to_record(
    line: InvoiceLine, *, invoice: InvoiceRecord, position: int
) -> InvoiceLineRecord:
    """An unsaved line row for a core line."""
    return InvoiceLineRecord(
        invoice=invoice,
        position=position,
        name=line.name or "",
        specification=line.specification or "",
        unit=line.unit or "",
        quantity=line.quantity,
        unit_price=line.unit_price,
        net_amount=_cents(line.net_amount),
        tax_rate=rate_to_text(line.tax_rate),
        tax_amount=_cents(line.tax_amount),
        tax_code=normalize_identifier(line.tax_code) if line.tax_code else "",
    )


def line_to_core(row: InvoiceLineRecord) -> InvoiceLine:
    """A core line for a stored line."""
    return InvoiceLine(
        name=row.name or None,
        specification=row.specification or None,
        unit=row.unit or None,
        quantity=row.quantity,
        unit_price=row.unit_price,
        net_amount=row.net_amount,
        tax_rate=rate_from_text(row.tax_rate),
        tax_amount=row.tax_amount,
        tax_code=row.tax_code or None,
    )


def _party(record: InvoiceRecord, role: str) -> Party:
    return Party(
        **{
            name: from_column(f"{role}.{name}", getattr(record, f"{role}_{name}"))
            for name in ("name", "tax_id", "address_phone", "bank_account")
        }
    )


def invoice_to_core(record: InvoiceRecord) -> Invoice:
    """The stored record as a core invoice, so rules and exports run on it unchanged."""
    values = {
        path: from_column(path, getattr(record, column_name(path)))
        for path in SCALAR_FIELDS
        if "." not in path
    }
    return Invoice(
        direction=CoreDirection(record.direction),
        seller=_party(record, "seller"),
        buyer=_party(record, "buyer"),
        lines=tuple(line_to_core(row) for row in record.lines.all()),
        fields=fields_from_json(record.fields),
        findings=tuple(Finding.from_dict(item) for item in record.findings or ()),
        **values,
    )
