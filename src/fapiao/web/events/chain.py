"""事件哈希链 (hash chain) of the event table: rows as :class:`EventRecord`, chain verification.

One chain per company (chain id = the company id) plus the ``system`` chain for events that belong
to no company.  The hashing and the diagnosis of breaks live in :mod:`fapiao.core.audit.chain`;
this module maps database rows to records and back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import models

from fapiao.core.audit.chain import (
    GENESIS_HASH,
    SYSTEM_CHAIN,
    EventRecord,
    VerifyResult,
    compute_hash,
    format_instant,
    verify_chain,
)
from fapiao.web.events.models import Event

_FIELDS = (
    "seq",
    "company_id",
    "created_at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "ip",
    "prev_hash",
    "hash",
)


def chain_id_of(company_id: int | None) -> str:
    """The chain an event belongs to: its company's id, or ``system``."""
    return SYSTEM_CHAIN if company_id is None else str(company_id)


def record_of(row: dict[str, Any]) -> EventRecord:
    """The chain's view of one event row (as a ``values()`` mapping)."""
    created: dt.datetime = row["created_at"]
    return EventRecord(
        seq=int(row["seq"]),
        chain_id=chain_id_of(row["company_id"]),
        created_at=format_instant(created),
        actor=None if row["actor_id"] is None else str(row["actor_id"]),
        action=row["action"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        before=row["before"],
        after=row["after"],
        ip=row["ip"] or None,
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def event_hash(row: dict[str, Any], prev_hash: str) -> str:
    """The hash an event row must carry when it follows ``prev_hash``."""
    return compute_hash(record_of({**row, "prev_hash": prev_hash, "hash": ""}), prev_hash)


def _of_chain(company_id: int | None) -> models.Q:
    if company_id is None:
        return models.Q(company__isnull=True)
    return models.Q(company_id=company_id)


def chain_rows(company_id: int | None) -> Iterator[EventRecord]:
    """One chain in seq order, streamed from the database."""
    rows: models.QuerySet[Event, dict[str, Any]] = (
        Event.objects.filter(_of_chain(company_id)).order_by("seq").values(*_FIELDS)
    )
    for row in rows.iterator(chunk_size=2000):
        yield record_of(row)


def chain_verify(company_id: int | None) -> VerifyResult:
    """Verify the chain of one company (or the system chain); names the first bad event."""
    return verify_chain(chain_rows(company_id), chain_id=chain_id_of(company_id))


def chain_verify_all() -> dict[str, VerifyResult]:
    """Verify every chain that has events: the system chain first, then each company's."""
    company_ids = (
        Event.objects.exclude(company__isnull=True)
        .order_by("company_id")
        .values_list("company_id", flat=True)
        .distinct()
    )
    results = {SYSTEM_CHAIN: chain_verify(None)}
    for company_id in company_ids:
        results[str(company_id)] = chain_verify(company_id)
    return results


__all__ = ["GENESIS_HASH", "chain_id_of", "chain_verify", "chain_verify_all", "event_hash"]
