"""Report pages: the dashboard (仪表盘) and its JSON chart data, Excel exports, print views.

Views are thin: they read through company-scoped selectors (another company's ids are a 404)
and every export is recorded as an ``export.created`` event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Sum
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fapiao.core.invoice import china_today
from fapiao.core.reports import rate_label
from fapiao.web.accounts.sessions import reauth_required
from fapiao.web.companies.models import Company, Role
from fapiao.web.events.selectors import event_list
from fapiao.web.invoices.forms import InvoiceFilterForm
from fapiao.web.invoices.selectors import invoice_list
from fapiao.web.reports import selectors
from fapiao.web.reports.charts import CHARTS, chart_data
from fapiao.web.reports.exports import claims_xlsx, events_xlsx, invoices_xlsx, table_xlsx
from fapiao.web.reports.services import export_record
from fapiao.web.shell.permissions import company_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUDIT_ROLES = (Role.ADMIN, Role.REVIEWER, Role.VIEWER)
MAX_PRINT = 200


def _company(request: HttpRequest) -> Company:
    return request.company  # type: ignore[attr-defined,no-any-return]


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    """An .xlsx download named ``<name>-<today>.xlsx``."""
    response = HttpResponse(data, content_type=XLSX)
    stamp = china_today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


@company_required()
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """仪表盘: the charts (drawn by static/reports/dashboard.js) and the review queue."""
    try:
        period = _period(request)
    except ValueError:
        period = {"date_from": None, "date_to": None}
    query = "&".join(f"{k}={v.isoformat()}" for k, v in period.items() if v)
    return render(
        request,
        "reports/dashboard.html",
        {
            "review": selectors.review_queue(company=_company(request)),
            "period": period,
            "period_query": query,
        },
    )


def _period(request: HttpRequest) -> dict[str, dt.date | None]:
    out: dict[str, dt.date | None] = {}
    for name in ("date_from", "date_to"):
        text = request.GET.get(name, "").strip()
        out[name] = dt.date.fromisoformat(text) if text else None
    return out


@company_required()
@require_GET
def chart_view(request: HttpRequest, name: str) -> HttpResponse:
    """One chart's data as JSON (amounts as exact decimal text)."""
    if name not in CHARTS:
        raise Http404
    try:
        period = _period(request)
    except ValueError:
        return HttpResponseBadRequest("日期格式应为 YYYY-MM-DD · dates must be YYYY-MM-DD")
    data = chart_data(company=_company(request), name=name, period=period)
    return JsonResponse({"chart": name, "data": data})


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    """The company's invoices under the list's GET filters; None when the filters are invalid."""
    form = InvoiceFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return None
    filters = form.filters() if form.is_bound else {}
    return invoice_list(company=_company(request), **filters), filters


@company_required()
@require_GET
@reauth_required
def export_invoices_view(request: HttpRequest) -> HttpResponse:
    """发票清单 as Excel, with the same filters as the invoice list."""
    found = _filtered(request)
    if found is None:
        return HttpResponseBadRequest("筛选条件无效 · invalid filters")
    rows, filters = found
    data = invoices_xlsx(rows)
    export_record(
        company=_company(request),
        actor=request.user,  # type: ignore[arg-type]
        kind="invoices",
        rows=rows.count(),
        filters={k: v for k, v in filters.items() if v},
        ip=_ip(request),
    )
    return xlsx_response(data, "invoices")


@company_required()
@require_GET
def export_summary_view(request: HttpRequest) -> HttpResponse:
    """发票汇总表 as Excel, with the same filters as the invoice list."""
    found = _filtered(request)
    if found is None:
        return HttpResponseBadRequest("筛选条件无效 · invalid filters")
    rows, filters = found
    table = selectors.invoice_summary(invoices=rows)
    export_record(
        company=_company(request),
        actor=request.user,  # type: ignore[arg-type]
        kind="summary",
        rows=len(table.rows),
        filters={k: v for k, v in filters.items() if v},
        ip=_ip(request),
    )
    return xlsx_response(table_xlsx(table), "summary")


@company_required(*AUDIT_ROLES)
@require_GET
@reauth_required
def export_events_view(request: HttpRequest) -> HttpResponse:
    """审计日志 as Excel (admins, reviewers and auditors)."""
    company = _company(request)
    events = event_list(company=company)
    count = events.count()
    data = events_xlsx(events)
    export_record(
        company=company,
        actor=request.user,  # type: ignore[arg-type]
        kind="events",
        rows=count,
        ip=_ip(request),
    )
    return xlsx_response(data, "events")


@company_required(*AUDIT_ROLES)
@require_GET
def export_claims_view(request: HttpRequest) -> HttpResponse:
    """报销单 as Excel, once the claims app is installed."""
    if not apps.is_installed("fapiao.web.claims"):
        raise Http404
    from fapiao.web.claims.models import Claim

    company = _company(request)
    claims = Claim.objects.filter(company=company).order_by("-created_at", "-id")
    data = claims_xlsx(claims)
    export_record(
        company=company,
        actor=request.user,  # type: ignore[arg-type]
        kind="claims",
        rows=claims.count(),
        ip=_ip(request),
    )
    return xlsx_response(data, "claims")


def _plain(value: Decimal | None) -> str:
    """A quantity or unit price without trailing zeros (``1.0000000000000`` -> ``1``)."""
    return "" if value is None else format(value.normalize(), "f")


def _ids(text: str) -> list[int]:
    ids = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if part:
            ids.append(int(part))
    return list(dict.fromkeys(ids))


@company_required()
@require_GET
def print_invoices_view(request: HttpRequest) -> HttpResponse:
    """打印发票: one invoice per A4 page, or two (``per_page=2``); a foreign id is a 404."""
    try:
        ids = _ids(request.GET.get("ids", ""))
        per_page = int(request.GET.get("per_page", "1"))
    except ValueError:
        return HttpResponseBadRequest("ids 应为以逗号分隔的编号 · ids must be comma-separated")
    if not ids or len(ids) > MAX_PRINT or per_page not in (1, 2):
        return HttpResponseBadRequest("ids 或 per_page 无效 · invalid ids or per_page")
    found = {
        r.pk: r
        for r in invoice_list(company=_company(request))
        .filter(pk__in=ids)
        .prefetch_related("lines")
    }
    if len(found) != len(ids):
        raise Http404
    return render(
        request,
        "reports/print_invoices.html",
        {
            "sheets": [
                {
                    "invoice": found[pk],
                    "lines": [
                        (
                            line,
                            rate_label(line.tax_rate),
                            _plain(line.quantity),
                            _plain(line.unit_price),
                        )
                        for line in found[pk].lines.all()
                    ],
                }
                for pk in ids
            ],
            "per_page": per_page,
        },
    )


@company_required()
@require_GET
def print_summary_view(request: HttpRequest) -> HttpResponse:
    """打印汇总表: the 汇总表 of the filtered list with its 合计 row."""
    found = _filtered(request)
    if found is None:
        return HttpResponseBadRequest("筛选条件无效 · invalid filters")
    rows, filters = found
    table = selectors.invoice_summary(invoices=rows)
    overall = rows.aggregate(
        count=Count("id"),
        net=Sum("net_amount"),
        tax=Sum("tax_amount"),
        gross=Sum("gross_amount"),
    )
    return render(
        request,
        "reports/print_summary.html",
        {
            "table": table,
            "rows": table.rows,
            "totals": table.totals(),
            "overall": overall,
            "filters": {k: v for k, v in filters.items() if v},
            "company": _company(request),
            "printed_on": china_today(),
        },
    )
