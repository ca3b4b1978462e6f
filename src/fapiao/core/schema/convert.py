"""Conversion between Invoice objects and the versioned JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

from fapiao.core.errors import InvalidFormat
from fapiao.core.findings import Finding
from fapiao.core.invoice import (
    Direction,
    FieldInfo,
    FieldSource,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
    SpecialRate,
    TaxRate,
)

SCHEMA_VERSION = 1
"""Bumped on any incompatible change; readers accept every version up to this one."""

_CENTS = Decimal("0.01")
_PARTY_FIELDS = ("name", "tax_id", "address_phone", "bank_account")
_TEXT_FIELDS = (
    "number",
    "code",
    "digital_number",
    "check_code",
    "gross_amount_text",
    "original_number",
    "original_code",
    "red_confirmation_number",
    "remark",
    "drawer",
)
_MONEY_FIELDS = ("net_amount", "tax_amount", "gross_amount")


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema of the current version."""
    text = resources.files(__package__).joinpath("invoice-v1.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def money_to_text(value: Decimal | None) -> str | None:
    """Money as a string with exactly two decimals."""
    return None if value is None else str(value.quantize(_CENTS))


def decimal_to_text(value: Decimal | None) -> str | None:
    """A quantity or unit price as plain (non-exponent) text, trailing zeros dropped."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def rate_to_text(rate: TaxRate | None) -> str | None:
    """A rate as "0.13", "exempt" or "not_taxed"."""
    if rate is None:
        return None
    if isinstance(rate, SpecialRate):
        return rate.value
    return decimal_to_text(rate)


def rate_from_text(text: str | None) -> TaxRate | None:
    """Read a rate written by :func:`rate_to_text`."""
    if text is None:
        return None
    if text in {r.value for r in SpecialRate}:
        return SpecialRate(text)
    value = _decimal(text, "tax_rate")
    if value is None or not (Decimal(0) <= value < 1):
        raise InvalidFormat(
            f"税率应为 0 到 1 之间的小数、exempt 或 not_taxed：{text}",
            f"tax_rate must be a fraction in [0, 1), exempt or not_taxed: {text}",
        )
    return value


def _decimal(text: Any, name: str) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise InvalidFormat(
            f"{name} 不是有效的数字：{text}", f"{name} is not a valid number: {text}"
        ) from None
    if not value.is_finite():
        raise InvalidFormat(f"{name} 不是有限数：{text}", f"{name} is not finite: {text}")
    return value


def _party_to_dict(party: Party) -> dict[str, str | None]:
    return {name: getattr(party, name) for name in _PARTY_FIELDS}


def _party_from_dict(data: Mapping[str, Any] | None) -> Party:
    data = data or {}
    return Party(**{name: _text(data.get(name)) for name in _PARTY_FIELDS})


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text != "" else None


def _line_to_dict(line: InvoiceLine) -> dict[str, str | None]:
    return {
        "name": line.name,
        "specification": line.specification,
        "unit": line.unit,
        "quantity": decimal_to_text(line.quantity),
        "unit_price": decimal_to_text(line.unit_price),
        "net_amount": money_to_text(line.net_amount),
        "tax_rate": rate_to_text(line.tax_rate),
        "tax_amount": money_to_text(line.tax_amount),
        "tax_code": line.tax_code,
    }


def _line_from_dict(data: Mapping[str, Any]) -> InvoiceLine:
    return InvoiceLine(
        name=_text(data.get("name")),
        specification=_text(data.get("specification")),
        unit=_text(data.get("unit")),
        quantity=_decimal(data.get("quantity"), "quantity"),
        unit_price=_decimal(data.get("unit_price"), "unit_price"),
        net_amount=_decimal(data.get("net_amount"), "net_amount"),
        tax_rate=rate_from_text(_text(data.get("tax_rate"))),
        tax_amount=_decimal(data.get("tax_amount"), "tax_amount"),
        tax_code=_text(data.get("tax_code")),
    )


def invoice_to_dict(invoice: Invoice) -> dict[str, Any]:
    """The invoice in the schema's JSON shape (every key present; missing values are null)."""
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": invoice.kind.value,
        "direction": invoice.direction.value if invoice.direction else None,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
    }
    out.update({name: getattr(invoice, name) for name in _TEXT_FIELDS})
    out["seller"] = _party_to_dict(invoice.seller)
    out["buyer"] = _party_to_dict(invoice.buyer)
    out.update({name: money_to_text(getattr(invoice, name)) for name in _MONEY_FIELDS})
    out["is_red"] = invoice.is_red
    out["lines"] = [_line_to_dict(line) for line in invoice.lines]
    out["fields"] = {
        name: {"source": info.source.value, "confidence": round(info.confidence, 4)}
        for name, info in sorted(invoice.fields.items())
    }
    out["findings"] = [finding.as_dict() for finding in invoice.findings]
    return out


def _enum(cls: Any, value: Any, name: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(member.value for member in cls)
        raise InvalidFormat(
            f"{name} 的值 {value!r} 无效，可选：{allowed}",
            f"{name} has invalid value {value!r}; allowed: {allowed}",
        ) from None


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InvalidFormat(
            f"issue_date 不是有效日期（YYYY-MM-DD）：{value}",
            f"issue_date is not a valid date (YYYY-MM-DD): {value}",
        ) from None


def invoice_from_dict(data: Mapping[str, Any]) -> Invoice:
    """Read an invoice from the schema's JSON shape; raise InvalidFormat naming a bad field."""
    if not isinstance(data, Mapping):
        raise InvalidFormat("发票必须是 JSON 对象", "An invoice must be a JSON object")
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        raise InvalidFormat(
            f"不支持的 schema_version：{version}", f"Unsupported schema_version: {version}"
        )
    lines = data.get("lines") or []
    if not isinstance(lines, list):
        raise InvalidFormat("lines 必须是数组", "lines must be an array")
    fields = {
        str(name): FieldInfo(
            _enum(FieldSource, info.get("source"), f"fields.{name}.source"),
            float(info.get("confidence", 1.0)),
        )
        for name, info in (data.get("fields") or {}).items()
    }
    text = {name: _text(data.get(name)) for name in _TEXT_FIELDS}
    money = {name: _decimal(data.get(name), name) for name in _MONEY_FIELDS}
    return Invoice(
        kind=_enum(InvoiceKind, data.get("kind") or "other", "kind"),
        direction=_enum(Direction, data["direction"], "direction")
        if data.get("direction")
        else None,
        issue_date=_date(data.get("issue_date")),
        seller=_party_from_dict(data.get("seller")),
        buyer=_party_from_dict(data.get("buyer")),
        lines=tuple(_line_from_dict(line) for line in lines),
        is_red=bool(data.get("is_red", False)),
        fields=fields,
        findings=tuple(Finding.from_dict(f) for f in data.get("findings") or []),
        number=text["number"],
        code=text["code"],
        digital_number=text["digital_number"],
        check_code=text["check_code"],
        gross_amount_text=text["gross_amount_text"],
        original_number=text["original_number"],
        original_code=text["original_code"],
        red_confirmation_number=text["red_confirmation_number"],
        remark=text["remark"],
        drawer=text["drawer"],
        net_amount=money["net_amount"],
        tax_amount=money["tax_amount"],
        gross_amount=money["gross_amount"],
    )
