"""Writes of reconciliation (对账): queue an uploaded export, process the run.

``reconciliation_queue`` stores the uploaded export untouched (``stored_file_create``) and
queues a run; after commit ``reconciliation_run_task`` calls ``reconciliation_process``, which
lets the status service read the tax bureau's 发票状态 / 勾选 from the export, builds the ledger
from the company's records, calls :func:`fapiao.core.reconciliation.reconcile`, and saves the
results.  Results are applied or dismissed in :mod:`fapiao.web.reconciliation.services_results`.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import polars as pl
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

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
from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record, json_value
from fapiao.web.invoices.models import Direction
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.invoices.services_status import invoice_statuses_from_export
from fapiao.web.invoices.storage import read_original
from fapiao.web.invoices.workflow_errors import WorkflowError
from fapiao.web.reconciliation.checks import (
    RUN_ROLES,
    NothingToApplyError,
    ReconciliationError,
    require_member,
)
from fapiao.web.reconciliation.ledger import ledger_frame
from fapiao.web.reconciliation.models import ReconciliationResult as ResultRow
from fapiao.web.reconciliation.models import ReconciliationRun, RunStatus

LEDGER_MARGIN = dt.timedelta(days=62)
"""Records issued this long before or after the export's period are matched too (a wrong 开票日期
then shows as a date mismatch, not as missing).  Those that no export row matches belong to another
period's reconciliation and are only counted (``LEFT_OUT``); older ones stay out of the run."""
_NONE = "（未填）"
LEFT_OUT = "LEFT_OUT"
"""Key in ``ReconciliationRun.counts``: margin records no export row matched (not reconciled)."""


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


