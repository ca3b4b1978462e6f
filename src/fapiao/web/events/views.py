"""审计日志 (audit trail) pages: browse with filters, export to Excel, chain status.

Admins and auditors (the viewer role) only.  Everything is read through company-scoped
selectors; an export is itself recorded as an event.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fapiao.web.accounts.sessions import reauth_required
from fapiao.web.companies.models import Company, Role
from fapiao.web.events.forms import EventFilterForm
from fapiao.web.events.head import chain_verify_with_head
from fapiao.web.events.selectors import event_actions, event_search
from fapiao.web.reports.exports import events_xlsx
from fapiao.web.reports.services import export_record
from fapiao.web.shell.permissions import company_required

AUDIT_ROLES = (Role.ADMIN, Role.VIEWER)
PAGE_SIZE = 50


def _company(request: HttpRequest) -> Company:
    company: Company = request.company  # type: ignore[attr-defined]
    return company


def _filters(request: HttpRequest) -> tuple[EventFilterForm, dict[str, Any]]:
    form = EventFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return form, {}


@company_required(*AUDIT_ROLES)
@require_GET
def event_list_view(request: HttpRequest) -> HttpResponse:
    """The company's trail, newest first, filtered and paged."""
    company = _company(request)
    form, filters = _filters(request)
    rows = event_search(company=company, **filters).order_by("-seq")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "actions": event_actions(company=company),
        },
    )


@company_required(*AUDIT_ROLES)
@require_GET
def event_verify_view(request: HttpRequest) -> HttpResponse:
    """Whether the company's hash chain holds (and matches its recorded head), first bad event."""
    result = chain_verify_with_head(_company(request).pk)
    return render(request, "events/verify.html", {"result": result})


@company_required(*AUDIT_ROLES)
@require_GET
@reauth_required
def event_export_view(request: HttpRequest) -> HttpResponse:
    """The filtered trail as an Excel workbook (the export is an event too)."""
    company = _company(request)
    _, filters = _filters(request)
    rows = event_search(company=company, **filters)
    count = rows.count()
    data = events_xlsx(rows)
    export_record(
        company=company,
        actor=request.user,  # type: ignore[arg-type]
        kind="audit_events",
        rows=count,
        filters=filters,
        ip=request.META.get("REMOTE_ADDR") or None,
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response
