"""Reads of the event table, always scoped to one company."""

from __future__ import annotations

from django.db import models

from fapiao.web.companies.models import Company
from fapiao.web.events.models import Event


def event_list(
    *, company: Company, obj: models.Model | None = None, action: str | None = None
) -> models.QuerySet[Event]:
    """A company's events in sequence order, optionally only those about one object or action."""
    rows = Event.objects.filter(company=company).select_related("actor")
    if obj is not None:
        rows = rows.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if action is not None:
        rows = rows.filter(action=action)
    return rows.order_by("seq")
