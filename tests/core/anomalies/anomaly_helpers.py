"""Builders for anomaly tests: small invoices with only the fields the detectors read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fapiao.core.invoice import Direction, Invoice, InvoiceKind, Party

COMPANY = "acme"
COMPANY_TAX_ID = "91110108MA01ABCD2X"
SELLER_TAX_ID = "91370000MA3C00001A"
WEDNESDAY = dt.date(2024, 3, 13)


def invoice(
    number: str,
    *,
    code: str | None = "037002400111",
    gross: str = "100",
    day: dt.date = WEDNESDAY,
    seller: str = SELLER_TAX_ID,
    seller_name: str = "山东示例商贸有限公司",
    buyer: str | None = COMPANY_TAX_ID,
    kind: InvoiceKind = InvoiceKind.VAT_ORDINARY_ELECTRONIC,
    direction: Direction = Direction.PURCHASE,
    tax: str | None = None,
    is_red: bool = False,
) -> Invoice:
    """A purchase invoice; a 20-digit number makes it a 数电 one (pass ``code=None``)."""
    return Invoice(
        kind=kind,
        direction=direction,
        code=code,
        number=number,
        issue_date=day,
        seller=Party(seller_name, seller),
        buyer=Party("北京示例科技有限公司", buyer),
        gross_amount=Decimal(gross),
        tax_amount=None if tax is None else Decimal(tax),
        is_red=is_red,
    )
