"""Reconciliation pages (对账): upload and run, results by category with filters, localisation
charts, one-click corrections, Excel export.  Objects come through company-scoped selectors:
another company's run or result is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fapiao.core.reconciliation import Category
from fapiao.web.companies.models import Company, Role
from fapiao.web.invoices.workflow_errors import WorkflowError
from fapiao.web.reconciliation import selectors, services, services_results
from fapiao.web.reconciliation.forms import ResultFilterForm, RunForm
from fapiao.web.reconciliation.models import ReconciliationResult, ReconciliationRun, ResultStatus
from fapiao.web.reconciliation.proposals import proposed_changes
from fapiao.web.reports.exports import results_xlsx
from fapiao.web.reports.services import export_record
from fapiao.web.reports.views import xlsx_response
from fapiao.web.shell.permissions import company_required, require_role

PAGE_SIZE = 100
WRITE_ROLES = (Role.ADMIN, Role.CLERK, Role.REVIEWER)


def _company(request: HttpRequest) -> Company:
    return request.company  # type: ignore[attr-defined,no-any-return]


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _run_or_404(request: HttpRequest, pk: int) -> ReconciliationRun:
    try:
        return selectors.run_get(company=_company(request), pk=pk)
    except ReconciliationRun.DoesNotExist:
        raise Http404 from None


def _result_or_404(request: HttpRequest, pk: int) -> ReconciliationResult:
    try:
        return selectors.result_get(company=_company(request), pk=pk)
    except ReconciliationResult.DoesNotExist:
        raise Http404 from None


@company_required()
@require_http_methods(["GET", "POST"])
def run_list_view(request: HttpRequest) -> HttpResponse:
    """对账: the runs so far and the upload form; POST runs a reconciliation."""
    form = RunForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require_role(request, *WRITE_ROLES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = services.reconciliation_queue(
                    company=_company(request),
                    direction=form.cleaned_data["direction"],
                    content=upload.read(),
                    filename=upload.name or "",
                    actor=request.user,  # type: ignore[arg-type]
                    as_of=form.cleaned_data.get("as_of"),
                    ip=_ip(request),
                )
            except WorkflowError as exc:
                form.add_error("file", f"{exc.message} · {exc.message_en}")
            else:
                return redirect("reconciliation:detail", pk=run.pk)
    return render(
        request,
        "reconciliation/run_list.html",
        {"form": form, "runs": selectors.run_list(company=_company(request))[:50]},
    )


@company_required()
@require_GET
def run_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """对账结果: counts by category, filtered results, localisation charts, actions."""
    run = _run_or_404(request, pk)
    form = ResultFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    page = (form.cleaned_data.get("page") if form.is_bound and form.is_valid() else None) or 1
    rows = selectors.result_list(company=_company(request), run=run, **filters)
    chunk = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    results = [
        {
            "result": r,
            "category": Category(r.category),
            "changes": proposed_changes(
                category=r.category,
                record=r.record,
                export_row=r.export_row,
                corrected_key=r.corrected_key,
            )
            if r.status == ResultStatus.OPEN
            else {},
        }
        for r in chunk[:PAGE_SIZE]
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reconciliation/run_detail.html",
        {
            "run": run,
            "form": form,
            "categories": selectors.category_counts(company=_company(request), run=run),
            "results": results,
            "page": page,
            "has_next": len(chunk) > PAGE_SIZE,
            "query": query.urlencode(),
            "dimensions": selectors.DIMENSIONS[:-1],
        },
    )


@company_required()
@require_GET
def localisation_view(request: HttpRequest, pk: int) -> HttpResponse:
    """问题定位 as JSON: problems by operator, batch, week, seller and category."""
    run = _run_or_404(request, pk)
    data: dict[str, Any] = selectors.localisation(company=_company(request), run=run)
    return JsonResponse({"run": run.pk, "data": data})


def _back(request: HttpRequest, result: ReconciliationResult) -> HttpResponse:
    url = reverse("reconciliation:detail", kwargs={"pk": result.run_id})
    query = request.POST.get("query", "")
    return redirect(f"{url}?{query}" if query else url)


@company_required(*WRITE_ROLES)
@require_POST
def result_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    """一键更正: apply the proposed correction of one result."""
    result = _result_or_404(request, pk)
    try:
        services_results.reconciliation_result_apply(
            result=result,
            actor=request.user,  # type: ignore[arg-type]
            ip=_ip(request),
        )
    except WorkflowError as exc:
        messages.error(request, f"{exc.message} · {exc.message_en}")
    else:
        messages.success(request, "已更正 · Corrected")
    return _back(request, result)


@company_required(*WRITE_ROLES)
@require_POST
def result_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    """忽略: close one result without changing the record."""
    result = _result_or_404(request, pk)
    try:
        services_results.reconciliation_result_dismiss(
            result=result,
            actor=request.user,  # type: ignore[arg-type]
            reason=request.POST.get("reason", "")[:500],
            ip=_ip(request),
        )
    except WorkflowError as exc:
        messages.error(request, f"{exc.message} · {exc.message_en}")
    return _back(request, result)


@company_required()
@require_GET
def results_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """对账结果 as Excel, with the same filters as the results page."""
    run = _run_or_404(request, pk)
    form = ResultFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("筛选条件无效 · invalid filters")
    filters = form.filters() if form.is_bound else {}
    rows = selectors.result_list(company=_company(request), run=run, **filters)
    data = results_xlsx(rows)
    export_record(
        company=_company(request),
        actor=request.user,  # type: ignore[arg-type]
        kind="reconciliation_results",
        rows=rows.count(),
        filters={"run": run.pk, **{k: v for k, v in filters.items() if v}},
        ip=_ip(request),
    )
    return xlsx_response(data, f"reconciliation-{run.pk}")
