"""Locking one invoice record for a change, in the project's lock order (company row first)."""

from __future__ import annotations

from fapiao.web.companies.locks import company_lock
from fapiao.web.invoices.models import InvoiceRecord


def invoice_lock(record: InvoiceRecord) -> InvoiceRecord:
    """The record re-read under a row lock, after its company's lock (see companies.locks)."""
    company_lock(record.company_id)
    return InvoiceRecord.objects.select_for_update().select_related("company").get(pk=record.pk)
