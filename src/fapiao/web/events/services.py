"""Writes to the event table: ``event_record`` is called by every other service."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models, transaction
from django.utils import timezone

from fapiao.core.audit.chain import GENESIS_HASH
from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company
from fapiao.web.events.chain import event_hash
from fapiao.web.events.head import head_note
from fapiao.web.events.models import Event
from fapiao.web.events.sealing import payload_seal

_SYSTEM_LOCK_ID = 0x46415049  # "FAPI": serialises system-event sequence numbers on PostgreSQL


def json_value(value: Any) -> Any:
    """A value made JSON-safe the same way on every database (Decimal and dates as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return value
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(v) for v in value]
    return str(value)


def chain_tail(company: Company | None) -> tuple[int, str]:
    """The next sequence number of a company (or of the system) and the hash it must link to.

    Holds a lock until commit, so the sequence stays gap-free and the chain linear.
    """
    if company is not None:
        # Lock the company row: concurrent writers of one company queue here (PostgreSQL);
        # SQLite already runs one writer at a time (IMMEDIATE transactions).
        company_lock(company.pk)
        rows = Event.objects.filter(company=company)
    else:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SYSTEM_LOCK_ID])
        rows = Event.objects.filter(company__isnull=True)
    last = rows.order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return 1, GENESIS_HASH
    return int(last[0]) + 1, last[1]


def event_record(
    *,
    company: Company | None,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    ip: str | None = None,
    seal: Collection[str] = (),
) -> Event:
    """Append one event (``invoice.created``, ``invoice.merged`` …) to the company's chain.

    The values of ``before``/``after`` under the keys in ``seal`` (sensitive fields) are stored
    sealed under the company's audit key (:mod:`fapiao.web.events.sealing`).
    """
    if not action:
        raise ValueError("event action must not be empty")
    if seal:
        if company is None:
            raise ValueError("sealed event values need a company (its audit key)")
        before = payload_seal(company.pk, before, keys=seal)
        after = payload_seal(company.pk, after, keys=seal)
    ip_value = Event._meta.get_field("ip").get_prep_value(ip or None)
    row: dict[str, Any] = {
        "company_id": company.pk if company is not None else None,
        "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "before": json_value(before) if before is not None else None,
        "after": json_value(after) if after is not None else None,
        "ip": ip_value or None,
    }
    with transaction.atomic():
        seq, prev_hash = chain_tail(company)
        row["seq"] = seq
        # Microseconds survive both databases; the hash covers the instant as stored.
        row["created_at"] = timezone.now()
        event = Event.objects.create(**row, prev_hash=prev_hash, hash=event_hash(row, prev_hash))
        head_note(event)  # the chain's new head, outside the database, once committed
        return event
