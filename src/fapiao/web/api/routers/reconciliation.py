"""对账 (reconciliation runs): list, start (upload a tax export), results, apply a correction.

The same services as the reconciliation pages: a run stores the export, updates statuses from
it and reconciles the company's own records; applying a result changes the record through the
correction service (an event keeps the value it had).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from fapiao.web.api.auth import actor_of, client_ip, company_of
from fapiao.web.api.schemas import MAX_OFFSET, ErrorOut
from fapiao.web.reconciliation.models import ReconciliationResult, ReconciliationRun
from fapiao.web.reconciliation.selectors import (
    category_counts,
    result_get,
    result_list,
    run_get,
    run_list,
)
from fapiao.web.reconciliation.services import reconciliation_result_apply, reconciliation_run

router = Router(tags=["reconciliation 对账"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class RunOut(Schema):
    """对账记录: one run against one tax export, with counts by category."""

    id: int
    direction: str
    export_kind: str
    period_start: dt.date | None
    period_end: dt.date | None
    as_of: dt.date
    ledger_count: int
    export_count: int
    problem_count: int
    counts: dict[str, int]
    created_at: dt.datetime


class ResultOut(Schema):
    """对账结果: category, suggestion, the record (if any), and whether it is handled."""

    id: int
    category: str
    action: str
    record_id: int | None
    differences: list[Any]
    corrected_key: str
    suggestion: str
    suggestion_en: str
    confidence: float
    is_problem: bool
    status: str


class ResultPage(Schema):
    """A page of results."""

    count: int
    limit: int
    offset: int
    items: list[ResultOut]


class ResultFilters(Schema):
    """Filters of the results: category, status (open/applied/dismissed), problems only."""

    category: str | None = None
    status: str | None = None
    problems_only: bool = False
    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


def _run(run: ReconciliationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "direction": run.direction,
        "export_kind": run.export_kind,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "as_of": run.as_of,
        "ledger_count": run.ledger_count,
        "export_count": run.export_count,
        "problem_count": run.problem_count,
        "counts": dict(run.counts or {}),
        "created_at": run.created_at,
    }


def _result(result: ReconciliationResult) -> dict[str, Any]:
    return {
        "id": result.pk,
        "category": result.category,
        "action": result.action,
        "record_id": result.record_id,
        "differences": list(result.differences or ()),
        "corrected_key": result.corrected_key,
        "suggestion": result.suggestion,
        "suggestion_en": result.suggestion_en,
        "confidence": result.confidence,
        "is_problem": result.is_problem,
        "status": result.status,
    }


@router.get("/reconciliation/runs", response={200: list[RunOut], 401: ErrorOut})
def list_runs(request: HttpRequest) -> list[dict[str, Any]]:
    """对账记录 · The company's runs, newest first."""
    return [_run(run) for run in run_list(company=company_of(request))[:200]]


@router.post("/reconciliation/runs", response={201: RunOut, **ERRORS})
def start_run(
    request: HttpRequest,
    export: File[UploadedFile],
    direction: Form[str] = "purchase",
    as_of: Form[dt.date | None] = None,
) -> Status[dict[str, Any]]:
    """开始对账：上传税务局导出 · Reconcile the company's records against a tax export."""
    run = reconciliation_run(
        company=company_of(request),
        direction=direction,
        content=export.read(),
        filename=export.name or "export.xlsx",
        actor=actor_of(request),
        as_of=as_of,
        ip=client_ip(request),
    )
    return Status(201, _run(run))


@router.get("/reconciliation/runs/{int:run_id}", response={200: RunOut, **ERRORS})
def get_run(request: HttpRequest, run_id: int) -> dict[str, Any]:
    """对账记录详情 · One run."""
    return _run(run_get(company=company_of(request), pk=run_id))


@router.get(
    "/reconciliation/runs/{int:run_id}/categories", response={200: list[dict[str, Any]], **ERRORS}
)
def run_categories(request: HttpRequest, run_id: int) -> list[dict[str, Any]]:
    """分类统计 · Counts by category (and how many are still open)."""
    company = company_of(request)
    return category_counts(company=company, run=run_get(company=company, pk=run_id))


@router.get("/reconciliation/runs/{int:run_id}/results", response={200: ResultPage, **ERRORS})
def run_results(request: HttpRequest, run_id: int, filters: Query[ResultFilters]) -> dict[str, Any]:
    """对账结果 · The run's results, filtered and paginated."""
    company = company_of(request)
    rows = result_list(
        company=company,
        run=run_get(company=company, pk=run_id),
        category=filters.category,
        status=filters.status,
        problems_only=filters.problems_only,
    )
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_result(result) for result in page],
    }


@router.post("/reconciliation/results/{int:result_id}/apply", response={200: ResultOut, **ERRORS})
def apply_result(request: HttpRequest, result_id: int) -> dict[str, Any]:
    """一键更正 · Apply the proposed correction of a result to its record."""
    result = reconciliation_result_apply(
        result=result_get(company=company_of(request), pk=result_id),
        actor=actor_of(request),
        ip=client_ip(request),
    )
    return _result(result)
