"""Reads of feedback, scoped to one company (or to system-wide feedback for staff)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from fapiao.web.companies.models import Company
from fapiao.web.feedback.models import Feedback


def feedback_list(*, company: Company | None, status: str | None = None) -> QuerySet[Feedback]:
    """A company's feedback, newest first; ``company=None`` = the system-wide feedback."""
    rows = Feedback.objects.select_related("author")
    rows = (
        rows.filter(company=company) if company is not None else rows.filter(company__isnull=True)
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def feedback_get(*, company: Company | None, pk: int) -> Feedback:
    """One feedback of the company (or system-wide); Http404 for any other."""
    return get_object_or_404(feedback_list(company=company), pk=pk)
