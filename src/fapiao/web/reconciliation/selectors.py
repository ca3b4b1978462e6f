"""Reads of reconciliation runs and results, always scoped to one company."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from fapiao.core.reconciliation import Category
from fapiao.web.companies.models import Company
from fapiao.web.reconciliation.models import ReconciliationResult, ReconciliationRun

DIMENSIONS = ("operator", "batch", "week", "seller", "category")
"""问题定位 (localisation) dimensions, as in ``fapiao.core.reconciliation.localise``."""


def run_list(*, company: Company) -> QuerySet[ReconciliationRun]:
    """The company's runs, newest first."""
    return ReconciliationRun.objects.filter(company=company).select_related(
        "created_by", "stored_file"
    )


def run_get(*, company: Company, pk: int) -> ReconciliationRun:
    """One run of the company (DoesNotExist for other companies)."""
    return run_list(company=company).get(pk=pk)


def result_list(
    *,
    company: Company,
    run: ReconciliationRun,
    category: str | None = None,
    status: str | None = None,
    problems_only: bool = False,
    operator: str | None = None,
    batch: str | None = None,
    week: str | None = None,
    seller: str | None = None,
) -> QuerySet[ReconciliationResult]:
    """Results of one run of the company, filtered, with their ledger records."""
    rows = ReconciliationResult.objects.filter(company=company, run=run).select_related("record")
    filters: dict[str, Any] = {
        "category": category,
        "status": status,
        "operator": operator,
        "batch": batch,
        "week": week,
        "seller": seller,
    }
    rows = rows.filter(**{k: v for k, v in filters.items() if v})
    if problems_only:
        rows = rows.filter(is_problem=True)
    return rows.order_by("id")


def result_get(*, company: Company, pk: int) -> ReconciliationResult:
    """One result of the company (DoesNotExist for other companies)."""
    return ReconciliationResult.objects.select_related("record", "run").get(company=company, pk=pk)


def category_counts(*, company: Company, run: ReconciliationRun) -> list[dict[str, Any]]:
    """Counts by category (from the run) and how many are still open, in ``Category`` order."""
    open_counts = dict(
        ReconciliationResult.objects.filter(company=company, run=run, status="open")
        .values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    counts = run.counts or {}
    return [
        {
            "category": c.value,
            "label": c.label,
            "label_en": c.label_en,
            "count": counts[c.value],
            "open": open_counts.get(c.value, 0),
        }
        for c in Category
        if counts.get(c.value)
    ]


def localisation(
    *, company: Company, run: ReconciliationRun, limit: int = 15
) -> dict[str, list[dict[str, Any]]]:
    """问题定位: problems of a run counted by operator, batch, week, seller and category."""
    problems = ReconciliationResult.objects.filter(company=company, run=run, is_problem=True)
    out: dict[str, list[dict[str, Any]]] = {}
    for dim in DIMENSIONS:
        rows = problems.values(dim).annotate(count=Count("id")).order_by("-count", dim)
        if dim == "week":
            rows = problems.values(dim).annotate(count=Count("id")).order_by(dim)
        out[dim] = [{"value": r[dim], "count": r["count"]} for r in rows[:limit]]
    return out


def problems_over_time(*, company: Company, limit: int = 50) -> list[dict[str, Any]]:
    """Problems found by each of the latest runs, oldest first (the dashboard's trend)."""
    runs = list(
        ReconciliationRun.objects.filter(company=company)
        .order_by("-created_at", "-id")
        .values("id", "as_of", "direction", "problem_count", "ledger_count")[:limit]
    )
    runs.reverse()
    open_counts = dict(
        ReconciliationResult.objects.filter(
            company=company, run_id__in=[r["id"] for r in runs], is_problem=True, status="open"
        )
        .values("run_id")
        .annotate(n=Count("id"))
        .values_list("run_id", "n")
    )
    return [
        {
            "run": r["id"],
            "as_of": r["as_of"].isoformat(),
            "direction": r["direction"],
            "problems": r["problem_count"],
            "open": open_counts.get(r["id"], 0),
        }
        for r in runs
    ]
