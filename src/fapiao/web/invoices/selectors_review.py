"""Reads for dual review (录入 → 审核): the queue, who touched an invoice, what needs a look."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q, QuerySet

from fapiao.web.companies.models import Company
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord, ReviewStatus

LOW_CONFIDENCE = 0.8
"""A field read with less confidence than this is highlighted for the reviewer."""

NON_EDITING_ACTIONS = frozenset(
    {
        "invoice.approved",
        "invoice.returned",
        "invoice.submitted",
        "invoice.status_changed",
        "invoice.tax_status_changed",
        "invoice.deduction_status_changed",
        "invoice.booking_status_changed",
        "invoice.statuses_from_export",
        "invoice.viewed",
        "invoice.downloaded",
        "invoice.exported",
    }
)
"""Events about an invoice that do not change what it says; every other one counts as an edit."""


def review_queue(
    *, company: Company, direction: str | None = None, search: str | None = None
) -> QuerySet[InvoiceRecord]:
    """待审核: the company's invoices waiting for review, oldest first."""
    rows = InvoiceRecord.objects.filter(company=company, review_status=ReviewStatus.PENDING)
    if direction:
        rows = rows.filter(direction=direction)
    if search:
        term = search.strip()
        rows = rows.filter(
            Q(identity_key__contains=term.upper())
            | Q(seller_name__contains=term)
            | Q(buyer_name__contains=term)
        )
    return rows.select_related("created_by").order_by("created_at", "id")


def invoice_editor_ids(*, record: InvoiceRecord) -> set[int]:
    """Everyone who entered or changed the invoice (录入/修改): they may not approve it.

    Read from the event history (any event about the record except pure status and review
    steps) and from ``created_by``, so a path that forgets to record its actor still counts.
    """
    actors = (
        Event.objects.filter(
            company_id=record.company_id,
            object_type=InvoiceRecord._meta.label_lower,
            object_id=str(record.pk),
            actor__isnull=False,
        )
        .exclude(action__in=NON_EDITING_ACTIONS)
        .values_list("actor_id", flat=True)
        .distinct()
    )
    editors = {int(pk) for pk in actors}
    if record.created_by_id is not None:
        editors.add(int(record.created_by_id))
    return editors


def invoice_editor_ids_many(
    *, company: Company, records: Iterable[InvoiceRecord]
) -> dict[int, set[int]]:
    """:func:`invoice_editor_ids` for many invoices of one company in one query (list pages)."""
    rows = list(records)
    editors: dict[int, set[int]] = {int(r.pk): set() for r in rows}
    for record in rows:
        if record.created_by_id is not None:
            editors[int(record.pk)].add(int(record.created_by_id))
    events = (
        Event.objects.filter(
            company=company,
            object_type=InvoiceRecord._meta.label_lower,
            object_id__in=[str(pk) for pk in editors],
            actor__isnull=False,
        )
        .exclude(action__in=NON_EDITING_ACTIONS)
        .values_list("object_id", "actor_id")
        .distinct()
    )
    for object_id, actor_id in events:
        editors[int(object_id)].add(int(actor_id))
    return editors


def invoice_history(*, company: Company, record: InvoiceRecord) -> QuerySet[Event]:
    """The invoice's events, oldest first (company-scoped)."""
    return (
        Event.objects.filter(
            company=company,
            object_type=InvoiceRecord._meta.label_lower,
            object_id=str(record.pk),
        )
        .select_related("actor")
        .order_by("seq")
    )


def low_confidence_fields(fields: Mapping[str, Any], threshold: float = LOW_CONFIDENCE) -> set[str]:
    """Column names whose provenance confidence is below the threshold (低置信度)."""
    low: set[str] = set()
    for path, info in (fields or {}).items():
        try:
            confidence = float(info.get("confidence", 1.0))
        except (AttributeError, TypeError, ValueError):
            continue
        if confidence < threshold:
            low.add(path.replace(".", "_"))
    return low


def error_findings(findings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The stored findings of severity error (错误): they block approval."""
    return [f for f in findings or () if f.get("severity") == "error"]
