"""Writes for invoices: store an original file, save a parsed invoice (create or merge), review.

Every write is the outermost transaction and records an event.  Saving the same reading twice
changes nothing; a reading from a more trustworthy source (``FieldSource.trust``) replaces the
fields it is better for, never the other way round.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import PurePosixPath

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from fapiao.core.invoice import Invoice
from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record
from fapiao.web.faults import checkpoint
from fapiao.web.invoices.conversion import identity_key, invoice_to_core
from fapiao.web.invoices.merging import record_create, record_merge, record_snapshot
from fapiao.web.invoices.models import (
    Direction,
    FileFormat,
    InvoiceRecord,
    InvoiceSource,
    ReviewStatus,
    StoredFile,
)
from fapiao.web.invoices.sensitive import SEALED_COLUMNS
from fapiao.web.invoices.storage import files_root, relative_path, write_once
from fapiao.web.search.tasks import search_index_catch_up_task

__all__ = [
    "invoice_save_parsed",
    "invoice_to_core",
    "stored_file_create",
]

_SUFFIX_FORMATS = {
    ".xml": FileFormat.XML,
    ".ofd": FileFormat.OFD,
    ".pdf": FileFormat.PDF,
    ".zip": FileFormat.ZIP,
    ".xlsx": FileFormat.XLSX,
    ".xls": FileFormat.XLS,
    ".csv": FileFormat.CSV,
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"), FileFormat.IMAGE),
}


def stored_file_create(
    *,
    company: Company,
    content: bytes,
    original_name: str = "",
    content_type: str = "",
    actor: AbstractBaseUser | None = None,
) -> tuple[StoredFile, bool]:
    """Keep an original file once per company (by SHA-256); True when it was new."""
    sha256 = hashlib.sha256(content).hexdigest()
    relative = relative_path(company.pk, sha256)
    with transaction.atomic(durable=True):
        existing = StoredFile.objects.filter(company=company, sha256=sha256).first()
        if existing is not None:
            return existing, False
        write_once(files_root() / relative, content)
        checkpoint("file_stored")
        try:
            with transaction.atomic():  # the same file uploaded at the same moment elsewhere
                stored = StoredFile.objects.create(
                    company=company,
                    sha256=sha256,
                    size=len(content),
                    original_name=PurePosixPath(original_name.replace("\\", "/")).name[:255],
                    content_type=content_type[:127],
                    path=relative,
                    uploaded_by_id=actor.pk
                    if actor is not None and actor.is_authenticated
                    else None,
                )
        except IntegrityError:
            return StoredFile.objects.get(company=company, sha256=sha256), False
        event_record(
            company=company,
            actor=actor,
            action="file.stored",
            obj=stored,
            before=None,
            after={"sha256": sha256, "size": len(content), "original_name": stored.original_name},
        )
    return stored, True


def _guess_format(name: str) -> str:
    return _SUFFIX_FORMATS.get(PurePosixPath(name.lower()).suffix, FileFormat.UNKNOWN)


def invoice_save_parsed(
    *,
    company: Company,
    direction: Direction | str,
    invoice: Invoice,
    actor: AbstractBaseUser | None,
    stored_file: StoredFile | None = None,
    member: str | None = None,
    file_format: FileFormat | str | None = None,
) -> tuple[InvoiceRecord, bool]:
    """Save a parsed invoice: merge into the company's record of the same identity, else create.

    An invoice without an identity (no number read) merges only into the record read earlier
    from the same file and member, so importing a file twice yields the same records.
    """
    direction = Direction(direction)
    key = identity_key(invoice)
    member = member or ""
    if stored_file is not None and stored_file.company_id != company.pk:
        raise ValueError("原始文件属于另一家公司 / the stored file belongs to another company")
    with transaction.atomic(durable=True):
        # One writer per company at a time: identity lookups and event numbers stay consistent.
        company_lock(company.pk)
        records = InvoiceRecord.objects.select_for_update().filter(
            company=company, direction=direction
        )
        if key is not None:
            existing = records.filter(identity_key=key).first()
        elif stored_file is not None:
            existing = records.filter(
                identity_key__isnull=True,
                sources__stored_file=stored_file,
                sources__member=member,
            ).first()
        else:
            existing = None
        if existing is None:
            record = record_create(
                company=company, direction=direction, key=key, invoice=invoice, actor=actor
            )
            created = True
        else:
            record, created = existing, False
        source_added = False
        if stored_file is not None:
            _, source_added = InvoiceSource.objects.get_or_create(
                invoice=record,
                stored_file=stored_file,
                member=member,
                defaults={
                    "format": file_format or _guess_format(member or stored_file.original_name)
                },
            )
        source = {"file": stored_file.sha256, "member": member} if stored_file is not None else None
        if created:
            event_record(
                company=company,
                actor=actor,
                action="invoice.created",
                obj=record,
                before=None,
                after={**record_snapshot(record), "source": source},
                seal=SEALED_COLUMNS,
            )
        else:
            before, after = record_merge(record, invoice)
            if before and record.review_status == ReviewStatus.APPROVED:
                # What a reviewer approved has changed: it goes back to be reviewed again.
                record.review_status = ReviewStatus.PENDING
                record.save(update_fields=["review_status", "updated_at"])
                before["review_status"] = ReviewStatus.APPROVED.value
                after["review_status"] = ReviewStatus.PENDING.value
            if before or after or source_added:
                event_record(
                    company=company,
                    actor=actor,
                    action="invoice.merged",
                    obj=record,
                    before=before,
                    after={**after, "source": source},
                    seal=SEALED_COLUMNS,
                )
        transaction.on_commit(partial(search_index_catch_up_task.enqueue, company.pk))
    return record, created