def reconciliation_queue(
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
    """上传: check the export can be read, store it untouched, and queue its reconciliation.

    The export's own direction (取得发票 / 开具发票) wins over ``direction`` when it states one.
    The run is processed by ``reconciliation_run_task`` after commit.
    """
    require_member(company=company, actor=actor)
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
    with transaction.atomic(durable=True):
        run = ReconciliationRun.objects.create(
            company=company,
            direction=chosen,
            stored_file=stored,
            export_kind=export.kind.value,
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            as_of=as_of or china_today(),
            status=RunStatus.QUEUED,
            created_by_id=actor.pk if actor is not None else None,
        )
        event_record(
            company=company,
            actor=actor,
            action="reconciliation.queued",
            obj=run,
            before=None,
            after={"direction": chosen.value, "file": stored.sha256, "name": filename},
            ip=ip,
        )
        actor_id = actor.pk if actor is not None else None
        transaction.on_commit(functools.partial(_enqueue, run.pk, actor_id, ip))
    return run


def _enqueue(run_id: int, actor_id: int | None, ip: str | None) -> None:
    from fapiao.web.reconciliation.tasks import reconciliation_run_task

    reconciliation_run_task.enqueue(run_id, actor_id, ip)


def _claim(run_id: int) -> ReconciliationRun | None:
    """The queued run, now marked running; None when another worker has it or it is done."""
    with transaction.atomic(durable=True):
        run = ReconciliationRun.objects.select_for_update().select_related("company").get(pk=run_id)
        if run.status != RunStatus.QUEUED:
            return None
        run.status = RunStatus.RUNNING
        run.save(update_fields=["status"])
    return run


def _fail(run: ReconciliationRun, exc: WorkflowError, actor: AbstractBaseUser | None) -> None:
    with transaction.atomic(durable=True):
        run.status = RunStatus.FAILED
        run.error = exc.message
        run.error_en = exc.message_en
        run.save(update_fields=["status", "error", "error_en"])
        event_record(
            company=run.company,
            actor=actor,
            action="reconciliation.failed",
            obj=run,
            before={"status": RunStatus.RUNNING.value},
            after={"status": RunStatus.FAILED.value, "code": exc.code, "message": exc.message},
        )


def reconciliation_process(
    *, run_id: int, actor: AbstractBaseUser | None = None, ip: str | None = None
) -> ReconciliationRun:
    """对账: update statuses from the stored export, reconcile, and save the results.

    Idempotent: a run that is not queued is returned as it is.  The period defaults to the whole
    months the export covers; the ledger is the company's records of that period and
    ``LEDGER_MARGIN`` around it.  Only results that are not MATCHED are stored (MATCHED is
    counted in ``counts``).
    """
    run = _claim(run_id)
    if run is None:
        return ReconciliationRun.objects.get(pk=run_id)
    try:
        _process(run, actor, ip)
    except WorkflowError as exc:
        _fail(run, exc, actor)
    run.refresh_from_db()
    return run


def _process(run: ReconciliationRun, actor: AbstractBaseUser | None, ip: str | None) -> None:
    company = run.company
    stored = run.stored_file
    try:
        content = read_original(stored)
    except (OSError, FapiaoError) as exc:
        raise ReconciliationError(
            "无法读取已保存的导出文件", f"Cannot read the stored export: {exc}"
        ) from exc
    export = _read_export(content, stored.original_name)
    statuses = _apply_statuses(company=company, export=export, actor=actor, ip=ip)
    covered: tuple[dt.date, dt.date] | None = None
    if run.period_start and run.period_end:
        covered = (run.period_start, run.period_end)
    else:
        covered = infer_period(parse_dates(export.invoices["issue_date"]))
    window = None
    if covered is not None:
        window = (covered[0] - LEDGER_MARGIN, covered[1] + LEDGER_MARGIN)
    ledger = ledger_frame(company=company, direction=run.direction, window=window)
    try:
        rec = reconcile(
            ledger,
            [export.invoices],
            as_of=run.as_of,
            period=covered,
            sync_days=config.int_setting("FAPIAO_SYNC_DAYS", 3),
            company_tax_id=company.tax_id,
        )
    except FapiaoError as exc:
        raise ReconciliationError(
            f"对账失败：{exc.message}", f"Reconciliation failed: {exc.message_en}"
        ) from exc
    record_ids = ledger["record_id"].to_list()
    category = pl.col("category").cast(pl.Utf8)
    # Records of the margin that no export row claims belong to another period's reconciliation:
    # they are left out of this run (counted as LEFT_OUT), not reported as problems.
    left_out = rec.results.filter(category == Category.OUTSIDE_EXPORT_PERIOD.value).height
    # MATCHED results are counted, not stored: a run keeps what needs a look.
    unmatched = rec.results.filter(
        (category != Category.MATCHED.value) & (category != Category.OUTSIDE_EXPORT_PERIOD.value)
    )
    counts = {
        row["category"]: row["count"]
        for row in rec.summary().iter_rows(named=True)
        if row["count"] and row["category"] != Category.OUTSIDE_EXPORT_PERIOD.value
    }
    if left_out:
        counts[LEFT_OUT] = left_out
    with transaction.atomic(durable=True):
        run.period_start = rec.period[0] if rec.period else None
        run.period_end = rec.period[1] if rec.period else None
        run.ledger_count = ledger.height - left_out
        run.export_count = rec.tax.height
        run.problem_count = rec.problems().height - left_out
        run.counts = counts
        run.status_update = statuses
        run.status = RunStatus.DONE
        run.save()
        ResultRow.objects.filter(run=run).delete()  # a re-processed run starts clean
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
                "direction": run.direction,
                "file": stored.sha256,
                "counts": counts,
                "problems": run.problem_count,
                "statuses": statuses,
            },
            ip=ip,
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
    """Queue and process at once (command line, tests): the finished run."""
    run = reconciliation_queue(
        company=company,
        direction=direction,
        content=content,
        filename=filename,
        actor=actor,
        as_of=as_of,
        period=period,
        ip=ip,
    )
    return reconciliation_process(run_id=run.pk, actor=actor, ip=ip)


# The result services, here too for callers that import every reconciliation write from here.
from fapiao.web.reconciliation.services_results import (  # noqa: E402
    invoice_correct,
    reconciliation_result_apply,
    reconciliation_result_dismiss,
)

__all__ = [
    "RUN_ROLES",
    "NothingToApplyError",
    "ReconciliationError",
    "invoice_correct",
    "reconciliation_process",
    "reconciliation_queue",
    "reconciliation_result_apply",
    "reconciliation_result_dismiss",
    "reconciliation_run",
    "require_member",
]
