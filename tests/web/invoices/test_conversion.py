"""Conversion between core invoices and records: tax rates, identity keys, exact decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fapiao.core.invoice import Invoice, SpecialRate
from fapiao.web.invoices.conversion import identity_key, rate_from_text, rate_to_text
from fapiao.web.invoices.models import InvoiceLineRecord
from web.invoices.factories import InvoiceLineRecordFactory

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
RATES = st.one_of(
    st.sampled_from(list(SpecialRate)),
    st.decimals(min_value=0, max_value=Decimal("0.99"), places=4, allow_nan=False),
)


@given(RATES)
def test_tax_rate_text_round_trips(rate):
    text = rate_to_text(rate)
    assert "E" not in text
    assert rate_from_text(text) == rate
    assert rate_to_text(rate_from_text(text)) == text


@pytest.mark.parametrize(
    ("invoice", "key"),
    [
        (Invoice(number="25322000000365404822"), "25322000000365404822"),
        (Invoice(number="25322000000365404822".translate(FULL_WIDTH)), "25322000000365404822"),
        (Invoice(code="011002200111", number="00012345"), "011002200111:00012345"),
        (Invoice(code=" 0110 0220 0111", number="0001 2345 "), "011002200111:00012345"),
        (
            Invoice(code="144032300104", number="01234567", digital_number="24442000000123456789"),
            "24442000000123456789",
        ),
        (Invoice(number="00012345"), None),  # a legacy number without its code identifies nothing
        (Invoice(), None),
    ],
)
def test_identity_key(invoice, key):
    assert identity_key(invoice) == key


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.decimals(
        min_value=Decimal("-999999999999999"),
        max_value=Decimal("999999999999999"),
        places=13,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_any_13_decimal_value_survives_the_database(value):
    line = InvoiceLineRecordFactory(quantity=value, unit_price=-value)
    fetched = InvoiceLineRecord.objects.get(pk=line.pk)
    assert (fetched.quantity, fetched.unit_price) == (value, -value)
