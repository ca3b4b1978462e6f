"""An invoice record as one JSON document: the invoice schema (发票数据格式) plus status fields.

The same shape is returned by ``GET /api/invoices/{id}`` and printed by
``fapiao invoices list --json``: ``fapiao.core.schema.invoice_to_dict`` of the record's core
invoice, with the record id and its review, tax, deduction and booking status added.
"""

from __future__ import annotations

from typing import Any

from fapiao.core.schema import invoice_to_dict
from fapiao.web.invoices.conversion import invoice_to_core
from fapiao.web.invoices.models import InvoiceRecord

STATUS_FIELDS = (
    "review_status",
    "tax_status",
    "deduction_status",
    "deduction_period",
    "deduction_reason",
    "booking_status",
    "voucher_number",
    "review_note",
)


def invoice_status(record: InvoiceRecord) -> dict[str, Any]:
    """The record's id and status fields (审核/发票/抵扣/入账状态)."""
    return {
        "id": record.pk,
        **{name: getattr(record, name) for name in STATUS_FIELDS},
        "approved_at": record.approved_at.isoformat() if record.approved_at else None,
        "created_at": record.created_at.isoformat() if record.created_at else None,
        "updated_at": record.updated_at.isoformat() if record.updated_at else None,
    }


def invoice_document(record: InvoiceRecord) -> dict[str, Any]:
    """The invoice schema of the record with its status fields (``status``) and id."""
    document = invoice_to_dict(invoice_to_core(record))
    status = invoice_status(record)
    document["id"] = status.pop("id")
    document["status"] = status
    return document
