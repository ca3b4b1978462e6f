"""Writes of the reports app: every export (导出) is an event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fapiao.web.companies.models import Company
from fapiao.web.events.models import Event
from fapiao.web.events.services import event_record


def export_record(
    *,
    company: Company,
    actor: AbstractBaseUser | None,
    kind: str,
    rows: int,
    filters: Mapping[str, Any] | None = None,
    ip: str | None = None,
) -> Event:
    """Record that a list was exported (``export.created``): what, how many rows, which filters."""
    with transaction.atomic(durable=True):
        return event_record(
            company=company,
            actor=actor,
            action="export.created",
            obj=None,
            before=None,
            after={"kind": kind, "rows": rows, "filters": dict(filters or {})},
            ip=ip,
        )
