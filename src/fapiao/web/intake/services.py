"""Writes for intake (收票): upload a batch, start a ledger import, assign a tray invoice.

An upload stores every file untouched (``stored_file_create``), creates the batch and one item per
file (per member of a ZIP), and enqueues one parse task per item after commit; the task's work is
``intake_item_process`` in :mod:`fapiao.web.intake.services_parse`.  Tray invoices (待分配) are
assigned here, to one of the uploader's companies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import logging
from collections.abc import Iterator, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import OperationalError, transaction
from django.utils import timezone

from fapiao.core.invoice import Direction as CoreDirection
from fapiao.core.rules.base import RuleContext, validate
from fapiao.core.schema import invoice_from_dict
from fapiao.web.companies.models import Company, Membership, Role
from fapiao.web.events.services import event_record
from fapiao.web.faults import checkpoint
from fapiao.web.intake.archives import zip_members
from fapiao.web.intake.limits import upload_refusal
from fapiao.web.intake.models import (
    BatchKind,
    DirectionChoice,
    IntakeBatch,
    IntakeItem,
    Routing,
    UnassignedInvoice,
)
from fapiao.web.invoices.models import Direction, InvoiceRecord, StoredFile
from fapiao.web.invoices.originals import original_bytes
from fapiao.web.invoices.services import invoice_save_parsed, stored_file_create

logger = logging.getLogger(__name__)

WRITER_ROLES = (Role.ADMIN, Role.CLERK)
"""Roles that may bring invoices into a company (录入)."""


@dataclasses.dataclass(frozen=True, slots=True)
class UploadFile:
    """One uploaded file: its name as the user's machine gave it, and its bytes."""

    name: str
    content: bytes
    content_type: str = ""


class IntakeError(ValueError):
    """An intake request that cannot be carried out, with Chinese and English messages."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        self.code, self.message, self.message_en = code, message, message_en
        super().__init__(f"{message} / {message_en}")


def writable_companies(*, user: AbstractBaseUser) -> list[Company]:
    """The companies where the user may enter invoices (管理员 or 录入员)."""
    return list(
        Company.objects.filter(
            memberships__user_id=user.pk, memberships__role__in=WRITER_ROLES
        ).order_by("name", "id")
    )


def _enqueue(item_id: int) -> None:
    from fapiao.web.intake.tasks import parse_intake_item

    checkpoint("before_enqueue")
    parse_intake_item.enqueue(item_id)


def intake_upload(
    *,
    company: Company,
    actor: AbstractBaseUser,
    files: Sequence[UploadFile],
    direction: DirectionChoice | str,
    routing: Routing | str = Routing.COMPANY,
    kind: BatchKind | str = BatchKind.FILES,
    limits: bool = True,
) -> IntakeBatch:
    """Store each file untouched, create the batch and its items, parse each after commit.

    Refused as a whole (IntakeError, nothing stored) when it breaks an upload limit: too many
    files, a file too large, or a file whose content is not an allowed type
    (:mod:`fapiao.web.intake.limits`).  ``limits=False`` is for the operator's own imports
    (``fapiao import``), where a stray file becomes a failed item in the summary instead.
    """
    if direction not in DirectionChoice.values:
        choices = ", ".join(DirectionChoice.values)
        raise IntakeError(
            "intake.bad_direction",
            f"方向 {direction!r} 不正确（可选：{choices}）",
            f"Direction {direction!r} is not valid (one of: {choices})",
        )
    direction, routing, kind = DirectionChoice(direction), Routing(routing), BatchKind(kind)
    if not files:
        raise IntakeError("intake.no_files", "没有选择文件", "No files were chosen")
    refusal = upload_refusal([(f.name, f.content) for f in files]) if limits else None
    if refusal is not None:
        raise IntakeError(refusal.code, refusal.message, refusal.message_en)
    if kind is BatchKind.LEDGER and direction is DirectionChoice.AUTO:
        raise IntakeError(
            "intake.ledger_direction", "台账导入须选择进项或销项", "Choose purchase or sales"
        )
    stored: list[tuple[UploadFile, StoredFile]] = []
    for upload in files:  # each is its own durable write, content-addressed: a retry is harmless
        with _storage_full_refused():
            stored_file, _ = stored_file_create(
                company=company,
                content=upload.content,
                original_name=upload.name,
                content_type=upload.content_type,
                actor=actor,
            )
        stored.append((upload, stored_file))
    entries: list[tuple[str, StoredFile, str]] = []
    for upload, stored_file in stored:
        members = zip_members(upload.content) if kind is BatchKind.FILES else None
        if members:
            entries.extend((f"{upload.name}/{m}", stored_file, m) for m in members)
        else:
            entries.append((upload.name, stored_file, ""))
    with _storage_full_refused():
        return _batch_create(
            company=company,
            actor=actor,
            stored=entries,
            kind=kind,
            direction=direction,
            routing=routing,
        )


@contextlib.contextmanager
def _storage_full_refused() -> Iterator[None]:
    """A full disk or database becomes a clear refusal; what was accepted before stays."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        logger.error("storage full while storing an upload: %s", exc)
        raise IntakeError(
            "intake.storage_full",
            "存储空间已满，本次上传未保存；已上传的文件不受影响。请联系管理员扩容后重新上传",
            "Storage is full: this upload was not saved (earlier uploads are safe). "
            "Ask the administrator to free space, then upload again",
        ) from exc
    except OperationalError as exc:
        if "full" not in str(exc).lower():
            raise
        logger.error("database full while storing an upload: %s", exc)
        raise IntakeError(
            "intake.database_full",
            "数据库空间已满，本次上传未保存；已上传的文件不受影响。请联系管理员",
            "The database is full: this upload was not saved (earlier uploads are safe). "
            "Ask the administrator",
        ) from exc


