from __future__ import annotations

from anomaly_helpers import COMPANY, COMPANY_TAX_ID, invoice

from fapiao.core.anomalies import detect_misaddressed
from fapiao.core.findings import Severity
from fapiao.core.invoice import Direction, InvoiceKind

OWN = [COMPANY_TAX_ID]


def test_purchase_addressed_to_another_company_alerts() -> None:
    other = invoice("1", buyer="91110108MA01ZZZZ9Y")
    [alert] = detect_misaddressed(COMPANY, [other, invoice("2")], OWN)
    assert alert.code == "anomaly.buyer_mismatch"
    assert alert.severity is Severity.ERROR
    assert "91110108MA01ZZZZ9Y" in alert.message
    assert COMPANY_TAX_ID in alert.message_en
    assert alert.invoices == (other.identity,)


def test_own_tax_id_in_another_spelling_is_the_company() -> None:
    spaced = invoice("1", buyer=f" {COMPANY_TAX_ID.lower()} ")
    fullwidth = invoice("2", buyer="９１１１０１０８ＭＡ０１ＡＢＣＤ２Ｘ")
    assert detect_misaddressed(COMPANY, [spaced, fullwidth], OWN) == []


def test_a_branch_tax_id_can_be_the_companys_too() -> None:
    branch = invoice("1", buyer="91110108MA01BRAN3C")
    assert detect_misaddressed(COMPANY, [branch], [*OWN, "91110108MA01BRAN3C"]) == []


def test_special_invoice_without_buyer_tax_id_alerts_ordinary_does_not() -> None:
    special = invoice("1", buyer=None, kind=InvoiceKind.VAT_SPECIAL_ELECTRONIC)
    ordinary = invoice("2", buyer=None)
    [alert] = detect_misaddressed(COMPANY, [special, ordinary], OWN)
    assert alert.code == "anomaly.buyer_tax_id_missing"
    assert "增值税电子专用发票" in alert.message


def test_sales_invoices_are_not_checked() -> None:
    sale = invoice("1", buyer="91110108MA01ZZZZ9Y", direction=Direction.SALES)
    assert detect_misaddressed(COMPANY, [sale], OWN) == []
