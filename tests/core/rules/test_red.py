import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from fapiao.core.findings import Severity
from fapiao.core.invoice import Invoice, InvoiceKind
from fapiao.core.rules import red
from fapiao.core.rules.base import RuleContext

RULES = (red.original_rule, red.amounts_rule)

BLUE = Invoice(
    kind=InvoiceKind.DIGITAL_ORDINARY,
    number="25322000000365404822",
    issue_date=dt.date(2025, 8, 8),
    net_amount=Decimal("235.85"),
    tax_amount=Decimal("14.15"),
    gross_amount=Decimal("250.00"),
)
RED = dataclasses.replace(
    BLUE,
    number="25322000000365409999",
    is_red=True,
    original_number="25322000000365404822",
    red_confirmation_number="32020025080800012345",
    net_amount=Decimal("-235.85"),
    tax_amount=Decimal("-14.15"),
    gross_amount=Decimal("-250.00"),
)
LEGACY_RED = Invoice(
    kind=InvoiceKind.VAT_ORDINARY_ELECTRONIC,
    code="033002000211",
    number="83089700",
    is_red=True,
    original_code="033002000211",
    original_number="83089647",
    net_amount=Decimal("-510.68"),
    tax_amount=Decimal("-15.32"),
    gross_amount=Decimal("-526.00"),
)


def findings(inv: Invoice):
    return [f for rule in RULES for f in rule(inv, RuleContext())]


def codes(inv: Invoice) -> list[str]:
    return [f.code for f in findings(inv)]


@pytest.mark.parametrize(
    "inv",
    [
        BLUE,
        RED,
        LEGACY_RED,
        dataclasses.replace(RED, tax_amount=Decimal(0)),  # exempt: zero tax
        dataclasses.replace(BLUE, net_amount=None, tax_amount=None, gross_amount=None),
        dataclasses.replace(BLUE, original_number="whatever"),  # blue: original is ignored
    ],
)
def test_quiet(inv):
    assert findings(inv) == []


def test_red_without_original():
    found = findings(dataclasses.replace(RED, original_number=None))
    assert [(f.code, f.severity, f.field) for f in found] == [
        ("red.original_missing", Severity.ERROR, "original_number")
    ]


def test_original_code_alone_is_not_enough():
    inv = dataclasses.replace(LEGACY_RED, original_number=None)
    assert codes(inv) == ["red.original_missing"]


@pytest.mark.parametrize("original", ["8308964", "19322000000365404822", "8308964X"])
def test_original_format(original):
    found = findings(dataclasses.replace(RED, original_number=original))
    assert [f.code for f in found] == ["red.original_format"]
    assert found[0].values["original_number"] == original


def test_original_code_format():
    found = findings(dataclasses.replace(LEGACY_RED, original_code="03300200021"))
    assert [f.code for f in found] == ["red.original_code_format"]
    assert "03300200021" in found[0].message


def test_legacy_original_without_code():
    found = findings(dataclasses.replace(LEGACY_RED, original_code=None))
    assert [(f.code, f.severity) for f in found] == [
        ("red.original_code_missing", Severity.WARNING)
    ]


@pytest.mark.parametrize(
    "inv",
    [
        dataclasses.replace(RED, original_number=RED.number),
        dataclasses.replace(LEGACY_RED, original_number=LEGACY_RED.number),
    ],
)
def test_red_invoice_naming_itself(inv):
    assert codes(inv) == ["red.original_is_self"]


def test_same_number_under_another_code_is_not_self():
    inv = dataclasses.replace(
        LEGACY_RED, original_number=LEGACY_RED.number, original_code="032001600511"
    )
    assert codes(inv) == []


def test_digital_red_needs_confirmation_number():
    found = findings(dataclasses.replace(RED, red_confirmation_number=None))
    assert [(f.code, f.severity) for f in found] == [("red.confirmation_missing", Severity.WARNING)]


def test_legacy_red_needs_no_confirmation_number():
    assert "red.confirmation_missing" not in codes(LEGACY_RED)


def test_red_with_positive_amounts():
    found = findings(dataclasses.replace(RED, gross_amount=Decimal("250.00")))
    assert [(f.code, f.severity, f.field) for f in found] == [
        ("red.amount_not_negative", Severity.ERROR, "gross_amount")
    ]
    assert "250.00" in found[0].message
    assert "价税合计" in found[0].message


def test_blue_with_negative_amounts():
    inv = dataclasses.replace(BLUE, net_amount=Decimal("-235.85"), gross_amount=Decimal("-250"))
    found = findings(inv)
    assert [f.code for f in found] == ["red.blue_negative", "red.blue_negative"]
    assert [f.field for f in found] == ["net_amount", "gross_amount"]
    assert all(f.severity is Severity.ERROR for f in found)
