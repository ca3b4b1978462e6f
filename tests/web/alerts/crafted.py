"""Crafted records, each made to raise one anomaly (and only that one where possible)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from fapiao.core.invoice import CHINA_TZ
from web.invoices.factories import InvoiceRecordFactory

_numbers = itertools.count(1)

# 2025-07-12 10:00 in Beijing: the June VAT return is due 2025-07-15 (3 days left), and the
# month's reconciliation is due from the 10th.
NOW = dt.datetime(2025, 7, 12, 10, 0, tzinfo=CHINA_TZ).astimezone(dt.UTC)


def invoice(company: Any, *, gross: str = "113.00", seller: str = "91320200MA1XYZ0001", **kw: Any):
    """A purchase 数电专票 to ``company``; numbers are never consecutive unless given."""
    amount = Decimal(gross)
    kw.setdefault("number", f"2532200000{next(_numbers) * 10:010d}")
    kw.setdefault("issue_date", dt.date(2025, 6, 10))  # a Tuesday
    return InvoiceRecordFactory(
        company=company,
        identity_key=kw["number"],
        seller_tax_id=seller,
        seller_name=f"销售方{seller[-4:]}",
        net_amount=amount,
        tax_amount=Decimal("0.00"),
        gross_amount=amount,
        **kw,
    )
