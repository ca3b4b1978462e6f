import datetime as dt

import pytest

from fapiao.core.findings import Severity
from fapiao.core.invoice import Direction, Invoice, InvoiceKind, Party
from fapiao.core.rules import parties
from fapiao.core.rules.base import RuleContext

RULES = (parties.tax_id_rule, parties.company_rule, parties.distinct_rule)

SELLER = Party(name="无锡市安协安全培训中心", tax_id="52320200509244470T")  # real 数电 XML
BUYER = Party(name="某某有限公司", tax_id="9132020013590404XW")
COMPANY = "9132020013590404XW"


def invoice(**kw) -> Invoice:
    base = {
        "kind": InvoiceKind.DIGITAL_ORDINARY,
        "number": "25322000000365404822",
        "issue_date": dt.date(2025, 8, 8),
        "seller": SELLER,
        "buyer": BUYER,
    }
    return Invoice(**(base | kw))


def findings(inv: Invoice, company: str | None = None):
    ctx = RuleContext(company_tax_id=company)
    return [f for rule in RULES for f in rule(inv, ctx)]


def codes(inv: Invoice, company: str | None = None) -> list[str]:
    return [f.code for f in findings(inv, company)]


@pytest.mark.parametrize(
    ("inv", "company"),
    [
        (invoice(), None),
        (invoice(direction=Direction.PURCHASE), COMPANY),
        (invoice(direction=Direction.PURCHASE), " 9132 0200 1359 0404xw "),
        (invoice(direction=Direction.SALES), "52320200509244470T"),
        (invoice(direction=None), "91110108690017781B"),
        (invoice(kind=InvoiceKind.RAILWAY_TICKET, seller=Party(name="中国铁路")), None),
    ],
)
def test_quiet(inv, company):
    assert findings(inv, company) == []


def test_invalid_tax_ids_are_warnings_naming_the_value():
    # the official 数电 XML sample carries invalid tax IDs on purpose
    inv = invoice(
        seller=Party(tax_id="91440000000000000X"), buyer=Party(tax_id="91440000000000001Y")
    )
    found = findings(inv)
    assert [f.code for f in found] == ["party.seller_tax_id_invalid", "party.buyer_tax_id_invalid"]
    assert all(f.severity is Severity.WARNING for f in found)
    assert "91440000000000000X" in found[0].message
    assert "91440000000000000X" in found[0].message_en
    assert found[0].field == "seller.tax_id"
    assert found[1].values["reason"] == "invalid_checksum"


def test_malformed_tax_id():
    found = findings(invoice(buyer=Party(tax_id="12345")))
    assert [f.code for f in found] == ["party.buyer_tax_id_invalid"]
    assert found[0].values["reason"] == "invalid_length"


def test_legacy_tax_id_is_a_warning():
    # the seller of the real Jiangsu legacy OFD: an 18-digit ID number + 2
    found = findings(invoice(seller=Party(tax_id="32040419760706081301")))
    assert [(f.code, f.severity) for f in found] == [
        ("party.seller_tax_id_legacy", Severity.WARNING)
    ]
    assert "20" in found[0].message
    assert found[0].values["scheme"] == "legacy"


def test_personal_id_buyer_is_legacy():
    found = findings(invoice(buyer=Party(tax_id="11010519491231002X")))
    assert [f.code for f in found] == ["party.buyer_tax_id_legacy"]
    assert found[0].values["scheme"] == "personal_id"


def test_missing_seller_tax_id():
    found = findings(invoice(seller=Party(name="某商店")))
    assert [(f.code, f.severity) for f in found] == [
        ("party.seller_tax_id_missing", Severity.WARNING)
    ]


def test_missing_buyer_tax_id_is_info_for_individuals():
    found = findings(invoice(buyer=Party(name="张三")))
    assert [(f.code, f.severity) for f in found] == [("party.buyer_tax_id_missing", Severity.INFO)]
    assert "个人" in found[0].message


def test_missing_buyer_tax_id_is_a_warning_on_special_invoices():
    found = findings(invoice(kind=InvoiceKind.DIGITAL_SPECIAL, buyer=Party(name="张三")))
    assert [(f.code, f.severity) for f in found] == [
        ("party.buyer_tax_id_missing", Severity.WARNING)
    ]
    assert "special" in found[0].message_en


def test_purchase_invoice_addressed_to_someone_else():
    found = findings(invoice(direction=Direction.PURCHASE), company="91110108690017781B")
    assert [(f.code, f.severity) for f in found] == [("party.buyer_not_company", Severity.ERROR)]
    assert "9132020013590404XW" in found[0].message
    assert "91110108690017781B" in found[0].message_en
    assert found[0].field == "buyer.tax_id"


def test_sales_invoice_issued_by_someone_else():
    found = findings(invoice(direction=Direction.SALES), company=COMPANY)
    assert [f.code for f in found] == ["party.seller_not_company"]
    assert "销项" in found[0].message


def test_company_check_needs_the_party_tax_id():
    inv = invoice(direction=Direction.PURCHASE, buyer=Party(name="张三"))
    assert codes(inv, company=COMPANY) == ["party.buyer_tax_id_missing"]


def test_same_tax_id_on_both_sides():
    found = findings(invoice(buyer=Party(name="别名", tax_id="52320200509244470t")))
    assert [(f.code, f.severity) for f in found] == [("party.same_party", Severity.ERROR)]
    assert "52320200509244470T" in found[0].message


def test_same_name_when_a_tax_id_is_missing():
    inv = invoice(
        seller=Party(name="某某（北京）有限公司", tax_id="91110108690017781B"),
        buyer=Party(name="某某(北京)有限公司 "),
    )
    assert "party.same_party" in codes(inv)


def test_different_names_without_tax_ids():
    inv = invoice(seller=Party(name="甲公司"), buyer=Party(name="乙公司"))
    assert "party.same_party" not in codes(inv)


def test_no_names_no_tax_ids_is_not_same_party():
    inv = invoice(seller=Party(), buyer=Party(name="  "))
    assert "party.same_party" not in codes(inv)
