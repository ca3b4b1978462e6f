"""Status tracking (状态): 发票状态 (tax), 抵扣状态 (deduction), 入账状态 (booking).

Every change goes through one of the services here, checks an explicit transition table, and
writes an event.  The tax bureau's word comes in through :func:`invoice_statuses_from_export`
(全量发票查询 发票状态 → tax status; 抵扣勾选 是否勾选 → deduction status); what it cannot apply it
reports instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fapiao.core.tabular.export import ExportKind, TaxExport
from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company, Role
from fapiao.web.companies.selectors import membership_role
from fapiao.web.events.services import event_record
from fapiao.web.invoices.conversion import normalize_identifier
from fapiao.web.invoices.locks import invoice_lock
from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    Direction,
    InvoiceRecord,
    TaxStatus,
)
from fapiao.web.invoices.workflow_errors import (
    NotPermittedError,
    StatusTransitionError,
    StatusValueError,
)
from fapiao.web.search.tasks import search_index_catch_up_task

TAX_TRANSITIONS: dict[str, frozenset[str]] = {
    TaxStatus.NORMAL: frozenset(
        {TaxStatus.VOIDED, TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL, TaxStatus.ABNORMAL}
    ),
    TaxStatus.RED_PARTIAL: frozenset({TaxStatus.RED_FULL, TaxStatus.ABNORMAL}),
    TaxStatus.ABNORMAL: frozenset(
        {TaxStatus.NORMAL, TaxStatus.VOIDED, TaxStatus.RED_FULL, TaxStatus.RED_PARTIAL}
    ),
    TaxStatus.VOIDED: frozenset(),
    TaxStatus.RED_FULL: frozenset(),
}
"""发票状态: 作废 and 全额红冲 are final; 异常 (abnormal) can be cleared back to 正常."""

DEDUCTION_TRANSITIONS: dict[str, frozenset[str]] = {
    DeductionStatus.UNSELECTED: frozenset(
        {DeductionStatus.SELECTED, DeductionStatus.NOT_DEDUCTIBLE}
    ),
    DeductionStatus.SELECTED: frozenset(
        {DeductionStatus.UNSELECTED, DeductionStatus.CONFIRMED, DeductionStatus.NOT_DEDUCTIBLE}
    ),
    DeductionStatus.CONFIRMED: frozenset(),
    DeductionStatus.NOT_DEDUCTIBLE: frozenset({DeductionStatus.UNSELECTED}),
}
"""抵扣状态: 勾选 can be undone until 确认 (confirmed, with its 所属期), which is final."""

BOOKING_TRANSITIONS: dict[str, frozenset[str]] = {
    BookingStatus.UNBOOKED: frozenset({BookingStatus.BOOKED}),
    BookingStatus.BOOKED: frozenset({BookingStatus.UNBOOKED}),
}
"""入账状态: booking needs a voucher number (凭证号); un-booking (冲销) clears it."""

_DEAD_TAX_STATUSES = frozenset({TaxStatus.VOIDED, TaxStatus.RED_FULL})
_STATUS_ROLES = (Role.ADMIN, Role.CLERK, Role.REVIEWER)
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

_TAX_STATUS_TEXT = {
    "正常": TaxStatus.NORMAL,
    "作废": TaxStatus.VOIDED,
    "已作废": TaxStatus.VOIDED,
    "红冲全额": TaxStatus.RED_FULL,
    "已红冲全额": TaxStatus.RED_FULL,
    "全额红冲": TaxStatus.RED_FULL,
    "已全额红冲": TaxStatus.RED_FULL,
    "红冲部分": TaxStatus.RED_PARTIAL,
    "已红冲部分": TaxStatus.RED_PARTIAL,
    "部分红冲": TaxStatus.RED_PARTIAL,
    "已部分红冲": TaxStatus.RED_PARTIAL,
    "异常": TaxStatus.ABNORMAL,
    "失控": TaxStatus.ABNORMAL,
    "异常凭证": TaxStatus.ABNORMAL,
}
_SELECTED_TEXT = {"是": True, "已勾选": True, "勾选": True, "否": False, "未勾选": False}


def tax_status_from_text(text: str | None) -> TaxStatus | None:
    """发票状态 as the export prints it (``已红冲-全额``) → TaxStatus, None when unknown."""
    if not text:
        return None
    key = re.sub(r"[\s\-－—_()（）]", "", unicodedata.normalize("NFKC", text))
    return _TAX_STATUS_TEXT.get(key)


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label)


def _reindex(company_id: int) -> None:
    """After commit, let the search index catch up with the events just written."""
    transaction.on_commit(partial(search_index_catch_up_task.enqueue, company_id))


def _check_role(*, company: Company, actor: AbstractBaseUser | None) -> None:
    """A person changing a status must be a member who is not read-only; None is the system."""
    if actor is None:
        return
    role = membership_role(user=actor, company=company)
    if role not in _STATUS_ROLES:
        raise NotPermittedError(
            "只有管理员、录入员或审核员可以修改发票状态",
            "Only an admin, clerk or reviewer may change an invoice's status",
            role=role,
        )


def _check_transition(
    name: str, name_en: str, choices: Any, table: dict[str, frozenset[str]], current: str, to: str
) -> None:
    if to not in table[current]:
        raise StatusTransitionError(
            f"{name}不能从“{_label(choices, current)}”变为“{_label(choices, to)}”",
            f"{name_en} cannot change from {current} to {to}",
            current=current,
            target=to,
        )


def _tax_change(locked: InvoiceRecord, to: TaxStatus) -> tuple[dict[str, str], dict[str, str]]:
    _check_transition("发票状态", "Tax status", TaxStatus, TAX_TRANSITIONS, locked.tax_status, to)
    before = {"tax_status": locked.tax_status}
    locked.tax_status = to
    return before, {"tax_status": to.value}


def _deduction_change(
    locked: InvoiceRecord, to: DeductionStatus, period: str | None, reason: str | None
) -> tuple[dict[str, str], dict[str, str]]:
    if locked.direction != Direction.PURCHASE:
        raise StatusValueError(
            "只有进项发票有抵扣状态", "Only purchase invoices have a deduction status"
        )
    _check_transition(
        "抵扣状态",
        "Deduction status",
        DeductionStatus,
        DEDUCTION_TRANSITIONS,
        locked.deduction_status,
        to,
    )
    if to in (DeductionStatus.SELECTED, DeductionStatus.CONFIRMED) and (
        locked.tax_status in _DEAD_TAX_STATUSES
    ):
        raise StatusTransitionError(
            f"发票状态为“{_label(TaxStatus, locked.tax_status)}”，不能勾选抵扣",
            f"An invoice whose tax status is {locked.tax_status} cannot be selected for deduction",
            tax_status=locked.tax_status,
        )
    period = (period or "").strip()
    reason = " ".join((reason or "").split())
    if to is DeductionStatus.CONFIRMED and not _PERIOD.match(period):
        raise StatusValueError(
            f"确认抵扣需要所属期（YYYY-MM），收到“{period}”",
            f"Confirming a deduction needs the tax period (YYYY-MM), got {period!r}",
            period=period,
        )
    if to is DeductionStatus.NOT_DEDUCTIBLE and not reason:
        raise StatusValueError(
            "不抵扣需要写明原因", "Marking an invoice not deductible needs a reason"
        )
    before = {
        "deduction_status": locked.deduction_status,
        "deduction_period": locked.deduction_period,
        "deduction_reason": locked.deduction_reason,
    }
    locked.deduction_status = to
    locked.deduction_period = period if to is DeductionStatus.CONFIRMED else ""
    locked.deduction_reason = reason if to is DeductionStatus.NOT_DEDUCTIBLE else ""
    after = {
        "deduction_status": to.value,
        "deduction_period": locked.deduction_period,
        "deduction_reason": locked.deduction_reason,
    }
    return before, after


def _save_and_record(
    *,
    locked: InvoiceRecord,
    record: InvoiceRecord,
    actor: AbstractBaseUser | None,
    action: str,
    before: dict[str, str],
    after: dict[str, Any],
    ip: str | None,
) -> InvoiceRecord:
    fields = [k for k in before if k in after]
    locked.save(update_fields=[*fields, "updated_at"])
    _reindex(locked.company_id)
    event_record(
        company=locked.company,
        actor=actor,
        action=action,
        obj=locked,
        before=before,
        after=after,
        ip=ip,
    )
    for name in (*fields, "updated_at"):
        setattr(record, name, getattr(locked, name))
    return record


def invoice_tax_status_set(
    *,
    record: InvoiceRecord,
    to: TaxStatus | str,
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> InvoiceRecord:
    """Change 发票状态 (正常 → 作废 / 红冲 / 异常 …) if the transition table allows it."""
    target = TaxStatus(to)
    with transaction.atomic(durable=True):
        locked = invoice_lock(record)
        _check_role(company=locked.company, actor=actor)
        before, after = _tax_change(locked, target)
        return _save_and_record(
            locked=locked,
            record=record,
            actor=actor,
            action="invoice.tax_status_changed",
            before=before,
            after={**after, "source": "manual"},
            ip=ip,
        )


def invoice_deduction_status_set(
    *,
    record: InvoiceRecord,
    to: DeductionStatus | str,
    actor: AbstractBaseUser | None,
    period: str | None = None,
    reason: str | None = None,
    ip: str | None = None,
) -> InvoiceRecord:
    """Change 抵扣状态 of a purchase invoice: 确认 needs 所属期 (YYYY-MM), 不抵扣 a reason."""
    target = DeductionStatus(to)
    with transaction.atomic(durable=True):
        locked = invoice_lock(record)
        _check_role(company=locked.company, actor=actor)
        before, after = _deduction_change(locked, target, period, reason)
        return _save_and_record(
            locked=locked,
            record=record,
            actor=actor,
            action="invoice.deduction_status_changed",
            before=before,
            after={**after, "source": "manual"},
            ip=ip,
        )


def invoice_booking_status_set(
    *,
    record: InvoiceRecord,
    to: BookingStatus | str,
    actor: AbstractBaseUser | None,
    voucher_number: str | None = None,
    ip: str | None = None,
) -> InvoiceRecord:
    """Change 入账状态: 已入账 needs the voucher number (凭证号); 未入账 clears it."""
    target = BookingStatus(to)
    voucher = " ".join(unicodedata.normalize("NFKC", voucher_number or "").split())
    with transaction.atomic(durable=True):
        locked = invoice_lock(record)
        _check_role(company=locked.company, actor=actor)
        _check_transition(
            "入账状态",
            "Booking status",
            BookingStatus,
            BOOKING_TRANSITIONS,
            locked.booking_status,
            target,
        )
        if target is BookingStatus.BOOKED and not voucher:
            raise StatusValueError("入账需要凭证号", "Booking needs a voucher number")
        if len(voucher) > 64:
            raise StatusValueError(
                "凭证号不能超过 64 个字符", "A voucher number has at most 64 characters"
            )
        before = {"booking_status": locked.booking_status, "voucher_number": locked.voucher_number}
        locked.booking_status = target
        locked.voucher_number = voucher if target is BookingStatus.BOOKED else ""
        after = {"booking_status": target.value, "voucher_number": locked.voucher_number}
        return _save_and_record(
            locked=locked,
            record=record,
            actor=actor,
            action="invoice.booking_status_changed",
            before=before,
            after=after,
            ip=ip,
        )


@dataclass
class ExportApplication:
    """What applying a tax-bureau export did: changes made, rows not matched, rows refused."""

    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (counts, and the first refusals and unmatched rows)."""
        return {
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "unmatched": len(self.unmatched),
            "refused": self.refused[:50],
            "unmatched_rows": self.unmatched[:50],
        }


