"""Factories for invoice records, lines and stored files, and core invoices to save."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from fapiao.core.findings import warning
from fapiao.core.invoice import (
    FieldInfo,
    FieldSource,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
)
from fapiao.web.invoices.conversion import core_value
from fapiao.web.invoices.models import (
    Direction,
    InvoiceLineRecord,
    InvoiceRecord,
    StoredFile,
)
from fapiao.web.invoices.models import (
    InvoiceKind as RecordKind,
)
from web.companies.factories import CompanyFactory


class InvoiceRecordFactory(DjangoModelFactory):
    class Meta:
        model = InvoiceRecord

    company = factory.SubFactory(CompanyFactory)
    direction = Direction.PURCHASE
    kind = RecordKind.DIGITAL_SPECIAL
    number = factory.Sequence(lambda n: f"25322000000{n:09d}")
    identity_key = factory.LazyAttribute(lambda o: o.number)
    issue_date = dt.date(2025, 3, 14)
    seller_name = "无锡市安协安全培训中心"
    seller_tax_id = "52320200MJ5702713X"
    buyer_name = factory.LazyAttribute(lambda o: o.company.name)
    buyer_tax_id = factory.LazyAttribute(lambda o: o.company.tax_id)
    net_amount = Decimal("100.00")
    tax_amount = Decimal("13.00")
    gross_amount = Decimal("113.00")


class InvoiceLineRecordFactory(DjangoModelFactory):
    class Meta:
        model = InvoiceLineRecord

    invoice = factory.SubFactory(InvoiceRecordFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = "*经纪代理服务*培训费"
    quantity = Decimal("1")
    unit_price = Decimal("100")
    net_amount = Decimal("100.00")
    tax_rate = "0.13"
    tax_amount = Decimal("13.00")


class StoredFileFactory(DjangoModelFactory):
    class Meta:
        model = StoredFile

    company = factory.SubFactory(CompanyFactory)
    sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    size = 1024
    original_name = "invoice.xml"
    content_type = "application/xml"
    path = factory.LazyAttribute(lambda o: f"{o.company.pk}/{o.sha256[:2]}/{o.sha256}")


SCALAR_PATHS = (
    "kind",
    "number",
    "issue_date",
    "seller.name",
    "seller.tax_id",
    "buyer.name",
    "buyer.tax_id",
    "net_amount",
    "tax_amount",
    "gross_amount",
    "gross_amount_text",
    "is_red",
    "drawer",
    "remark",
)


def reading(
    source: FieldSource = FieldSource.XML, confidence: float = 1.0, **changes: Any
) -> Invoice:
    """A parsed 数电专票 (the real XML sample's values) as one source read it."""
    invoice = Invoice(
        kind=InvoiceKind.DIGITAL_SPECIAL,
        number="25322000000365404822",
        issue_date=dt.date(2025, 3, 14),
        seller=Party(name="无锡市安协安全培训中心", tax_id="52320200MJ5702713X"),
        buyer=Party(name="测试采购有限公司", tax_id="91320200MA1X0000XX"),
        net_amount=Decimal("235.85"),
        tax_amount=Decimal("14.15"),
        gross_amount=Decimal("250.00"),
        gross_amount_text="贰佰伍拾圆整",
        lines=(
            InvoiceLine(
                name="*经纪代理服务*培训费",
                quantity=Decimal("1"),
                unit_price=Decimal("235.8490566037736"),
                net_amount=Decimal("235.85"),
                tax_rate=Decimal("0.06"),
                tax_amount=Decimal("14.15"),
                tax_code="3040802010000000000",
            ),
        ),
        drawer="张三",
        findings=(warning("party.test", "测试问题", "test finding", field="buyer.tax_id"),),
    )
    invoice = dataclasses.replace(invoice, **changes)
    provenance = {
        path: FieldInfo(source, confidence)
        for path in SCALAR_PATHS
        if core_value(invoice, path) is not None
    }
    if invoice.lines:
        provenance["lines"] = FieldInfo(source, confidence)
    return dataclasses.replace(invoice, fields=provenance)
