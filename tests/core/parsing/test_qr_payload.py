"""The QR payload: legacy amount is net, 数电 amount is gross; fields stripped; QR provenance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fapiao.core.errors import InvalidFormat
from fapiao.core.invoice import FieldSource, InvoiceKind
from fapiao.core.parsing.qr_payload import parse_payload


def test_legacy_payload_amount_is_net() -> None:
    invoice = parse_payload(
        "01,10,033002000211,83089647,510.68,20200723,16197833567414507415,0941,"
    )
    assert invoice.kind is InvoiceKind.VAT_ORDINARY_ELECTRONIC
    assert (invoice.code, invoice.number) == ("033002000211", "83089647")
    assert invoice.net_amount == Decimal("510.68")
    assert invoice.gross_amount is None
    assert invoice.issue_date == dt.date(2020, 7, 23)
    assert invoice.check_code == "16197833567414507415"
    assert all(
        info.source is FieldSource.QR and info.confidence == 1.0 for info in invoice.fields.values()
    )
    assert "net_amount" in invoice.fields
    assert "gross_amount" not in invoice.fields


def test_digital_payload_amount_is_gross_and_blank_code_is_none() -> None:
    invoice = parse_payload("01,31, ,24112000000048542163,4449,20240528, ,8A3F")
    assert invoice.kind is InvoiceKind.DIGITAL_SPECIAL
    assert invoice.code is None
    assert invoice.check_code is None
    assert invoice.gross_amount == Decimal("4449")
    assert invoice.net_amount is None


def test_zero_padded_number_keeps_its_zeros() -> None:
    invoice = parse_payload("01,04,3200191130,00012345,100.00,20191201,12345678901234567890,AB,")
    assert invoice.number == "00012345"
    assert invoice.kind is InvoiceKind.VAT_ORDINARY_PAPER


def test_negative_amount_is_red() -> None:
    assert parse_payload("01,32,,25440000000000000001,-57,20250101,,X").is_red


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://example.com/verify?x=1",
        "01,10,033002000211,83089647,510.68",  # too few fields
        "02,10,033002000211,83089647,510.68,20200723,1,2,",  # unknown version
        "01,10,033002000211,8308964,510.68,20200723,1,2,",  # 7-digit number
        "01,10,033002000211,83089647,abc,20200723,1,2,",  # amount
        "01,10,033002000211,83089647,510.68,20201332,1,2,",  # date
    ],
)
def test_non_invoice_payloads_raise(text: str) -> None:
    with pytest.raises(InvalidFormat):
        parse_payload(text)
