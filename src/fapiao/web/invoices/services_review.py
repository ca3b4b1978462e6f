"""Dual review (录入 → 审核): submit, correct, return, approve, bulk approve.

The four-eyes rule lives here, in the service, so every path (page, API, bulk action, command
line) obeys it: nobody approves an invoice they entered or changed (:func:`invoice_approve` reads
the event history).  Error findings block approval unless the reviewer writes an override reason.
A correction (更正) records ``manual`` provenance for the fields it changes and re-runs the core
rules on the corrected invoice.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from fapiao.core.errors import FapiaoError
from fapiao.core.invoice import FieldSource, InvoiceKind
from fapiao.core.rules.base import RuleContext, check
from fapiao.web.companies.models import Company, Role
from fapiao.web.events.services import event_record, json_value
from fapiao.web.invoices.conversion import (
    SCALAR_FIELDS,
    TEXT_FIELDS,
    column_name,
    findings_to_json,
    identity_key,
    invoice_to_core,
    to_column,
)
from fapiao.web.invoices.locks import invoice_lock
from fapiao.web.invoices.models import InvoiceRecord, ReviewStatus
from fapiao.web.invoices.selectors_review import error_findings, invoice_editor_ids
from fapiao.web.invoices.sensitive import SEALED_COLUMNS
from fapiao.web.invoices.workflow_errors import (
    BlockingFindingsError,
    FieldEditError,
    ReasonRequiredError,
    SelfApprovalError,
    StatusTransitionError,
    WorkflowError,
    require_member_role,
)
from fapiao.web.search.tasks import search_index_catch_up_task

REVIEWER_ROLES = (Role.ADMIN, Role.REVIEWER)
EDITOR_ROLES = (Role.ADMIN, Role.CLERK, Role.REVIEWER)
EDITABLE_FIELDS: tuple[str, ...] = SCALAR_FIELDS
"""Field paths a correction may change (lines are replaced only by a better reading)."""

_REVIEW_LABELS = {s.value: str(s.label) for s in ReviewStatus}


def _reindex(company_id: int) -> None:
    """After commit, let the search index catch up with the events just written."""
    transaction.on_commit(partial(search_index_catch_up_task.enqueue, company_id))


def _reason(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def _transition(locked: InvoiceRecord, allowed_from: Iterable[str], to: ReviewStatus) -> str:
    current = locked.review_status
    if current not in set(allowed_from):
        raise StatusTransitionError(
            f"审核状态不能从“{_REVIEW_LABELS[current]}”变为“{to.label}”",
            f"Review status cannot change from {current} to {to.value}",
            current=current,
            target=to.value,
        )
    return current


def _refresh(record: InvoiceRecord, locked: InvoiceRecord, names: Iterable[str]) -> InvoiceRecord:
    for name in (*names, "updated_at"):
        setattr(record, name, getattr(locked, name))
    return record


def invoice_submit(
    *, record: InvoiceRecord, actor: AbstractBaseUser | None, ip: str | None = None
) -> InvoiceRecord:
    """提交审核: a draft or returned invoice goes (back) to the review queue."""
    with transaction.atomic(durable=True):
        locked = invoice_lock(record)
        require_member_role(company=locked.company, actor=actor, roles=EDITOR_ROLES)
        current = _transition(
            locked, (ReviewStatus.DRAFT, ReviewStatus.RETURNED), ReviewStatus.PENDING
        )
        locked.review_status = ReviewStatus.PENDING
        locked.save(update_fields=["review_status", "updated_at"])
        _reindex(locked.company_id)
        event_record(
            company=locked.company,
            actor=actor,
            action="invoice.submitted",
            obj=locked,
            before={"review_status": current},
            after={"review_status": ReviewStatus.PENDING.value},
            ip=ip,
        )
    return _refresh(record, locked, ("review_status",))


def invoice_return(
    *,
    record: InvoiceRecord,
    actor: AbstractBaseUser | None,
    reason: str,
    ip: str | None = None,
) -> InvoiceRecord:
    """退回: a reviewer sends a pending invoice back to the clerk with a written reason."""
    text = _reason(reason)
    with transaction.atomic(durable=True):
        locked = invoice_lock(record)
        require_member_role(company=locked.company, actor=actor, roles=REVIEWER_ROLES)
        current = _transition(locked, (ReviewStatus.PENDING,), ReviewStatus.RETURNED)
        if not text:
            raise ReasonRequiredError("退回需要写明原因", "Returning an invoice needs a reason")
        locked.review_status = ReviewStatus.RETURNED
        locked.review_note = text
        locked.save(update_fields=["review_status", "review_note", "updated_at"])
        _reindex(locked.company_id)
        event_record(
            company=locked.company,
            actor=actor,
            action="invoice.returned",
            obj=locked,
            before={"review_status": current},
            after={"review_status": ReviewStatus.RETURNED.value, "reason": text},
            ip=ip,
        )
    return _refresh(record, locked, ("review_status", "review_note"))


def invoice_approve(
    *,
    record: InvoiceRecord,
    actor: AbstractBaseUser | None,
    override_reason: str | None = None,
    ip: str | None = None,
) -> InvoiceRecord:
    """审核通过: a reviewer who neither entered nor changed the invoice approves it.

    Refused (typed errors) when the actor is not a reviewer or admin, when they appear in the
    invoice's edit history (:func:`invoice_editor_ids`), when the invoice is not pending, and
    when it has error findings and no written override reason.
    """
    reason = _reason(override_reason)
    with transaction.atomic(durable=True):
        locked = invoice_lock(record)
        require_member_role(company=locked.company, actor=actor, roles=REVIEWER_ROLES)
        assert actor is not None  # checked by _require
        if int(actor.pk) in invoice_editor_ids(record=locked):
            raise SelfApprovalError(
                "不能审核自己录入或修改过的发票，请由另一位审核员审核",
                "You cannot approve an invoice you entered or changed; "
                "another reviewer must approve it",
                invoice=locked.pk,
            )
        current = _transition(locked, (ReviewStatus.PENDING,), ReviewStatus.APPROVED)
        errors = error_findings(locked.findings)
        if errors and not reason:
            codes = ", ".join(sorted({str(f.get("code")) for f in errors}))
            raise BlockingFindingsError(
                f"发票有 {len(errors)} 个错误（{codes}），需写明理由才能越过审核",
                f"The invoice has {len(errors)} error finding(s) ({codes}); "
                "approving it needs a written override reason",
                codes=codes,
            )
        locked.review_status = ReviewStatus.APPROVED
        locked.override_reason = reason if errors else ""
        locked.approved_by_id = actor.pk
        locked.approved_at = timezone.now()
        locked.review_note = ""
        names = ("review_status", "override_reason", "approved_by", "approved_at", "review_note")
        locked.save(update_fields=[*names, "updated_at"])
        after: dict[str, Any] = {"review_status": ReviewStatus.APPROVED.value}
        if errors:
            after["override_reason"] = reason
            after["overridden_findings"] = sorted({str(f.get("code")) for f in errors})
        _reindex(locked.company_id)
        event_record(
            company=locked.company,
            actor=actor,
            action="invoice.approved",
            obj=locked,
            before={"review_status": current},
            after=after,
            ip=ip,
        )
    return _refresh(record, locked, names)


@dataclass
class BulkApproval:
    """批量审核 result: the ids approved and, for each refusal, its id, code and messages."""

    approved: list[int] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)


def invoice_bulk_approve(
    *,
    company: Company,
    ids: Iterable[int],
    actor: AbstractBaseUser | None,
    override_reason: str | None = None,
    ip: str | None = None,
) -> BulkApproval:
    """Approve many invoices, each through :func:`invoice_approve`; refusals are reported."""
    result = BulkApproval()
    wanted = list(dict.fromkeys(int(i) for i in ids))
    records = {r.pk: r for r in InvoiceRecord.objects.filter(company=company, pk__in=wanted)}
    for pk in wanted:
        record = records.get(pk)
        if record is None:
            result.refused.append(
                {
                    "invoice": pk,
                    "code": "invoice.not_found",
                    "message": "找不到该发票",
                    "message_en": "No such invoice",
                }
            )
            continue
        try:
            invoice_approve(record=record, actor=actor, override_reason=override_reason, ip=ip)
        except WorkflowError as exc:
            result.refused.append(
                {
                    "invoice": pk,
                    "code": exc.code,
                    "message": exc.message,
                    "message_en": exc.message_en,
                }
            )
        else:
            result.approved.append(pk)
    return result


def _coerce(path: str, value: Any) -> Any:
    """A submitted value as the core type of the field (text from forms is accepted)."""
    if isinstance(value, str):  # text is kept as typed; numbers and dates may be full-width
        value = (
            value.strip() if path in TEXT_FIELDS else unicodedata.normalize("NFKC", value).strip()
        )
    if value in ("", None):
        return None if path != "is_red" else False
    try:
        if path in ("net_amount", "tax_amount", "gross_amount"):
            return Decimal(str(value).replace(",", "").replace("¥", ""))
        if path == "issue_date":
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        if path == "kind":
            return InvoiceKind(value)
        if path == "is_red":
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "on")
    except (InvalidOperation, ValueError) as exc:
        raise FieldEditError(
            f"{path} 的值无效：{value}", f"Invalid value for {path}: {value}", field=path
        ) from exc
    return value


def _new_values(locked: InvoiceRecord, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Paths whose submitted value differs from the record, with their column values."""
    by_column = {column_name(p): p for p in EDITABLE_FIELDS}
    changed: dict[str, Any] = {}
    for key, raw in changes.items():
        path = by_column.get(key, key)
        if path not in EDITABLE_FIELDS:
            raise FieldEditError(f"字段 {key} 不能修改", f"Field {key} cannot be edited", field=key)
        try:
            value = to_column(path, _coerce(path, raw))
        except FapiaoError as exc:
            raise FieldEditError(exc.message, exc.message_en, field=path) from exc
        current = getattr(locked, column_name(path))
        if path == "kind" and value is None:
            continue
        if current != value:  # also a respelling that means the same: the person chose it
            changed[path] = value
    return changed


