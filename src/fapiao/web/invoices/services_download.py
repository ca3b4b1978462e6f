"""Writes around downloads of originals (下载原件): each download is an event row."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record
from fapiao.web.invoices.models import InvoiceRecord, StoredFile


def invoice_download_record(
    *,
    company: Company,
    actor: AbstractBaseUser | None,
    record: InvoiceRecord | None,
    files: Sequence[StoredFile],
    as_zip: bool = False,
    ip: str | None = None,
) -> None:
    """Record that originals were downloaded (``invoice.downloaded``), one file or a ZIP."""
    if any(f.company_id != company.pk for f in files):
        raise ValueError("原始文件属于另一家公司 / a file belongs to another company")
    with transaction.atomic(durable=True):
        event_record(
            company=company,
            actor=actor,
            action="invoice.downloaded",
            obj=record,
            before=None,
            after={
                "files": [{"id": f.pk, "sha256": f.sha256} for f in files[:1000]],
                "count": len(files),
                "zip": as_zip,
            },
            ip=ip,
        )
