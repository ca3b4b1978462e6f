"""Reads of the event table, always scoped to one company."""

from __future__ import annotations

import datetime as dt

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


def event_search(
    *,
    company: Company,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    ip: str = "",
) -> models.QuerySet[Event]:
    """审计日志 (audit trail) filtered: action prefix, actor name, object, dates (Beijing), IP."""
    rows = event_list(company=company)
    if action:
        rows = rows.filter(action__startswith=action)
    if actor:
        rows = rows.filter(actor__username__icontains=actor)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id:
        rows = rows.filter(object_id=object_id)
    if since is not None:
        rows = rows.filter(created_at__date__gte=since)
    if until is not None:
        rows = rows.filter(created_at__date__lte=until)
    if ip:
        rows = rows.filter(ip=ip)
    return rows


def event_actions(*, company: Company) -> list[str]:
    """The distinct actions a company's trail holds (for the filter's choices)."""
    return list(
        Event.objects.filter(company=company)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
