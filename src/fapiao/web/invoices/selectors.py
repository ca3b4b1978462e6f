"""Reads of invoice records, always scoped to one company."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db.models import Prefetch, Q, QuerySet

from fapiao.web.companies.models import Company
from fapiao.web.invoices.conversion import normalize_identifier
from fapiao.web.invoices.models import InvoiceRecord, InvoiceSource, StoredFile
from fapiao.web.invoices.storage import files_root


def invoice_list(
    *,
    company: Company,
    direction: str | None = None,
    review_status: str | None = None,
    tax_status: str | None = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    search: str | None = None,
) -> QuerySet[InvoiceRecord]:
    """A company's invoices, newest first, filtered; no lines are loaded (list pages)."""
    rows = InvoiceRecord.objects.filter(company=company)
    if direction:
        rows = rows.filter(direction=direction)
    if review_status:
        rows = rows.filter(review_status=review_status)
    if tax_status:
        rows = rows.filter(tax_status=tax_status)
    if issued_from:
        rows = rows.filter(issue_date__gte=issued_from)
    if issued_to:
        rows = rows.filter(issue_date__lte=issued_to)
    if search:
        term = search.strip()
        ident = normalize_identifier(term)
        rows = rows.filter(
            Q(identity_key__contains=ident)
            | Q(seller_tax_id=ident)
            | Q(buyer_tax_id=ident)
            | Q(seller_name__contains=term)
            | Q(buyer_name__contains=term)
        )
    return rows.order_by("-issue_date", "-id")


def invoice_get(*, company: Company, pk: int) -> InvoiceRecord:
    """One invoice of the company with its lines and sources (DoesNotExist for other companies)."""
    return (
        InvoiceRecord.objects.filter(company=company)
        .select_related("company", "created_by")
        .prefetch_related(
            "lines",
            Prefetch("sources", queryset=InvoiceSource.objects.select_related("stored_file")),
        )
        .get(pk=pk)
    )


def stored_file_get(*, company: Company, pk: int) -> StoredFile:
    """One stored original of the company."""
    return StoredFile.objects.get(company=company, pk=pk)


def stored_file_path(stored_file: StoredFile) -> Path:
    """The absolute path of a stored original on disk."""
    return files_root() / stored_file.path
