"""Parsing one uploaded file (解析) and saving what it holds: the work of the background task.

The file (or its ZIP member) is parsed by the core; each invoice goes to the batch's company and
direction, or with tax-ID routing to the uploader's company named as its buyer (进项) or seller
(销项); the rest waits in the uploader's tray.  Saving goes through ``invoice_save_parsed``,
which merges the same invoice read from another format, so running it again changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import posixpath
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from fapiao import config
from fapiao.core.errors import FapiaoError
from fapiao.core.invoice import Direction as CoreDirection
from fapiao.core.invoice import Invoice
from fapiao.core.parsing.api import parse_bytes
from fapiao.core.parsing.base import FileFormat, ParseOptions
from fapiao.core.rules.base import RuleContext, validate
from fapiao.core.schema import invoice_to_dict
from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record
from fapiao.web.faults import checkpoint
from fapiao.web.intake.archives import read_member
from fapiao.web.intake.ledger import ledger_invoices
from fapiao.web.intake.models import (
    BatchKind,
    DirectionChoice,
    IntakeBatch,
    IntakeItem,
    ItemStatus,
    Routing,
    UnassignedInvoice,
)
from fapiao.web.intake.services import writable_companies
from fapiao.web.invoices.models import Direction
from fapiao.web.invoices.originals import original_bytes, original_open
from fapiao.web.invoices.services import invoice_save_parsed, stored_file_create

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class _Outcome:
    status: ItemStatus = ItemStatus.DONE
    file_format: str = ""
    created: int = 0
    merged: int = 0
    unassigned: int = 0
    errors: list[dict[str, str]] = dataclasses.field(default_factory=list)
    results: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def _error(code: str, message: str, message_en: str) -> dict[str, str]:
    return {"code": code, "message": message, "message_en": message_en}


def _route(
    invoice: Invoice, batch: IntakeBatch, companies: Mapping[str, Company]
) -> tuple[Company, Direction] | None:
    """Where an invoice goes: the batch's company and chosen direction, or by its tax IDs."""
    if batch.routing == Routing.COMPANY and batch.direction != DirectionChoice.AUTO:
        return batch.company, Direction(batch.direction)
    buyer = (invoice.buyer.tax_id or "").upper()
    seller = (invoice.seller.tax_id or "").upper()
    if buyer and buyer in companies:
        return companies[buyer], Direction.PURCHASE
    if seller and seller in companies:
        return companies[seller], Direction.SALES
    return None


def _targets(batch: IntakeBatch) -> dict[str, Company]:
    if batch.routing == Routing.TAX_ID and batch.created_by is not None:
        companies = writable_companies(user=batch.created_by)
    else:
        companies = [batch.company]
    return {c.tax_id.upper(): c for c in companies}


def _save(
    *,
    item: IntakeItem,
    outcome: _Outcome,
    invoice: Invoice,
    member: str | None,
    index: int,
    file_format: str | None,
    companies: Mapping[str, Company],
    content: bytes | None,
) -> None:
    """Save one parsed invoice where it belongs, or put it in the uploader's tray."""
    batch = item.batch
    target = _route(invoice, batch, companies)
    if target is None:
        if batch.created_by is None:  # nobody's tray to wait in: say so rather than drop it
            outcome.errors.append(
                _error(
                    "intake.unroutable",
                    f"发票 {invoice.number or '（无号码）'} 不属于任何公司，且上传人已不存在",
                    f"Invoice {invoice.number or '(no number)'} matches no company and its "
                    "uploader no longer exists",
                )
            )
            return
        _, new = UnassignedInvoice.objects.get_or_create(
            batch=batch,
            stored_file=item.stored_file,
            member=member or "",
            invoice_index=index,
            defaults={
                "uploaded_by": batch.created_by,
                "file_format": file_format or "",
                "invoice": invoice_to_dict(invoice),
            },
        )
        outcome.unassigned += 1
        outcome.results.append({"unassigned": True, "member": member or "", "new": new})
        return
    company, direction = target
    core_direction = CoreDirection(direction.value)
    invoice = validate(
        dataclasses.replace(invoice, direction=core_direction),
        RuleContext(company_tax_id=company.tax_id),
    )
    stored_file = item.stored_file
    if company.pk != stored_file.company_id:
        stored_file, _ = stored_file_create(
            company=company,
            content=content if content is not None else original_bytes(stored_file),
            original_name=stored_file.original_name,
            content_type=stored_file.content_type,
            actor=batch.created_by,
        )
    record, created = invoice_save_parsed(
        company=company,
        direction=direction,
        invoice=invoice,
        actor=batch.created_by,
        stored_file=stored_file,
        member=member,
        file_format=file_format,
    )
    if created:
        outcome.created += 1
    else:
        outcome.merged += 1
    outcome.results.append(
        {"company": company.pk, "invoice": record.pk, "created": created, "member": member or ""}
    )


