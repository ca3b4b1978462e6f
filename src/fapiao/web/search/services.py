"""Writes of the search index and of saved filters.

The index is derived data: ``search_index_invoices`` rebuilds the entries of some invoices
(row, full-text terms, typo variants) and ``search_index_catch_up`` follows the company's event
sequence, so every service that changes an invoice (each writes an event) is reflected without
hooks in each of them.  Index maintenance writes no events of its own (it changes nothing a
person decided); saving and deleting a filter do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction

from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company
from fapiao.web.events.models import Event
from fapiao.web.events.services import event_record
from fapiao.web.invoices.models import InvoiceLineRecord, InvoiceRecord
from fapiao.web.search.indexing import SOURCE_FIELDS, EntryData, entry_data
from fapiao.web.search.models import IndexCursor, SavedFilter, SearchEntry

INVOICE_OBJECT_TYPE = InvoiceRecord._meta.label_lower
CATCH_UP_BATCH = 2000
BATCH = 500


def _line_names(invoice_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    rows = InvoiceLineRecord.objects.filter(invoice_id__in=invoice_ids).values_list(
        "invoice_id", "name"
    )
    for invoice_id, name in rows:
        names[invoice_id].append(name)
    return names


def _write(company: Company, invoice_id: int, data: EntryData | None) -> None:
    """Replace one invoice's entry, full-text terms and variants (None: remove them)."""
    old = SearchEntry.objects.filter(pk=invoice_id).values_list("tokens", "number").first()
    with connection.cursor() as cursor:
        if old is not None:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', %s, %s)",
                    [invoice_id, old[0]],
                )
            cursor.execute(
                "DELETE FROM search_numbervariant WHERE company_id = %s AND invoice_id = %s",
                [company.pk, invoice_id],
            )
        if data is None:
            SearchEntry.objects.filter(pk=invoice_id).delete()
            return
        SearchEntry.objects.update_or_create(
            invoice_id=invoice_id, defaults={**data.values, "tokens": data.tokens}
        )
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_fts(rowid, tokens) VALUES (%s, %s)", [invoice_id, data.tokens]
            )
        cursor.executemany(
            "INSERT INTO search_numbervariant (company_id, key, invoice_id) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [(company.pk, key, invoice_id) for key in sorted(data.variant_keys)],
        )


def _index(company: Company, invoice_ids: Iterable[int]) -> int:
    wanted = sorted(set(invoice_ids))
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        rows = {
            row["id"]: row
            for row in InvoiceRecord.objects.filter(company=company, pk__in=chunk).values(
                "id", *SOURCE_FIELDS
            )
        }
        names = _line_names(list(rows))
        for invoice_id in chunk:
            row = rows.get(invoice_id)
            _write(company, invoice_id, entry_data(row, names[invoice_id]) if row else None)
    return len(wanted)


def search_index_invoices(*, company: Company, invoice_ids: Iterable[int]) -> int:
    """(Re)build the search entries of some of the company's invoices; the number indexed."""
    with transaction.atomic(durable=True):
        company_lock(company.pk)
        return _index(company, invoice_ids)


def search_index_catch_up(*, company: Company, batch: int = CATCH_UP_BATCH) -> int:
    """Index the invoices named by the company's events since the last call; events read."""
    seen = IndexCursor.objects.filter(company=company).values_list("seq", flat=True).first() or 0
    latest = (
        Event.objects.filter(company=company).order_by("-seq").values_list("seq", flat=True)[:1]
    )
    if not latest or latest[0] <= seen:
        return 0
    with transaction.atomic(durable=True):
        company_lock(company.pk)
        cursor, _ = IndexCursor.objects.select_for_update().get_or_create(company=company)
        events = list(
            Event.objects.filter(company=company, seq__gt=cursor.seq)
            .order_by("seq")
            .values_list("seq", "object_type", "object_id")[:batch]
        )
        if not events:
            return 0
        ids = {
            int(object_id)
            for _, object_type, object_id in events
            if object_type == INVOICE_OBJECT_TYPE and object_id.isdigit()
        }
        _index(company, ids)
        cursor.seq = events[-1][0]
        cursor.save(update_fields=["seq"])
    return len(events)


def search_index_rebuild(*, company: Company) -> int:
    """Rebuild every search entry of the company (after a bulk import or an upgrade)."""
    with transaction.atomic(durable=True):
        company_lock(company.pk)
        ids = list(InvoiceRecord.objects.filter(company=company).values_list("pk", flat=True))
        count = _index(company, ids)
        latest = (
            Event.objects.filter(company=company).order_by("-seq").values_list("seq", flat=True)
        )
        IndexCursor.objects.update_or_create(company=company, defaults={"seq": latest.first() or 0})
    return count


def saved_filter_save(
    *, company: Company, user: AbstractBaseUser, name: str, query: str
) -> SavedFilter:
    """Save (or overwrite) a named filter of the user in the company."""
    name = name.strip()[:100]
    if not name:
        raise ValueError("常用筛选需要名称 / a saved filter needs a name")
    with transaction.atomic(durable=True):
        saved, created = SavedFilter.objects.update_or_create(
            company=company, user_id=user.pk, name=name, defaults={"query": query}
        )
        event_record(
            company=company,
            actor=user,
            action="search.filter_saved",
            obj=saved,
            before=None,
            after={"name": name, "query": query, "created": created},
        )
    return saved


def saved_filter_delete(*, company: Company, user: AbstractBaseUser, pk: int) -> None:
    """Delete one of the user's saved filters (DoesNotExist for anyone else's)."""
    with transaction.atomic(durable=True):
        saved = SavedFilter.objects.select_for_update().get(company=company, user_id=user.pk, pk=pk)
        event_record(
            company=company,
            actor=user,
            action="search.filter_deleted",
            obj=saved,
            before={"name": saved.name, "query": saved.query},
            after=None,
        )
        saved.delete()
