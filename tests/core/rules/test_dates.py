import dataclasses
import datetime as dt

import pytest

from fapiao.core.findings import Severity
from fapiao.core.invoice import Invoice, InvoiceKind
from fapiao.core.rules import dates
from fapiao.core.rules.base import RuleContext

TODAY = dt.date(2025, 9, 1)
RULES = (dates.issue_date_rule, dates.identifier_year_rule)

DIGITAL = Invoice(
    kind=InvoiceKind.DIGITAL_ORDINARY,
    number="25322000000365404822",
    issue_date=dt.date(2025, 8, 8),
)
LEGACY = Invoice(  # real export row: a 2017 roll-invoice code used in December 2021
    kind=InvoiceKind.VAT_ORDINARY_ROLL,
    code="037001700207",
    number="52110200",
    issue_date=dt.date(2021, 12, 30),
)


def findings(inv: Invoice, today: dt.date = TODAY):
    ctx = RuleContext(today=today)
    return [f for rule in RULES for f in rule(inv, ctx)]


@pytest.mark.parametrize(
    "inv",
    [
        DIGITAL,
        LEGACY,
        dataclasses.replace(DIGITAL, issue_date=TODAY),
        dataclasses.replace(LEGACY, code="1234", number="1"),  # bad identifiers: not our business
        Invoice(
            kind=InvoiceKind.DIGITAL_PAPER_ORDINARY,
            code="037002300104",
            number="01234567",
            digital_number="23372000000012345678",
            issue_date=dt.date(2023, 5, 1),
        ),
    ],
)
def test_quiet(inv):
    assert findings(inv) == []


def test_missing_issue_date():
    found = findings(dataclasses.replace(DIGITAL, issue_date=None))
    assert [(f.code, f.severity, f.field) for f in found] == [
        ("date.missing", Severity.ERROR, "issue_date")
    ]


def test_future_date():
    found = findings(dataclasses.replace(DIGITAL, issue_date=dt.date(2025, 9, 2)))
    assert [(f.code, f.severity) for f in found] == [("date.future", Severity.ERROR)]
    assert "2025-09-02" in found[0].message
    assert "2025-09-01" in found[0].message_en


def test_today_is_china_today_by_default():
    tomorrow_in_china = dt.date.today() + dt.timedelta(days=2)
    inv = dataclasses.replace(LEGACY, issue_date=tomorrow_in_china)
    assert [f.code for f in dates.issue_date_rule(inv, RuleContext())] == ["date.future"]


def test_digital_kind_before_digital_invoices_existed():
    inv = Invoice(kind=InvoiceKind.DIGITAL_SPECIAL, issue_date=dt.date(2021, 11, 30))
    found = findings(inv)
    assert [(f.code, f.severity) for f in found] == [("date.before_digital_era", Severity.WARNING)]
    assert dt.date(2021, 12, 1) == dates.DIGITAL_START
    assert findings(dataclasses.replace(inv, issue_date=dt.date(2021, 12, 1))) == []


def test_number_year_mismatch():
    found = findings(dataclasses.replace(DIGITAL, issue_date=dt.date(2024, 12, 31)))
    assert [(f.code, f.severity) for f in found] == [
        ("date.number_year_mismatch", Severity.WARNING)
    ]
    assert found[0].values["number_year"] == 2025
    assert "25322000000365404822" in found[0].message


def test_digital_paper_year_comes_from_the_digital_number():
    inv = Invoice(
        kind=InvoiceKind.DIGITAL_PAPER_ORDINARY,
        code="037002300104",
        number="01234567",
        digital_number="24372000000012345678",
        issue_date=dt.date(2023, 5, 1),
    )
    assert [f.code for f in findings(inv)] == ["date.number_year_mismatch"]


def test_code_year_after_issue_date():
    found = findings(dataclasses.replace(LEGACY, code="037002200207"))
    assert [(f.code, f.severity) for f in found] == [
        ("date.code_year_after_issue", Severity.WARNING)
    ]
    assert found[0].values["code_year"] == 2022
    assert "037002200207" in found[0].message_en


def test_no_year_checks_without_a_date():
    inv = dataclasses.replace(DIGITAL, issue_date=None, number="19322000000365404822")
    assert list(dates.identifier_year_rule(inv, RuleContext(today=TODAY))) == []
