"""Reads for intake, scoped to the current company (batches) or the uploader (tray)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from fapiao.web.companies.models import Company
from fapiao.web.intake.models import IntakeBatch, IntakeItem, ItemStatus, UnassignedInvoice


def batch_list(*, company: Company, user: AbstractBaseUser | None = None) -> QuerySet[IntakeBatch]:
    """The company's upload batches, newest first (only the user's own when given)."""
    rows = IntakeBatch.objects.filter(company=company).select_related("created_by")
    if user is not None:
        rows = rows.filter(created_by_id=user.pk)
    return rows.order_by("-created_at", "-id")


def batch_get(*, company: Company, pk: int) -> IntakeBatch:
    """One batch of the company (DoesNotExist for other companies' batches)."""
    return IntakeBatch.objects.select_related("company", "created_by").get(company=company, pk=pk)


def batch_items(*, batch: IntakeBatch) -> QuerySet[IntakeItem]:
    """The files of a batch in upload order."""
    return IntakeItem.objects.filter(batch=batch).select_related("stored_file").order_by("id")


def batch_counts(items: Iterable[IntakeItem]) -> dict[str, int]:
    """Totals of a batch's items, for its progress line."""
    counts = {"files": 0, "finished": 0, "failed": 0, "created": 0, "merged": 0, "unassigned": 0}
    for item in items:
        counts["files"] += 1
        counts["finished"] += item.is_finished
        counts["failed"] += item.status == ItemStatus.FAILED
        counts["created"] += item.invoices_created
        counts["merged"] += item.invoices_merged
        counts["unassigned"] += item.invoices_unassigned
    return counts


def unassigned_list(*, user: AbstractBaseUser) -> QuerySet[UnassignedInvoice]:
    """The user's tray: invoices they uploaded that no company took yet."""
    return (
        UnassignedInvoice.objects.filter(uploaded_by_id=user.pk, assigned_at__isnull=True)
        .select_related("stored_file", "batch")
        .order_by("-created_at", "-id")
    )


def unassigned_get(*, user: AbstractBaseUser, pk: int) -> UnassignedInvoice:
    """One tray invoice of the user (DoesNotExist for anyone else's)."""
    return UnassignedInvoice.objects.select_related("stored_file").get(
        uploaded_by_id=user.pk, pk=pk
    )
