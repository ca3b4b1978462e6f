"""The invoice schema: round trips, JSON Schema conformance, clear errors on bad input."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.errors import InvalidFormat
from fapiao.core.findings import Severity, warning
from fapiao.core.invoice import (
    Direction,
    FieldInfo,
    FieldSource,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
    SpecialRate,
)
from fapiao.core.schema import (
    SCHEMA_VERSION,
    invoice_from_dict,
    invoice_to_dict,
    json_schema,
    rate_from_text,
    rate_to_text,
)


def sample_invoice() -> Invoice:
    return Invoice(
        kind=InvoiceKind.VAT_ORDINARY_ELECTRONIC,
        direction=Direction.PURCHASE,
        number="01234567",
        code="011002100111",
        check_code="01234567890123456789",
        issue_date=dt.date(2022, 5, 5),
        seller=Party("北京某某科技有限公司", "91110108MA01KPGK0L", "北京市 010-1234", "工行 0200"),
        buyer=Party("上海某某有限公司", "913100007178844891"),
        net_amount=Decimal("100.00"),
        tax_amount=Decimal("13.00"),
        gross_amount=Decimal("113.00"),
        gross_amount_text="壹佰壹拾叁圆整",
        lines=(
            InvoiceLine(
                name="*信息技术服务*软件服务费",
                quantity=Decimal("3.0000000000001"),
                unit_price=Decimal("33.3333333333333"),
                net_amount=Decimal("100.00"),
                tax_rate=Decimal("0.13"),
                tax_amount=Decimal("13.00"),
            ),
            InvoiceLine(name="*免税*书", net_amount=Decimal("0"), tax_rate=SpecialRate.EXEMPT),
        ),
        remark="对应正数发票代码:011002100111号码:01234560",
        fields={
            "number": FieldInfo(FieldSource.XML, 1.0),
            "buyer.name": FieldInfo(FieldSource.OCR, 0.7),
        },
        findings=(warning("x.y", "中文", "English", field="number", values={"a": 1}),),
    )


def test_round_trip_keeps_every_field_and_leading_zeros() -> None:
    invoice = sample_invoice()
    data = invoice_to_dict(invoice)
    assert data["number"] == "01234567"
    assert data["lines"][0]["quantity"] == "3.0000000000001"
    assert data["lines"][1]["tax_rate"] == "exempt"
    assert data["net_amount"] == "100.00"
    back = invoice_from_dict(json.loads(json.dumps(data, ensure_ascii=False)))
    assert back.findings[0].values == {"a": "1"}
    _same(invoice, back)


def _same(a: Invoice, b: Invoice) -> None:
    """Compare field by field (findings' values become strings in JSON)."""
    for name in a.__dataclass_fields__:
        if name != "findings":
            assert getattr(a, name) == getattr(b, name), name


def test_output_conforms_to_the_json_schema() -> None:
    jsonschema.validate(invoice_to_dict(sample_invoice()), json_schema())
    jsonschema.validate(invoice_to_dict(Invoice()), json_schema())


def test_schema_lists_every_invoice_field_and_kind() -> None:
    schema = json_schema()
    attributes = set(Invoice.__dataclass_fields__) - {"seller", "buyer"}
    assert attributes <= set(schema["properties"])
    assert schema["properties"]["kind"]["enum"] == [k.value for k in InvoiceKind]
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_money_is_written_with_two_decimals() -> None:
    data = invoice_to_dict(Invoice(net_amount=Decimal("5"), tax_amount=Decimal("0.3")))
    assert (data["net_amount"], data["tax_amount"], data["gross_amount"]) == ("5.00", "0.30", None)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"kind": "bogus"}, "kind"),
        ({"direction": "sideways"}, "direction"),
        ({"net_amount": "12,3"}, "net_amount"),
        ({"issue_date": "2022-13-01"}, "issue_date"),
        ({"schema_version": 99}, "schema_version"),
        ({"lines": {"a": 1}}, "lines"),
        ({"lines": [{"tax_rate": "13%"}]}, "tax_rate"),
        ({"fields": {"number": {"source": "guess"}}}, "fields.number.source"),
        ({"gross_amount": "NaN"}, "gross_amount"),
    ],
)
def test_bad_input_names_the_field(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidFormat) as caught:
        invoice_from_dict(data)
    assert fragment in caught.value.message_en
    assert fragment in caught.value.message


def test_non_object_is_refused() -> None:
    with pytest.raises(InvalidFormat):
        invoice_from_dict(["not", "an", "object"])  # type: ignore[arg-type]


def test_empty_strings_read_as_null() -> None:
    invoice = invoice_from_dict({"number": "", "seller": {"name": ""}, "issue_date": ""})
    assert invoice.number is None
    assert invoice.seller.name is None
    assert invoice.issue_date is None


@given(st.decimals(min_value=0, max_value=Decimal("0.99"), places=4))
def test_rate_text_round_trip(rate: Decimal) -> None:
    assert rate_from_text(rate_to_text(rate)) == rate


def test_special_rates_and_none() -> None:
    assert rate_to_text(SpecialRate.NOT_TAXED) == "not_taxed"
    assert rate_from_text("not_taxed") is SpecialRate.NOT_TAXED
    assert rate_to_text(None) is None
    assert rate_from_text(None) is None
    with pytest.raises(InvalidFormat):
        rate_from_text("1.5")


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_money_round_trip(amount: Decimal) -> None:
    back = invoice_from_dict(invoice_to_dict(Invoice(net_amount=amount)))
    assert back.net_amount == amount


def test_finding_round_trip_keeps_severity() -> None:
    data = invoice_to_dict(sample_invoice())
    assert invoice_from_dict(data).findings[0].severity is Severity.WARNING


def test_every_schema_field_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "schema.md").read_text(encoding="utf-8")
    properties = json_schema()["properties"]
    names = set(properties) | set(properties["lines"]["items"]["properties"])
    names |= set(properties["seller"]["properties"])
    for name in names:
        assert f"| `{name}` |" in doc, name
