"""Invoice tables: identity, database constraints, exact decimals, enums in step with the core."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from fapiao.core.invoice import InvoiceKind as CoreKind
from fapiao.core.parsing.base import FileFormat as CoreFormat
from fapiao.web.invoices.models import (
    FileFormat,
    InvoiceKind,
    InvoiceLineRecord,
    InvoiceRecord,
    InvoiceSource,
)
from web.invoices.factories import (
    InvoiceLineRecordFactory,
    InvoiceRecordFactory,
    StoredFileFactory,
)

pytestmark = pytest.mark.django_db


def _fails(**kw):
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceRecordFactory(**kw)


def test_kind_and_format_choices_match_the_core():
    assert InvoiceKind.values == [k.value for k in CoreKind]
    assert dict(InvoiceKind.choices)["digital_special"] == CoreKind.DIGITAL_SPECIAL.label
    assert FileFormat.values == [f.value for f in CoreFormat]


def test_identity_is_unique_per_company_and_direction(company, other_company):
    InvoiceRecordFactory(company=company, number="25322000000365404822")
    _fails(company=company, number="25322000000365404822")
    InvoiceRecordFactory(company=other_company, number="25322000000365404822")
    InvoiceRecordFactory(company=company, number="25322000000365404822", direction="sales")
    assert InvoiceRecord.objects.filter(identity_key="25322000000365404822").count() == 3


def test_records_without_identity_do_not_collide(company):
    InvoiceRecordFactory(company=company, number="", identity_key=None)
    InvoiceRecordFactory(company=company, number="", identity_key=None)
    _fails(company=company, identity_key="")


@pytest.mark.parametrize(
    "bad",
    [
        {"direction": "inbound"},
        {"kind": "bogus"},
        {"review_status": "done"},
        {"tax_status": "lost"},
        {"gross_amount": Decimal("113.01")},
    ],
    ids=lambda d: next(iter(d)),
)
def test_check_constraints(company, bad):
    _fails(company=company, **bad)


@pytest.mark.parametrize(
    ("net", "tax", "gross"),
    [
        (Decimal("100.10"), Decimal("13.01"), Decimal("113.11")),  # float-unfriendly sums
        (Decimal("0.10"), Decimal("0.20"), Decimal("0.30")),
        (Decimal("-235.85"), Decimal("-14.15"), Decimal("-250.00")),  # 红字
        (Decimal("9999999999999.99"), Decimal("0.01"), Decimal("10000000000000.00")),
        (None, Decimal("13.00"), Decimal("999.00")),  # incomplete readings are stored
    ],
)
def test_gross_equal_to_net_plus_tax_is_accepted(company, net, tax, gross):
    record = InvoiceRecordFactory(
        company=company, net_amount=net, tax_amount=tax, gross_amount=gross
    )
    record.refresh_from_db()
    assert (record.net_amount, record.tax_amount, record.gross_amount) == (net, tax, gross)


@pytest.mark.parametrize(
    "value",
    [
        Decimal("235.8490566037736"),  # a real 数电 unit price: 16 significant digits
        Decimal("0.0000000000001"),
        Decimal("123456789012345.1234567890123"),  # 28 digits, the column's full width
        Decimal("-3.3333333333333"),
    ],
)
def test_quantity_and_unit_price_keep_13_decimals(value):
    line = InvoiceLineRecordFactory(quantity=value, unit_price=value)
    fetched = InvoiceLineRecord.objects.get(pk=line.pk)
    assert fetched.quantity == value
    assert fetched.unit_price == value
    assert f"{fetched.unit_price:f}" == f"{value.quantize(Decimal('1E-13')):f}"
    assert InvoiceLineRecord.objects.filter(unit_price=value).count() == 1


def test_leading_zero_identifiers_are_kept(company):
    record = InvoiceRecordFactory(
        company=company,
        kind=InvoiceKind.VAT_ORDINARY_ELECTRONIC,
        code="011002200111",
        number="00012345",
        identity_key="011002200111:00012345",
        check_code="01234567890123456789",
    )
    record = InvoiceRecord.objects.get(pk=record.pk)
    assert (record.code, record.number, record.check_code) == (
        "011002200111",
        "00012345",
        "01234567890123456789",
    )


def test_line_positions_are_unique_per_invoice():
    line = InvoiceLineRecordFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLineRecordFactory(invoice=line.invoice, position=1)


def test_stored_file_is_unique_per_company_and_hash(company, other_company):
    stored = StoredFileFactory(company=company)
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredFileFactory(company=company, sha256=stored.sha256)
    StoredFileFactory(company=other_company, sha256=stored.sha256)


def test_stored_file_hash_must_be_64_characters(company):
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredFileFactory(company=company, sha256="abc")


def test_invoice_source_is_unique_and_format_checked(company):
    record = InvoiceRecordFactory(company=company)
    stored = StoredFileFactory(company=company)
    InvoiceSource.objects.create(invoice=record, stored_file=stored, member="a.xml", format="xml")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceSource.objects.create(invoice=record, stored_file=stored, member="a.xml")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceSource.objects.create(invoice=record, stored_file=stored, member="b", format="doc")


def test_exact_decimal_column_type_per_backend():
    field = InvoiceLineRecord._meta.get_field("quantity")
    expected = "text" if connection.vendor == "sqlite" else "numeric(28, 13)"
    assert field.db_type(connection) == expected