def _batch_create(
    *,
    company: Company,
    actor: AbstractBaseUser,
    stored: Sequence[tuple[str, StoredFile, str]],
    kind: BatchKind,
    direction: DirectionChoice,
    routing: Routing,
) -> IntakeBatch:
    with transaction.atomic(durable=True):
        batch = IntakeBatch.objects.create(
            company=company,
            kind=kind,
            direction=direction,
            routing=routing,
            created_by_id=actor.pk,
        )
        IntakeItem.objects.bulk_create(
            IntakeItem(batch=batch, stored_file=sf, name=name[-255:], member=member)
            for name, sf, member in stored
        )
        event_record(
            company=company,
            actor=actor,
            action="intake.uploaded",
            obj=batch,
            before=None,
            after={
                "kind": kind.value,
                "direction": direction.value,
                "routing": routing.value,
                "files": [{"name": name, "sha256": sf.sha256} for name, sf, _ in stored],
            },
        )
        ids = list(
            IntakeItem.objects.filter(batch=batch).order_by("id").values_list("pk", flat=True)
        )
        for item_id in ids:
            transaction.on_commit(functools.partial(_enqueue, item_id))
    return batch


def ledger_import_start(
    *,
    company: Company,
    actor: AbstractBaseUser,
    stored_file: StoredFile,
    direction: Direction | str,
) -> IntakeBatch:
    """Import a ledger already stored and previewed: one batch, its rows saved in the background."""
    if stored_file.company_id != company.pk:
        raise IntakeError(
            "intake.foreign_file", "文件属于另一家公司", "The file belongs to another company"
        )
    return _batch_create(
        company=company,
        actor=actor,
        stored=[(stored_file.original_name, stored_file, "")],
        kind=BatchKind.LEDGER,
        direction=DirectionChoice(Direction(direction).value),
        routing=Routing.COMPANY,
    )


def unassigned_assign(
    *,
    entry: UnassignedInvoice,
    company: Company,
    direction: Direction | str,
    actor: AbstractBaseUser,
) -> InvoiceRecord:
    """Put a tray invoice into one of the uploader's companies, then mark it assigned."""
    direction = Direction(direction)
    if entry.uploaded_by_id != actor.pk:
        raise IntakeError(
            "intake.not_yours", "这张发票不在您的待分配列表中", "This invoice is not in your tray"
        )
    if not Membership.objects.filter(
        user_id=actor.pk, company=company, role__in=WRITER_ROLES
    ).exists():
        raise IntakeError(
            "intake.no_permission",
            f"您不能向“{company.name}”录入发票",
            f"You may not enter invoices into {company.name}",
        )
    if entry.assigned_at is not None and entry.assigned_record_id is not None:
        raise IntakeError("intake.already_assigned", "这张发票已分配", "Already assigned")
    invoice = validate(
        dataclasses.replace(
            invoice_from_dict(entry.invoice), direction=CoreDirection(direction.value)
        ),
        RuleContext(company_tax_id=company.tax_id),
    )
    source = entry.stored_file
    stored_file, _ = stored_file_create(
        company=company,
        content=original_bytes(source),
        original_name=source.original_name,
        content_type=source.content_type,
        actor=actor,
    )
    record, _ = invoice_save_parsed(
        company=company,
        direction=direction,
        invoice=invoice,
        actor=actor,
        stored_file=stored_file,
        member=entry.member or None,
        file_format=entry.file_format or None,
    )
    with transaction.atomic(durable=True):
        locked = UnassignedInvoice.objects.select_for_update().get(pk=entry.pk)
        locked.assigned_record = record
        locked.assigned_at = timezone.now()
        locked.save(update_fields=["assigned_record", "assigned_at"])
        event_record(
            company=company,
            actor=actor,
            action="intake.unassigned_assigned",
            obj=record,
            before={"unassigned": entry.pk},
            after={"company": company.pk, "direction": direction.value, "invoice": record.pk},
        )
    entry.assigned_record, entry.assigned_at = record, locked.assigned_at
    return record
