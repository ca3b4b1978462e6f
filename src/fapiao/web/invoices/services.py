"""Writes for invoices: store an original file, save a parsed invoice (create or merge), review.

Every write is the outermost transaction and records an event.  Saving the same reading twice
changes nothing; a reading from a more trustworthy source (``FieldSource.trust``) replaces the
fields it is better for, never the other way round.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fapiao.core import findings as core_findings
from fapiao.core.invoice import FieldInfo, Invoice
from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record, json_value
from fapiao.web.invoices.conversion import (
    SCALAR_FIELDS,
    column_name,
    core_value,
    fields_from_json,
    fields_to_json,
    findings_to_json,
    identity_key,
    invoice_to_core,
    line_to_record,
    same_value,
    to_column,
)
from fapiao.web.invoices.models import (
    Direction,
    FileFormat,
    InvoiceLineRecord,
    InvoiceRecord,
    InvoiceSource,
    ReviewStatus,
    StoredFile,
)

__all__ = [
    "invoice_review_transition",
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

REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.DRAFT: frozenset({ReviewStatus.PENDING}),
    ReviewStatus.PENDING: frozenset({ReviewStatus.APPROVED, ReviewStatus.RETURNED}),
    ReviewStatus.RETURNED: frozenset({ReviewStatus.PENDING, ReviewStatus.DRAFT}),
    ReviewStatus.APPROVED: frozenset({ReviewStatus.PENDING}),
}
"""审核 transitions: approved invoices are reopened by sending them back to pending."""


class InvalidTransitionError(ValueError):
    """A status change that the workflow does not allow."""

    code = "invoice.invalid_transition"

    def __init__(self, current: str, target: str) -> None:
        current_status, target_status = ReviewStatus(current), ReviewStatus(target)
        self.message = f"审核状态不能从“{current_status.label}”变为“{target_status.label}”"
        self.message_en = (
            f"Review status cannot change from {current_status.value} to {target_status.value}"
        )
        super().__init__(f"{self.message} / {self.message_en}")


def files_root() -> Path:
    """Where originals live: ``FAPIAO_DATA_DIR/files``."""
    return Path(settings.MEDIA_ROOT)


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
    relative = f"{company.pk}/{sha256[:2]}/{sha256}"
    with transaction.atomic(durable=True):
        existing = StoredFile.objects.filter(company=company, sha256=sha256).first()
        if existing is not None:
            return existing, False
        _write_once(files_root() / relative, content)
        stored = StoredFile.objects.create(
            company=company,
            sha256=sha256,
            size=len(content),
            original_name=PurePosixPath(original_name.replace("\\", "/")).name[:255],
            content_type=content_type[:127],
            path=relative,
            uploaded_by=_user(actor),
        )
        event_record(
            company=company,
            actor=actor,
            action="file.stored",
            obj=stored,
            before=None,
            after={"sha256": sha256, "size": len(content), "original_name": stored.original_name},
        )
    return stored, True


def _write_once(target: Path, content: bytes) -> None:
    """Write a content-addressed file atomically (a leftover after a rollback is harmless)."""
    if target.exists() and target.stat().st_size == len(content):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _user(actor: AbstractBaseUser | None) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _rank(info: FieldInfo | None) -> tuple[int, float]:
    return (info.source.trust, info.confidence) if info is not None else (0, 0.0)


def _stored_rank(item: Any) -> tuple[int, float]:
    return _rank(fields_from_json({"_": item}).get("_")) if item else (0, 0.0)


def _is_empty(path: str, value: Any, info: object) -> bool:
    if value is None or value == "":
        return True
    if path == "kind":
        return bool(value == "other")
    if path == "is_red":
        return value is False and info is None
    return False


def _lines_info(invoice: Invoice) -> FieldInfo | None:
    """Provenance of the lines: their own entry, else the best source of the reading."""
    if "lines" in invoice.fields:
        return invoice.fields["lines"]
    return max(invoice.fields.values(), key=_rank, default=None)


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
        raise ValueError("stored file belongs to another company")
    with transaction.atomic(durable=True):
        # One writer per company at a time: identity lookups and event numbers stay consistent.
        list(Company.objects.select_for_update().filter(pk=company.pk).values_list("pk"))
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
            record = _create(
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
                after={**_snapshot(record), "source": source},
            )
        else:
            before, after = _merge(record, invoice)
            if before or after or source_added:
                event_record(
                    company=company,
                    actor=actor,
                    action="invoice.merged",
                    obj=record,
                    before=before,
                    after={**after, "source": source},
                )
    return record, created


def _create(
    *,
    company: Company,
    direction: Direction,
    key: str | None,
    invoice: Invoice,
    actor: AbstractBaseUser | None,
) -> InvoiceRecord:
    values = {p: to_column(p, core_value(invoice, p)) for p in SCALAR_FIELDS}
    provenance = fields_to_json(invoice.fields)
    if invoice.lines and "lines" not in provenance:
        info = _lines_info(invoice)
        if info is not None:
            provenance["lines"] = fields_to_json({"lines": info})["lines"]
    findings = list(invoice.findings)
    settled = _settle_totals(values, provenance)
    if settled is not None:
        findings.append(settled)
    record = InvoiceRecord(
        company=company,
        direction=direction,
        identity_key=key,
        created_by=_user(actor),
        fields=provenance,
        findings=findings_to_json(findings),
        **{column_name(p): v for p, v in values.items()},
    )
    record.save()
    InvoiceLineRecord.objects.bulk_create(
        line_to_record(line, invoice=record, position=i)
        for i, line in enumerate(invoice.lines, start=1)
    )
    return record


def _snapshot(record: InvoiceRecord) -> dict[str, Any]:
    data = {
        column_name(p): json_value(getattr(record, column_name(p)))
        for p in SCALAR_FIELDS
        if getattr(record, column_name(p)) not in (None, "")
    }
    data["lines"] = record.lines.count()
    return data


_AMOUNT_LABELS = {"gross_amount": "价税合计", "tax_amount": "税额", "net_amount": "金额"}


def _settle_totals(
    values: dict[str, Any], provenance: dict[str, Any]
) -> core_findings.Finding | None:
    """Keep 价税合计 = 金额 + 税额 (a database constraint): clear the least trusted of the three.

    The cleared value stays in the finding (and in the event), for the reviewer to decide.
    """
    net, tax, gross = (values[p] for p in ("net_amount", "tax_amount", "gross_amount"))
    if net is None or tax is None or gross is None or net + tax == gross:
        return None
    weakest = min(_AMOUNT_LABELS, key=lambda p: _stored_rank(provenance.get(p)))  # ties: gross
    dropped, source = values[weakest], (provenance.pop(weakest, None) or {}).get("source")
    values[weakest] = None
    label = _AMOUNT_LABELS[weakest]
    return core_findings.warning(
        "invoice.amount_dropped",
        f"价税合计 {gross} 不等于金额 {net} 加税额 {tax}：已清空可信度最低的{label} {dropped}"
        f"（来源 {source or '未知'}），请核对",
        f"Gross {gross} is not net {net} plus tax {tax}: cleared the least trustworthy "
        f"{weakest} {dropped} (from {source or 'unknown'}); please check",
        field=weakest,
        values={"net_amount": net, "tax_amount": tax, "gross_amount": gross, "source": source},
    )


def _merge(record: InvoiceRecord, invoice: Invoice) -> tuple[dict[str, Any], dict[str, Any]]:
    """Take each field from the incoming reading where its source is better; return the changes."""
    provenance = dict(record.fields or {})
    original = {p: getattr(record, column_name(p)) for p in SCALAR_FIELDS}
    values = dict(original)
    new_findings = list(invoice.findings)
    for path in SCALAR_FIELDS:
        info = invoice.fields.get(path)
        incoming = to_column(path, core_value(invoice, path))
        if _is_empty(path, incoming, info):
            continue
        current, stored = values[path], provenance.get(path)
        if _is_empty(path, current, stored) or _rank(info) > _stored_rank(stored):
            values[path] = incoming
            if info is not None:
                provenance[path] = fields_to_json({path: info})[path]
            else:
                provenance.pop(path, None)
        elif not same_value(path, current, incoming):
            new_findings.append(_disagreement(path, current, incoming, stored, info))
    settled = _settle_totals(values, provenance)
    if settled is not None:
        new_findings.append(settled)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for path, value in values.items():
        if value != original[path]:
            column = column_name(path)
            before[column], after[column] = json_value(original[path]), json_value(value)
            setattr(record, column, value)
    lines_info = _lines_info(invoice)
    replace_lines = bool(invoice.lines) and (
        not record.lines.exists() or _rank(lines_info) > _stored_rank(provenance.get("lines"))
    )
    if replace_lines:
        old = record.lines.count()
        record.lines.all().delete()
        InvoiceLineRecord.objects.bulk_create(
            line_to_record(line, invoice=record, position=i)
            for i, line in enumerate(invoice.lines, start=1)
        )
        before["lines"], after["lines"] = old, len(invoice.lines)
        if lines_info is not None:
            provenance["lines"] = fields_to_json({"lines": lines_info})["lines"]
    findings = list(record.findings or [])
    seen = {(f.get("code"), f.get("field"), f.get("message")) for f in findings}
    for item in findings_to_json(new_findings):
        if (item["code"], item["field"], item["message"]) not in seen:
            seen.add((item["code"], item["field"], item["message"]))
            findings.append(item)
    if len(findings) != len(record.findings or []):
        after["findings_added"] = len(findings) - len(record.findings or [])
    if before or after or provenance != record.fields:
        record.fields = provenance
        record.findings = findings
        record.save()
    return before, after


def _disagreement(
    path: str, kept: Any, other: Any, kept_info: Any, other_info: FieldInfo | None
) -> core_findings.Finding:
    kept_source = (kept_info or {}).get("source", "unknown")
    other_source = other_info.source.value if other_info is not None else "unknown"
    return core_findings.warning(
        "merge.disagreement",
        f"{path} 不一致：保留 {kept}（来源 {kept_source}），另一来源 {other_source} 为 {other}",
        f"{path} disagrees: kept {kept} (from {kept_source}); {other_source} says {other}",
        field=path,
        values={
            "kept": kept,
            "other": other,
            "kept_source": kept_source,
            "other_source": other_source,
        },
    )


def invoice_review_transition(
    *,
    record: InvoiceRecord,
    to: ReviewStatus | str,
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> InvoiceRecord:
    """Move an invoice through review (审核), checking the transition and recording an event."""
    target = ReviewStatus(to)
    with transaction.atomic(durable=True):
        locked = InvoiceRecord.objects.select_for_update().get(pk=record.pk)
        current = locked.review_status
        if target not in REVIEW_TRANSITIONS[current]:
            raise InvalidTransitionError(current, target)
        locked.review_status = target
        locked.save(update_fields=["review_status", "updated_at"])
        event_record(
            company=locked.company,
            actor=actor,
            action="invoice.status_changed",
            obj=locked,
            before={"review_status": current},
            after={"review_status": target.value},
            ip=ip,
        )
    record.review_status = locked.review_status
    record.updated_at = locked.updated_at
    return record