def _member_path(item: IntakeItem, inner: str | None) -> str | None:
    """Where an invoice sits: the item's ZIP member, and the parser's path inside it."""
    if not item.member:
        return inner
    return f"{item.member}/{inner}" if inner else item.member


def _parse_files(item: IntakeItem, outcome: _Outcome, companies: Mapping[str, Company]) -> None:
    if item.member:
        with original_open(item.stored_file) as handle:
            content, whole = read_member(handle, item.member), None
        filename = posixpath.basename(item.member)
    else:
        content = whole = original_bytes(item.stored_file)
        filename = item.name
    own = item.batch.company.tax_id if item.batch.routing == Routing.COMPANY else None
    result = parse_bytes(
        content, filename=filename or None, options=ParseOptions(company_tax_id=own)
    )
    checkpoint("parsed")
    outcome.file_format = result.format.value
    outcome.errors.extend(error.as_dict() for error in result.errors)
    file_format = None if result.format is FileFormat.ZIP else result.format.value
    for index, parsed in enumerate(result.invoices):
        if index:
            checkpoint("mid_save")
        _save(
            item=item,
            outcome=outcome,
            invoice=parsed.invoice,
            member=_member_path(item, parsed.member),
            index=index,
            file_format=file_format,
            companies=companies,
            content=whole,
        )
    if not result.invoices:
        outcome.status = ItemStatus.FAILED
        if not outcome.errors:
            outcome.errors.append(
                _error("intake.no_invoice", "文件中没有找到发票", "No invoice found in the file")
            )


def _parse_ledger(item: IntakeItem, outcome: _Outcome, companies: Mapping[str, Company]) -> None:
    content = original_bytes(item.stored_file)
    table, invoices = ledger_invoices(content, filename=item.name)
    outcome.file_format = table.format.value
    IntakeItem.objects.filter(pk=item.pk).update(rows_total=len(invoices))
    for done, (row, invoice) in enumerate(invoices, start=1):
        if done > 1:
            checkpoint("mid_save")
        _save(
            item=item,
            outcome=outcome,
            invoice=invoice,
            member=f"row {row}",
            index=0,
            file_format=table.format.value,
            companies=companies,
            content=content,
        )
        if done % 50 == 0 or done == len(invoices):
            IntakeItem.objects.filter(pk=item.pk).update(
                rows_done=done,
                invoices_created=outcome.created,
                invoices_merged=outcome.merged,
            )


def parse_lease() -> dt.timedelta:
    """How long a worker's claim on a parsing item holds (``FAPIAO_INTAKE_LEASE_SECONDS``)."""
    return dt.timedelta(seconds=config.int_setting("FAPIAO_INTAKE_LEASE_SECONDS", 300))


def intake_item_process(*, item_id: int) -> IntakeItem:
    """Parse one uploaded file and save what it holds; a finished item is left as it is.

    A worker that died leaves the item parsing (its task claimed for ever): once the lease has run
    out :func:`fapiao.web.intake.recovery.intake_recover` enqueues it again and this parses it
    again, merging into what the dead run saved.
    """
    with transaction.atomic(durable=True):
        item = (
            IntakeItem.objects.select_for_update(of=("self",))
            .select_related("batch__company", "batch__created_by", "stored_file")
            .get(pk=item_id)
        )
        if item.is_finished:
            return item
        item.status = ItemStatus.PARSING
        item.started_at = timezone.now()
        item.save(update_fields=["status", "started_at"])
    outcome = _Outcome()
    companies = _targets(item.batch)
    try:
        if item.batch.kind == BatchKind.LEDGER:
            _parse_ledger(item, outcome, companies)
        else:
            _parse_files(item, outcome, companies)
    except FapiaoError as exc:
        outcome.status = ItemStatus.FAILED
        outcome.errors.append(exc.as_dict())
    except Exception as exc:  # a bug must not leave the item parsing forever
        logger.exception("intake item %s failed", item_id)
        outcome.status = ItemStatus.FAILED
        outcome.errors.append(
            _error(
                "intake.internal_error",
                f"处理文件时出错：{type(exc).__name__}",
                f"Processing the file failed: {type(exc).__name__}",
            )
        )
    checkpoint("saved")
    with transaction.atomic(durable=True):
        item = (
            IntakeItem.objects.select_for_update(of=("self",))
            .select_related("batch")
            .get(pk=item_id)
        )
        item.status = outcome.status
        item.file_format = outcome.file_format
        item.invoices_created = outcome.created
        item.invoices_merged = outcome.merged
        item.invoices_unassigned = outcome.unassigned
        item.errors = outcome.errors
        item.results = outcome.results
        item.finished_at = timezone.now()
        if item.rows_total:
            item.rows_done = item.rows_total
        item.save()
        event_record(
            company=item.batch.company,
            actor=None,
            action="intake.item_parsed",
            obj=item,
            before={"status": ItemStatus.PARSING.value},
            after={
                "status": item.status,
                "created": outcome.created,
                "merged": outcome.merged,
                "unassigned": outcome.unassigned,
                "errors": [e["code"] for e in outcome.errors],
            },
        )
    return item
