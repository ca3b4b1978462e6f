"""Invoices of two companies over several months, both directions, for report tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fapiao.web.invoices.models import DeductionStatus, Direction
from web.invoices.factories import InvoiceLineRecordFactory, InvoiceRecordFactory

AMOUNTS = [
    (Decimal("100.00"), Decimal("13.00")),
    (Decimal("0.10"), Decimal("0.01")),
    (Decimal("1234567.89"), Decimal("74074.07")),
    (Decimal("-50.00"), Decimal("-6.50")),  # a red-letter invoice
    (Decimal("333.33"), Decimal("20.00")),
]


def make_invoices(company: Any, *, count: int = 25, offset: int = 0) -> list[Any]:
    """``count`` invoices over 2024-11 … 2025-03, mixed directions, one undated, with lines."""
    records = []
    for i in range(count):
        net, tax = AMOUNTS[i % len(AMOUNTS)]
        direction = Direction.SALES if i % 3 == 0 else Direction.PURCHASE
        date = None if i == 7 else dt.date(2024, 11, 1) + dt.timedelta(days=7 * i)
        seller = f"91110000{(i % 4):010d}"
        record = InvoiceRecordFactory(
            company=company,
            direction=direction,
            number=f"2532200000{offset + i:010d}",
            identity_key=f"2532200000{offset + i:010d}",
            issue_date=date,
            seller_tax_id=seller if direction == Direction.PURCHASE else company.tax_id,
            seller_name=f"供应商{i % 4}" if direction == Direction.PURCHASE else company.name,
            buyer_tax_id=company.tax_id if direction == Direction.PURCHASE else seller,
            buyer_name=company.name if direction == Direction.PURCHASE else f"客户{i % 4}",
            net_amount=net,
            tax_amount=tax,
            gross_amount=net + tax,
            is_red=net < 0,
            deduction_status=DeductionStatus.SELECTED if i % 2 else DeductionStatus.UNSELECTED,
        )
        rate = "0.13" if i % 2 else "0.06"
        InvoiceLineRecordFactory(
            invoice=record, position=1, net_amount=net, tax_amount=tax, tax_rate=rate
        )
        records.append(record)
    return records


@pytest.fixture
def invoices(company: Any, other_company: Any) -> list[Any]:
    """The company's invoices; the other company gets invoices too, which must never show."""
    make_invoices(other_company, count=9, offset=500)
    return make_invoices(company)
