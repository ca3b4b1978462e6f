"""A small instance to back up: two companies, members, invoices with lines, stored originals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fapiao.web.companies.models import Role
from fapiao.web.invoices.models import InvoiceSource
from fapiao.web.invoices.services import stored_file_create
from web.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from web.invoices.factories import InvoiceLineRecordFactory, InvoiceRecordFactory


def seed_instance(files_per_company: int = 3) -> dict[str, Any]:
    """Companies with members, invoices (each with a line) and encrypted originals."""
    made: dict[str, Any] = {"companies": [], "files": []}
    for index in range(2):
        company = CompanyFactory(name=f"备份测试{index}有限公司")
        user = UserFactory(username=f"backup-user-{index}")
        MembershipFactory(user=user, company=company, role=Role.ADMIN)
        made["companies"].append(company)
        for n in range(files_per_company):
            content = f"%PDF-1.7 原始文件 {index}-{n} ".encode() + bytes(range(256)) * (n + 1)
            stored, _ = stored_file_create(
                company=company, content=content, original_name=f"发票{index}-{n}.pdf", actor=user
            )
            made["files"].append(stored)
            record = InvoiceRecordFactory(
                company=company,
                issue_date=dt.date(2025, 3, 10 + n),
                net_amount=Decimal("100.00") + n,
                gross_amount=Decimal("113.00") + n,
            )
            InvoiceLineRecordFactory(invoice=record, position=1)
            InvoiceSource.objects.create(invoice=record, stored_file=stored)
    return made
