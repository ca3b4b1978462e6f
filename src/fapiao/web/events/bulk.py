"""Many events at once: the same rows as :func:`~fapiao.web.events.services.event_record` one by
one, appended to a company's chain under one lock and written with one INSERT per 500 rows.

For writers of many rows in one transaction (the demo data).  As with ``event_record``, the
values under an entry's ``seal`` keys are stored sealed under the company's audit key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from fapiao.web.companies.models import Company
from fapiao.web.events.chain import event_hash
from fapiao.web.events.head import head_note
from fapiao.web.events.models import Event
from fapiao.web.events.sealing import payload_seal
from fapiao.web.events.services import chain_tail, json_value


@dataclass(frozen=True, slots=True)
class EventEntry:
    """One event: who did what to which object, with the values before and after."""

    actor: AbstractBaseUser | None
    action: str
    obj: models.Model
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    seal: Collection[str] = ()


def event_record_many(*, company: Company, entries: Iterable[EventEntry]) -> int:
    """Append the entries to the company's chain in order; the number written."""
    rows: list[dict[str, Any]] = []
    for entry in entries:
        if not entry.action:
            raise ValueError("event action must not be empty")
        actor, obj, before, after = entry.actor, entry.obj, entry.before, entry.after
        if entry.seal:
            before = payload_seal(company.pk, before, keys=entry.seal)
            after = payload_seal(company.pk, after, keys=entry.seal)
        rows.append(
            {
                "company_id": company.pk,
                "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
                "action": entry.action,
                "object_type": obj._meta.label_lower,
                "object_id": str(obj.pk) if obj.pk is not None else "",
                "before": json_value(before) if before is not None else None,
                "after": json_value(after) if after is not None else None,
                "ip": None,
            }
        )
    if not rows:
        return 0
    with transaction.atomic():
        seq, prev_hash = chain_tail(company)
        events = []
        for offset, row in enumerate(rows):
            row["seq"] = seq + offset
            row["created_at"] = timezone.now()
            row_hash = event_hash(row, prev_hash)
            events.append(Event(**row, prev_hash=prev_hash, hash=row_hash))
            prev_hash = row_hash
        Event.objects.bulk_create(events, batch_size=500)
        head_note(events[-1])  # the chain's new head, outside the database, once committed
    return len(events)