_IDENTITY_FIELDS = frozenset({"number", "code", "digital_number"})


def _rekey(locked: InvoiceRecord, before: dict[str, Any], after: dict[str, Any]) -> None:
    """A corrected 发票号码/代码 changes the identity; refuse one another record already has."""
    key = identity_key(invoice_to_core(locked))
    if key == locked.identity_key:
        return
    if key is not None:
        other = (
            InvoiceRecord.objects.filter(
                company_id=locked.company_id, direction=locked.direction, identity_key=key
            )
            .exclude(pk=locked.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if other is not None:
            raise FieldEditError(
                f"更正后的发票 {key} 已有记录 #{other}，请在该记录上处理",
                f"Invoice {key} already has record #{other}; work on that record instead",
                field="number",
                invoice=other,
            )
    before["identity_key"], after["identity_key"] = locked.identity_key, key
    locked.identity_key = key


def _check_totals(values: Mapping[str, Any]) -> None:
    net, tax, gross = (values[p] for p in ("net_amount", "tax_amount", "gross_amount"))
    if net is not None and tax is not None and gross is not None and net + tax != gross:
        raise FieldEditError(
            f"价税合计 {gross} 不等于金额 {net} 加税额 {tax}",
            f"Gross {gross} is not net {net} plus tax {tax}",
            field="gross_amount",
        )


def invoice_correct(
    *,
    record: InvoiceRecord,
    actor: AbstractBaseUser | None,
    changes: Mapping[str, Any],
    ip: str | None = None,
) -> InvoiceRecord:
    """更正: change fields by hand (provenance ``manual``), re-run the rules, keep the findings.

    ``changes`` maps field paths (``seller.tax_id``) or column names (``seller_tax_id``) to
    new values.  The corrector becomes an editor of the invoice and can no longer approve it;
    an approved invoice that changes goes back to the review queue.
    """
    with transaction.atomic(durable=True):
        locked = invoice_lock(record)
        require_member_role(company=locked.company, actor=actor, roles=EDITOR_ROLES)
        changed = _new_values(locked, changes)
        if not changed:
            return record
        context = RuleContext(company_tax_id=locked.company.tax_id)
        old_rule_findings = {(f.code, f.field) for f in check(invoice_to_core(locked), context)}
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        provenance = dict(locked.fields or {})
        for path, value in changed.items():
            column = column_name(path)
            before[column] = json_value(getattr(locked, column))
            after[column] = json_value(value)
            setattr(locked, column, value)
            provenance[path] = {"source": FieldSource.MANUAL.value, "confidence": 1.0}
        _check_totals(
            {
                p: getattr(locked, column_name(p))
                for p in ("net_amount", "tax_amount", "gross_amount")
            }
        )
        locked.fields = provenance
        if changed.keys() & _IDENTITY_FIELDS:
            _rekey(locked, before, after)
        kept = [
            f
            for f in locked.findings or []
            if f.get("field") not in changed
            and (f.get("code"), f.get("field")) not in old_rule_findings
        ]
        fresh = findings_to_json(check(invoice_to_core(locked), context))
        seen = {(f.get("code"), f.get("field"), f.get("message")) for f in kept}
        kept.extend(f for f in fresh if (f["code"], f["field"], f["message"]) not in seen)
        before["findings"] = len(locked.findings or [])
        after["findings"] = len(kept)
        locked.findings = kept
        names = [*(column_name(p) for p in changed), "fields", "findings", "identity_key"]
        if locked.review_status == ReviewStatus.APPROVED:
            before["review_status"] = ReviewStatus.APPROVED.value
            after["review_status"] = ReviewStatus.PENDING.value
            locked.review_status = ReviewStatus.PENDING
            names.append("review_status")
        locked.save(update_fields=[*names, "updated_at"])
        _reindex(locked.company_id)
        event_record(
            company=locked.company,
            actor=actor,
            action="invoice.corrected",
            obj=locked,
            before=before,
            after=after,
            ip=ip,
            seal=SEALED_COLUMNS,
        )
    return _refresh(record, locked, names)