def _row_identity(row: dict[str, Any]) -> str | None:
    """The same identity as ``conversion.identity_key``, read from an export row."""
    digital, number, code = (
        normalize_identifier(str(row.get(name) or ""))
        for name in ("digital_number", "number", "code")
    )
    digital = "" if set(digital) <= {"-"} else digital
    if digital:
        return digital
    if len(number) == 20:
        return number
    if code and number:
        return f"{code}:{number}"
    return None


def _rows(export: TaxExport) -> Iterable[dict[str, Any]]:
    for table in export.invoice_tables:
        for row_number, values in table.rows():
            yield {**values, "source_sheet": table.sheet, "source_row": row_number}


def _export_targets(
    row: dict[str, Any], deduction: bool
) -> tuple[TaxStatus | None, DeductionStatus | None]:
    tax = tax_status_from_text(row.get("status"))
    selected = None
    if deduction:
        text = unicodedata.normalize("NFKC", str(row.get("is_selected") or "")).strip()
        if text in _SELECTED_TEXT:
            is_selected = _SELECTED_TEXT[text]
            selected = DeductionStatus.SELECTED if is_selected else DeductionStatus.UNSELECTED
    return tax, selected


def _apply_row(
    record: InvoiceRecord,
    tax: TaxStatus | None,
    deduction: DeductionStatus | None,
) -> tuple[dict[str, Any], dict[str, Any], list[StatusTransitionError | StatusValueError]]:
    """Changes the row asks for, each checked on its own; 已确认 stays when the export says 勾选."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    refusals: list[StatusTransitionError | StatusValueError] = []
    if tax is not None and tax != record.tax_status:
        try:
            b, a = _tax_change(record, tax)
            before.update(b)
            after.update(a)
        except StatusTransitionError as exc:
            refusals.append(exc)
    keep_confirmed = (
        record.deduction_status == DeductionStatus.CONFIRMED
        and deduction is DeductionStatus.SELECTED
    )
    if deduction is not None and deduction != record.deduction_status and not keep_confirmed:
        try:
            b, a = _deduction_change(record, deduction, None, None)
            before.update(b)
            after.update(a)
        except (StatusTransitionError, StatusValueError) as exc:
            refusals.append(exc)
    return before, after, refusals


def invoice_statuses_from_export(
    *,
    company: Company,
    export: TaxExport,
    actor: AbstractBaseUser | None = None,
    ip: str | None = None,
) -> ExportApplication:
    """Apply a tax-bureau export's 发票状态 and 是否勾选 to the company's records by identity.

    Rows are matched by identity (数电 number, else 发票代码:发票号码) within the export's
    direction (both directions when the export does not say).  A change the transition tables
    forbid is reported in ``refused`` and the rest still applies; every change is an event.
    """
    deduction = export.kind is ExportKind.DEDUCTION
    direction = export.direction
    result = ExportApplication()
    wanted: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(export):
        key = _row_identity(row)
        if key is None:
            result.unmatched.append({"row": row["source_row"], "reason": "no_identity"})
            continue
        wanted.setdefault(key, []).append(row)
    with transaction.atomic(durable=True):
        _check_role(company=company, actor=actor)
        # One writer per company: the records read here are the ones changed.
        company_lock(company.pk)
        records = InvoiceRecord.objects.select_for_update().filter(company=company)
        if direction is not None:
            records = records.filter(direction=direction.value)
        found: dict[str, list[InvoiceRecord]] = {}
        keys = list(wanted)
        for start in range(0, len(keys), 500):
            for record in records.filter(identity_key__in=keys[start : start + 500]):
                found.setdefault(str(record.identity_key), []).append(record)
        for key, rows in wanted.items():
            matches = found.get(key)
            if not matches:
                result.unmatched.extend(
                    {"row": row["source_row"], "identity": key, "reason": "not_found"}
                    for row in rows
                )
                continue
            tax, selected = _export_targets(rows[-1], deduction)
            for record in matches:
                before, after, refusals = _apply_row(record, tax, selected)
                result.refused.extend(
                    {
                        "invoice": record.pk,
                        "identity": key,
                        "row": rows[-1]["source_row"],
                        "code": exc.code,
                        "message": exc.message,
                        "message_en": exc.message_en,
                    }
                    for exc in refusals
                )
                if not after:
                    result.unchanged += 0 if refusals else 1
                    continue
                record.save(update_fields=[*after, "updated_at"])
                event_record(
                    company=company,
                    actor=actor,
                    action="invoice.statuses_from_export",
                    obj=record,
                    before=before,
                    after={**after, "source": export.kind.value, "row": rows[-1]["source_row"]},
                    ip=ip,
                )
                result.changed.append({"invoice": record.pk, "before": before, "after": after})
        _reindex(company.pk)
        event_record(
            company=company,
            actor=actor,
            action="export.statuses_applied",
            obj=None,
            before=None,
            after={"kind": export.kind.value, **result.as_dict()},
            ip=ip,
        )
    return result
