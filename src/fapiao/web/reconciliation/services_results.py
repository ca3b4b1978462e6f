"""Writes on reconciliation results: apply the proposed correction (一键更正) or dismiss it.

``reconciliation_result_apply`` makes the correction through the invoices app's
``invoice_correct`` (provenance ``manual``, an ``invoice.corrected`` event keeping the values
before), then marks the result applied with its own event.  Applying twice changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from fapiao.web.events.services import event_record, json_value
from fapiao.web.invoices.conversion import identity_key, invoice_to_core
from fapiao.web.invoices.locks import invoice_lock
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.services_review import invoice_correct as _invoice_correct
from fapiao.web.reconciliation.checks import (
    NothingToApplyError,
    ReconciliationError,
    require_member,
)
from fapiao.web.reconciliation.models import ReconciliationResult as ResultRow
from fapiao.web.reconciliation.models import ResultStatus
from fapiao.web.reconciliation.proposals import proposed_changes


def invoice_correct(
    *,
    record: InvoiceRecord,
    changes: dict[str, Any],
    actor: AbstractBaseUser | None,
    reason: str,
    ip: str | None = None,
) -> InvoiceRecord:
    """更正 through the invoices app (manual provenance, an event with the values before).

    When the identifiers change, the record's identity follows, unless another record of the
    company already has the new identity (then the duplicate is left for a person to merge).
    """
    corrected = _invoice_correct(record=record, actor=actor, changes=changes, ip=ip)
    if not {"code", "number", "digital_number"} & set(changes):
        return corrected
    with transaction.atomic(durable=True):
        locked = invoice_lock(record)
        key = identity_key(invoice_to_core(locked))
        taken = (
            InvoiceRecord.objects.filter(
                company_id=locked.company_id, direction=locked.direction, identity_key=key
            )
            .exclude(pk=locked.pk)
            .exists()
        )
        if key != locked.identity_key and key is not None and not taken:
            before = locked.identity_key
            locked.identity_key = key
            locked.save(update_fields=["identity_key", "updated_at"])
            event_record(
                company=locked.company,
                actor=actor,
                action="invoice.identity_changed",
                obj=locked,
                before={"identity_key": before},
                after={"identity_key": key, "reason": reason},
                ip=ip,
            )
    corrected.identity_key = locked.identity_key
    return corrected


def _resolve(
    *,
    result: ResultRow,
    actor: AbstractBaseUser | None,
    status: ResultStatus,
    after: dict[str, Any],
    ip: str | None,
) -> ResultRow:
    with transaction.atomic(durable=True):
        locked = ResultRow.objects.select_for_update().get(pk=result.pk)
        if locked.status != ResultStatus.OPEN:
            raise ReconciliationError(
                f"该结果已处理（{ResultStatus(locked.status).label}）",
                f"This result is already {locked.status}",
            )
        locked.status = status
        locked.resolved_by_id = actor.pk if actor is not None else None
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolved_by", "resolved_at"])
        event_record(
            company=locked.company,
            actor=actor,
            action=f"reconciliation.result_{status.value}",
            obj=locked,
            before={"status": ResultStatus.OPEN.value},
            after={"status": status.value, **after},
            ip=ip,
        )
    return locked


def reconciliation_result_apply(
    *, result: ResultRow, actor: AbstractBaseUser | None, ip: str | None = None
) -> ResultRow:
    """一键更正: apply the export's values to the record, then mark the result applied."""
    require_member(company=result.company, actor=actor)
    if result.status != ResultStatus.OPEN:
        raise ReconciliationError(
            f"该结果已处理（{ResultStatus(result.status).label}）",
            f"This result is already {result.status}",
        )
    record = result.record
    changes = proposed_changes(
        category=result.category,
        record=record,
        export_row=result.export_row,
        corrected_key=result.corrected_key,
    )
    if record is None or not changes:
        raise NothingToApplyError(
            "该结果没有可一键应用的更正", "This result proposes no change to apply"
        )
    before = {name: json_value(getattr(record, name)) for name in changes}
    reason = f"对账 #{result.run_id} {result.category}"
    invoice_correct(record=record, changes=changes, actor=actor, reason=reason, ip=ip)
    return _resolve(
        result=result,
        actor=actor,
        status=ResultStatus.APPLIED,
        after={"invoice": record.pk, "before": before, "changes": json_value(changes)},
        ip=ip,
    )


def reconciliation_result_dismiss(
    *, result: ResultRow, actor: AbstractBaseUser | None, reason: str = "", ip: str | None = None
) -> ResultRow:
    """忽略: close a result without changing the record, with an optional reason."""
    require_member(company=result.company, actor=actor)
    return _resolve(
        result=result,
        actor=actor,
        status=ResultStatus.DISMISSED,
        after={"reason": reason.strip()},
        ip=ip,
    )
