import dataclasses
import datetime as dt

import pytest

from fapiao.core.findings import Severity
from fapiao.core.invoice import Invoice, InvoiceKind
from fapiao.core.rules import identity
from fapiao.core.rules.base import RULE_MODULES, RuleContext, all_rules

RULES = (
    identity.number_rule,
    identity.code_rule,
    identity.check_code_rule,
    identity.digital_number_rule,
)

DIGITAL = Invoice(  # the real 数电 XML sample
    kind=InvoiceKind.DIGITAL_ORDINARY,
    number="25322000000365404822",
    issue_date=dt.date(2025, 8, 8),
)
LEGACY = Invoice(  # the real Zhejiang legacy OFD
    kind=InvoiceKind.VAT_ORDINARY_ELECTRONIC,
    code="033002000211",
    number="83089647",
    check_code="16197833567414507415",
    issue_date=dt.date(2020, 7, 23),
)
PAPER = Invoice(
    kind=InvoiceKind.DIGITAL_PAPER_ORDINARY,
    code="037002300104",
    number="01234567",
    digital_number="23372000000012345678",
    issue_date=dt.date(2023, 5, 1),
)


def findings(invoice: Invoice):
    return [f for rule in RULES for f in rule(invoice, RuleContext())]


def codes(invoice: Invoice) -> set[str]:
    return {f.code for f in findings(invoice)}


def test_rules_are_registered():
    for module in RULE_MODULES:
        pytest.importorskip(f"fapiao.core.rules.{module}", reason=f"rules.{module} not written yet")
    names = set(all_rules())
    expected = {
        "identity.number",
        "identity.code",
        "identity.check_code",
        "identity.digital_number",
    }
    assert expected <= names


@pytest.mark.parametrize(
    "invoice",
    [
        DIGITAL,
        LEGACY,
        PAPER,
        dataclasses.replace(
            DIGITAL, kind=InvoiceKind.RAILWAY_TICKET, number="25119000000000000001"
        ),
        Invoice(kind=InvoiceKind.VAT_SPECIAL_PAPER, code="1100194130", number="00012345"),
        Invoice(kind=InvoiceKind.MOTOR_VEHICLE, code="144001900101", number="00012345"),
        Invoice(kind=InvoiceKind.OTHER, number="25322000000365404822"),
        Invoice(kind=InvoiceKind.OTHER, number="2532 2000 0003 6540 4822"),
        Invoice(kind=InvoiceKind.OTHER, number="00012345", code="9999999999"),
        dataclasses.replace(PAPER, kind=InvoiceKind.VAT_ORDINARY_PAPER, digital_number=None),
        dataclasses.replace(PAPER, check_code="16197833567414507415"),
    ],
)
def test_quiet_on_consistent_invoices(invoice):
    assert findings(invoice) == []


def test_number_missing():
    found = findings(dataclasses.replace(LEGACY, number=None))
    assert [f.code for f in found] == ["identity.number_missing"]
    assert found[0].severity is Severity.ERROR
    assert found[0].field == "number"


def test_digital_number_alone_is_enough():
    invoice = dataclasses.replace(PAPER, number=None)
    assert "identity.number_missing" not in codes(invoice)


@pytest.mark.parametrize(
    ("invoice", "value"),
    [
        (dataclasses.replace(DIGITAL, number="83089647"), "83089647"),
        (dataclasses.replace(DIGITAL, number="19322000000365404822"), "19322000000365404822"),
        (dataclasses.replace(LEGACY, number="25322000000365404822"), "25322000000365404822"),
        (dataclasses.replace(PAPER, number="2337200000001234567X"), "2337200000001234567X"),
        (Invoice(kind=InvoiceKind.OTHER, number="123456789"), "123456789"),
        (Invoice(kind=InvoiceKind.OTHER, number="00012X45"), "00012X45"),
    ],
)
def test_number_format(invoice, value):
    found = [f for f in findings(invoice) if f.code == "identity.number_format"]
    assert len(found) == 1
    assert found[0].severity is Severity.ERROR
    assert value in found[0].message
    assert value in found[0].message_en
    assert found[0].values["value"] == value


