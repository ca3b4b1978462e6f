"""演示数据批量写入 (the demo's bulk writer): many invoices per transaction, nothing left out.

Each batch of :data:`BATCH` invoices is one transaction (company row locked first): every
original is sealed and written like an upload (``write_once``: encrypted under the company's data
key, fsync'd), parsed back and checked by the core rules, saved as a record with its lines and
source, then taken through its story (:mod:`.story`: 红冲, 审核, 抵扣, 入账).  The events are the
ones the services write (``file.stored``, ``invoice.created`` with sealed values, the status
changes), appended to the company's chain with one lock.  A batch either lands whole or not at all,
so a run that stops halfway resumes where it stopped.  The search index catches up afterwards
from the events (:func:`~fapiao.web.search.services.search_index_catch_up`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from fapiao.core.invoice import Direction as CoreDirection
from fapiao.core.invoice import Invoice
from fapiao.core.parsing.api import parse_bytes
from fapiao.core.rules.base import RuleContext, validate
from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company
from fapiao.web.demo.documents import invoice_file
from fapiao.web.demo.generator import DemoInvoice
from fapiao.web.demo.story import STATUS_FIELDS, Story, story_apply, story_reverse
from fapiao.web.events.bulk import EventEntry, event_record_many
from fapiao.web.invoices.conversion import identity_key
from fapiao.web.invoices.merging import record_create, record_snapshot
from fapiao.web.invoices.models import (
    FileFormat,
    InvoiceRecord,
    InvoiceSource,
    StoredFile,
    TaxStatus,
)
from fapiao.web.invoices.sensitive import SEALED_COLUMNS
from fapiao.web.invoices.storage import files_root, relative_path, write_once

BATCH = 250
"""Invoices per transaction."""
CONTENT_TYPE = "application/xml"


def entering_user(invoice: DemoInvoice, actors: dict[str, Any], seed: int) -> Any:
    """Who entered the invoice: mostly the clerk, a quarter the agency user (deterministic)."""
    pick = random.Random(f"{seed}:{invoice.key}:entered").random()  # noqa: S311 (seeded demo data, not secrets)
    return actors["agency" if pick < 0.25 else "clerk"]


def _reading(invoice: DemoInvoice, content: bytes, context: RuleContext) -> Invoice:
    """The invoice as the parser reads its file, checked by the core rules."""
    parsed = parse_bytes(content, filename=invoice.filename).invoices[0].invoice
    return validate(
        dataclasses.replace(parsed, direction=CoreDirection(invoice.direction)), context
    )


def _stored_files(
    company: Company, batch: list[tuple[DemoInvoice, bytes, Any]]
) -> tuple[dict[str, StoredFile], list[StoredFile]]:
    """Every file of the batch sealed on disk (or in S3) and as a row: (by sha256, the new)."""
    shas = [hashlib.sha256(content).hexdigest() for _, content, _ in batch]
    found = {f.sha256: f for f in StoredFile.objects.filter(company=company, sha256__in=shas)}
    new: list[StoredFile] = []
    for (invoice, content, actor), sha256 in zip(batch, shas, strict=True):
        if sha256 in found:
            continue
        relative = relative_path(company.pk, sha256)
        write_once(files_root() / relative, content)
        found[sha256] = StoredFile(
            company=company,
            sha256=sha256,
            size=len(content),
            original_name=invoice.filename,
            content_type=CONTENT_TYPE,
            path=relative,
            uploaded_by_id=actor.pk,
        )
        new.append(found[sha256])
    StoredFile.objects.bulk_create(new)
    return found, new


def _import_batch(
    company: Company, invoices: list[DemoInvoice], story: Story, context: RuleContext
) -> int:
    batch = [
        (inv, invoice_file(inv), entering_user(inv, story.actors, story.seed)) for inv in invoices
    ]
    with transaction.atomic(durable=True):
        company_lock(company.pk)
        files, new_files = _stored_files(company, batch)
        new_shas = {f.sha256 for f in new_files}
        events: list[EventEntry] = []
        sources: list[InvoiceSource] = []
        for invoice, content, actor in batch:
            stored = files[hashlib.sha256(content).hexdigest()]
            if stored.sha256 in new_shas:
                after = {"sha256": stored.sha256, "size": stored.size}
                after["original_name"] = stored.original_name
                events.append(EventEntry(actor, "file.stored", stored, None, after))
            reading = _reading(invoice, content, context)
            record = record_create(
                company=company,
                direction=invoice.direction,  # type: ignore[arg-type]
                key=identity_key(reading),
                invoice=reading,
                actor=actor,
            )
            sources.append(
                InvoiceSource(invoice=record, stored_file=stored, member="", format=FileFormat.XML)
            )
            after = {**record_snapshot(record), "source": {"file": stored.sha256, "member": ""}}
            events.append(
                EventEntry(actor, "invoice.created", record, None, after, seal=SEALED_COLUMNS)
            )
            names = [line.name or "" for line in reading.lines]
            story_events = story_apply(record, names, story)
            if story_events:
                events += story_events
                record.save(update_fields=STATUS_FIELDS)  # one plain UPDATE
        InvoiceSource.objects.bulk_create(sources)
        for blue in _reverse(company, invoices, story, events):
            blue.save(update_fields=["tax_status", "updated_at"])
        event_record_many(company=company, entries=events)
    return len(batch)


def _reverse(
    company: Company, invoices: list[DemoInvoice], story: Story, events: list[EventEntry]
) -> list[InvoiceRecord]:
    """The blue invoices (of this batch or an earlier one) reversed in full (红冲全额) by a red
    invoice of this batch; their events are appended."""
    blues = {inv.original_number for inv in invoices if inv.is_red}
    found = []
    for record in InvoiceRecord.objects.select_for_update().filter(
        company=company, identity_key__in=blues, tax_status=TaxStatus.NORMAL
    ):
        reversal = story_reverse(record, story)
        if reversal:
            events += reversal
            found.append(record)
    return found


def demo_import(
    *,
    company: Company,
    invoices: list[DemoInvoice],
    story: Story,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[int, int]:
    """Write the invoices the company does not have yet; (created, already there)."""
    have = set(
        InvoiceRecord.objects.filter(company=company).values_list("direction", "identity_key")
    )
    todo = [inv for inv in invoices if (inv.direction, inv.key) not in have]
    context = RuleContext(company_tax_id=company.tax_id)
    created = 0
    if progress is not None:
        progress("import", 0, len(todo))
    for start in range(0, len(todo), BATCH):
        created += _import_batch(company, todo[start : start + BATCH], story, context)
        if progress is not None:
            progress("import", created, len(todo))
    return created, len(invoices) - len(todo)
