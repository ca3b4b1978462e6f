"""Writes of reconciliation (对账): run an export against the records, apply or dismiss results.

``reconciliation_run`` stores the uploaded export untouched (``stored_file_create``), lets the
status service read the tax bureau's 发票状态 / 勾选 from it, builds the ledger from the company's
records, calls :func:`fapiao.core.reconciliation.reconcile`, and saves the run with every result.
``reconciliation_result_apply`` makes the proposed correction through the invoices app's
``invoice_correct`` (provenance ``manual``, an ``invoice.corrected`` event keeping the values
before), then marks the result applied with its own event.  Applying twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from fapiao import config
from fapiao.core.errors import FapiaoError
from fapiao.core.invoice import china_today
from fapiao.core.reconciliation import (
    PENDING,
    Category,
    ReconciliationResult,
    infer_period,
    reconcile,
)
from fapiao.core.reconciliation.normalize import parse_dates
from fapiao.core.tabular.export import TaxExport, read_tax_export
from fapiao.web.companies.models import Company, Role
from fapiao.web.companies.selectors import membership_role
from fapiao.web.events.services import event_record, json_value
from fapiao.web.invoices.conversion import identity_key, invoice_to_core
from fapiao.web.invoices.models import Direction, InvoiceRecord
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.invoices.services_review import invoice_correct as _invoice_correct
from fapiao.web.invoices.workflow_errors import NotPermittedError, WorkflowError
from fapiao.web.reconciliation.ledger import ledger_frame
from fapiao.web.reconciliation.models import ReconciliationResult as ResultRow
from fapiao.web.reconciliation.models import ReconciliationRun, ResultStatus
from fapiao.web.reconciliation.proposals import proposed_changes

RUN_ROLES = (Role.ADMIN, Role.CLERK, Role.REVIEWER)
LEDGER_MARGIN = dt.timedelta(days=62)
"""Records issued this long before or after the export's period are reconciled too (a wrong
开票日期 then shows as a date mismatch, not as missing); older ones stay out of the run."""
_NONE = "（未填）"


class ReconciliationError(WorkflowError):
    """A reconciliation step that was refused or could not be done (对账失败)."""

    code = "reconciliation.refused"


class NothingToApplyError(ReconciliationError):
    """The result proposes no change that could be applied (无可应用的更正)."""

    code = "reconciliation.nothing_to_apply"


def _require(*, company: Company, actor: AbstractBaseUser | None) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotPermittedError("此操作需要登录的用户", "This step needs a signed-in user")
    role = membership_role(user=actor, company=company)
    if role not in RUN_ROLES:
        raise NotPermittedError(
            "只有管理员、录入员或审核员可以对账",
            "Only an admin, clerk or reviewer may reconcile",
            role=role,
        )


def _read_export(content: bytes, filename: str) -> TaxExport:
    try:
        return read_tax_export(content, filename=filename or None)
    except FapiaoError as exc:
        raise ReconciliationError(
            f"无法读取税务局导出文件：{exc.message}",
            f"Cannot read the tax export: {exc.message_en}",
        ) from exc


def _apply_statuses(
    *, company: Company, export: TaxExport, actor: AbstractBaseUser | None, ip: str | None
) -> dict[str, Any]:
    """Tax and deduction status from the export (the status engineer's service), as a summary."""
    try:
        from fapiao.web.invoices.services_status import invoice_statuses_from_export
    except ImportError:  # pragma: no cover - the status service ships with the invoices app
        return {}
    try:
        applied = invoice_statuses_from_export(company=company, export=export, actor=actor, ip=ip)
    except WorkflowError as exc:
        return {"error": exc.code, "message": exc.message, "message_en": exc.message_en}
    summary = applied.as_dict()
    return {
        "changed": len(applied.changed),
        "refused": len(applied.refused),
        "unmatched": len(applied.unmatched),
        "unchanged": summary.get("unchanged", 0),
    }


def _week(*dates: Any) -> str:
    for value in dates:
        if value:
            try:
                date = dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
            year, week, _ = date.isocalendar()
            return f"{year}-W{week:02d}"
    return _NONE


def _seller(ledger: dict[str, Any] | None, tax: dict[str, Any] | None) -> str:
    for row in (ledger, tax):
        if row and (row.get("seller_tax_id") or row.get("seller_name")):
            parts = (row.get("seller_tax_id"), row.get("seller_name"))
            return " ".join(str(p) for p in parts if p)[:300]
    return _NONE


def _result_row(
    run: ReconciliationRun, result: ReconciliationResult, record_ids: list[str | None]
) -> ResultRow:
    ledger, tax = result.ledger, result.tax
    record_id = record_ids[result.ledger_row] if result.ledger_row is not None else None
    is_problem = result.category is not Category.MATCHED and result.category not in PENDING
    return ResultRow(
        run=run,
        company_id=run.company_id,
        category=result.category.value,
        action=result.action,
        record_id=int(record_id) if record_id else None,
        ledger_row=json_value(ledger),
        export_row=json_value(tax),
        differences=[d.as_dict() for d in result.differences],
        corrected_key=result.corrected_key or "",
        suggestion=result.suggestion,
        suggestion_en=result.suggestion_en,
        confidence=float(result.confidence),
        is_pending=result.pending,
        is_problem=is_problem and not result.pending,
        operator=str((ledger or {}).get("operator") or _NONE)[:150],
        batch=str((ledger or {}).get("batch") or _NONE)[:64],
        week=_week((ledger or {}).get("issue_date"), (tax or {}).get("issue_date")),
        seller=_seller(ledger, tax),
    )


def reconciliation_run(
    *,
    company: Company,
    direction: Direction | str,
    content: bytes,
    filename: str,
    actor: AbstractBaseUser | None,
    as_of: dt.date | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    ip: str | None = None,
) -> ReconciliationRun:
    """对账: store the export, update statuses from it, reconcile, and save the run and results.

    The export's own direction (取得发票 / 开具发票) wins over ``direction`` when it states one.
    The period defaults to the whole months the export covers; the ledger is the company's
    records of that period and ``LEDGER_MARGIN`` around it.  Only results that are not MATCHED
    are stored (MATCHED is counted in ``counts``).
    """
    _require(company=company, actor=actor)
    export = _read_export(content, filename)
    stated = export.direction
    chosen = Direction(stated.value if stated is not None else Direction(direction))
    stored, _ = stored_file_create(
        company=company,
        content=content,
        original_name=filename,
        content_type="application/octet-stream",
        actor=actor,
    )
    statuses = _apply_statuses(company=company, export=export, actor=actor, ip=ip)
    covered = period or infer_period(parse_dates(export.invoices["issue_date"]))
    window = None
    if covered is not None:
        window = (covered[0] - LEDGER_MARGIN, covered[1] + LEDGER_MARGIN)
    ledger = ledger_frame(company=company, direction=chosen, window=window)
    try:
        rec = reconcile(
            ledger,
            [export.invoices],
            as_of=as_of or china_today(),
            period=covered,
            sync_days=config.int_setting("FAPIAO_SYNC_DAYS", 3),
            company_tax_id=company.tax_id,
        )
    except FapiaoError as exc:
        raise ReconciliationError(
            f"对账失败：{exc.message}", f"Reconciliation failed: {exc.message_en}"
        ) from exc
    record_ids = ledger["record_id"].to_list()
    # MATCHED results are counted, not stored: a run keeps what needs a look.
    unmatched = rec.results.filter(pl.col("category").cast(pl.Utf8) != Category.MATCHED.value)
    counts = {
        row["category"]: row["count"] for row in rec.summary().iter_rows(named=True) if row["count"]
    }
    with transaction.atomic(durable=True):
        run = ReconciliationRun.objects.create(
            company=company,
            direction=chosen,
            stored_file=stored,
            export_kind=export.kind.value,
            period_start=rec.period[0] if rec.period else None,
            period_end=rec.period[1] if rec.period else None,
            as_of=rec.as_of,
            ledger_count=ledger.height,
            export_count=rec.tax.height,
            problem_count=rec.problems().height,
            counts=counts,
            status_update=statuses,
            created_by_id=actor.pk if actor is not None else None,
        )
        ResultRow.objects.bulk_create(
            (_result_row(run, r, record_ids) for r in rec.iter_results(unmatched)),
            batch_size=1000,
        )
        event_record(
            company=company,
            actor=actor,
            action="reconciliation.run",
            obj=run,
            before=None,
            after={
                "direction": chosen.value,
                "file": stored.sha256,
                "counts": counts,
                "problems": run.problem_count,
                "statuses": statuses,
            },
            ip=ip,
        )
    return run


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
        locked = InvoiceRecord.objects.select_for_update().get(pk=record.pk)
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
    _require(company=result.company, actor=actor)
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
    _require(company=result.company, actor=actor)
    return _resolve(
        result=result,
        actor=actor,
        status=ResultStatus.DISMISSED,
        after={"reason": reason.strip()},
        ip=ip,
    )