def test_unobserved_channel_is_info():
    found = findings(dataclasses.replace(DIGITAL, number="23440000000000100001"))
    assert [(f.code, f.severity) for f in found] == [("identity.channel_unobserved", Severity.INFO)]
    assert found[0].values["channel"] == "0"


def test_digital_invoice_has_no_code():
    found = findings(dataclasses.replace(DIGITAL, code="033002000211"))
    assert [f.code for f in found] == ["identity.unexpected_code"]
    assert "033002000211" in found[0].message


@pytest.mark.parametrize(
    "invoice", [dataclasses.replace(LEGACY, code=None), dataclasses.replace(PAPER, code=None)]
)
def test_code_missing(invoice):
    assert codes(invoice) == {"identity.code_missing"}


@pytest.mark.parametrize(
    "invoice",
    [
        dataclasses.replace(LEGACY, code="033002000299"),
        dataclasses.replace(PAPER, code="0370023001"),
        Invoice(kind=InvoiceKind.OTHER, number="00012345", code="12345"),
    ],
)
def test_code_format(invoice):
    found = findings(invoice)
    assert [f.code for f in found] == ["identity.code_format"]
    assert found[0].field == "code"


def test_other_kinds_accept_unknown_code_layouts():
    assert codes(Invoice(kind=InvoiceKind.OTHER, number="00012345", code="033002000299")) == set()


@pytest.mark.parametrize(
    ("invoice", "code_kind"),
    [
        (
            dataclasses.replace(LEGACY, kind=InvoiceKind.VAT_SPECIAL_ELECTRONIC),
            "vat_ordinary_electronic",
        ),
        (dataclasses.replace(PAPER, code="037002300111"), "vat_ordinary_electronic"),
        (dataclasses.replace(LEGACY, code="3300194130", check_code=None), "vat_special_paper"),
    ],
)
def test_code_kind_mismatch(invoice, code_kind):
    found = findings(invoice)
    assert [f.code for f in found] == ["identity.code_kind_mismatch"]
    assert found[0].severity is Severity.WARNING
    assert found[0].values["code_kind"] == code_kind


def test_digital_paper_special_code_is_not_kind_checked():
    invoice = dataclasses.replace(PAPER, kind=InvoiceKind.DIGITAL_PAPER_SPECIAL, code="3700231130")
    assert codes(invoice) == set()


def test_unexpected_check_code_on_digital_invoice():
    found = findings(dataclasses.replace(DIGITAL, check_code="16197833567414507415"))
    assert [(f.code, f.severity) for f in found] == [
        ("identity.unexpected_check_code", Severity.WARNING)
    ]


def test_check_code_format():
    found = findings(dataclasses.replace(LEGACY, check_code="1619783356741450741"))
    assert [f.code for f in found] == ["identity.check_code_format"]
    assert "1619783356741450741" in found[0].message


def test_digital_paper_needs_digital_number():
    found = findings(dataclasses.replace(PAPER, digital_number=None))
    assert [f.code for f in found] == ["identity.digital_number_missing"]
    assert found[0].field == "digital_number"


def test_digital_number_format():
    found = findings(dataclasses.replace(PAPER, digital_number="2337200000001234567"))
    assert [f.code for f in found] == ["identity.digital_number_format"]


def test_legacy_with_digital_number_is_probably_digital_paper():
    invoice = dataclasses.replace(PAPER, kind=InvoiceKind.VAT_ORDINARY_PAPER)
    found = findings(invoice)
    assert [(f.code, f.severity) for f in found] == [
        ("identity.unexpected_digital_number", Severity.WARNING)
    ]
    assert "数电纸质" in found[0].message
