"""Intake pages: upload (上传), batches with live progress (htmx polling), the unassigned tray."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fapiao.core.schema import invoice_from_dict
from fapiao.web.companies.models import Role
from fapiao.web.intake.forms import AssignForm, UploadForm, max_files
from fapiao.web.intake.limits import too_many_files
from fapiao.web.intake.models import IntakeBatch, Routing, UnassignedInvoice
from fapiao.web.intake.requests import acting_user, current_company
from fapiao.web.intake.selectors import (
    batch_counts,
    batch_get,
    batch_items,
    batch_list,
    unassigned_get,
    unassigned_list,
)
from fapiao.web.intake.services import (
    IntakeError,
    UploadFile,
    intake_upload,
    unassigned_assign,
    writable_companies,
)
from fapiao.web.shell.permissions import company_required

WRITERS = (Role.ADMIN, Role.CLERK)


def _batch_or_404(request: HttpRequest, pk: int) -> IntakeBatch:
    try:
        return batch_get(company=current_company(request), pk=pk)
    except IntakeBatch.DoesNotExist:
        raise Http404 from None


@company_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def upload_view(request: HttpRequest) -> HttpResponse:
    """上传发票: drop many files or ZIPs; each is parsed in the background."""
    companies = writable_companies(user=acting_user(request))
    try:
        form = UploadForm(request.POST or None, request.FILES or None)
    except TooManyFilesSent:  # beyond Django's hard cap, set to FAPIAO_MAX_UPLOAD_FILES
        refusal = too_many_files()
        messages.error(request, f"{refusal.message} · {refusal.message_en}")
        form = UploadForm()
    if request.method == "POST" and form.is_bound and form.is_valid():
        routing = form.cleaned_data.get("routing") or Routing.COMPANY
        if len(companies) < 2:
            routing = Routing.COMPANY
        files = [
            UploadFile(f.name or "", f.read(), getattr(f, "content_type", "") or "")
            for f in form.cleaned_data["upload"]
        ]
        try:
            batch = intake_upload(
                company=current_company(request),
                actor=acting_user(request),
                files=files,
                direction=form.cleaned_data["direction"],
                routing=routing,
            )
        except IntakeError as exc:
            messages.error(request, f"{exc.message} · {exc.message_en}")
        else:
            return HttpResponseRedirect(reverse("intake:batch", args=[batch.pk]))
    return render(
        request,
        "intake/upload.html",
        {
            "form": form,
            "is_agency": len(companies) > 1,
            "companies": companies,
            "max_files": max_files(),
        },
    )


@company_required()
@require_GET
def batch_list_view(request: HttpRequest) -> HttpResponse:
    """上传记录: the company's recent batches."""
    batches = batch_list(company=current_company(request))[:100]
    return render(request, "intake/batches.html", {"batches": batches})


def _progress_context(batch: IntakeBatch) -> dict[str, object]:
    items = list(batch_items(batch=batch))
    counts = batch_counts(items)
    return {
        "batch": batch,
        "items": items,
        "counts": counts,
        "is_finished": counts["finished"] == counts["files"],
    }


@company_required()
@require_GET
def batch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch: each file's status, invoices created and merged, errors."""
    batch = _batch_or_404(request, pk)
    return render(request, "intake/batch.html", _progress_context(batch))


@company_required()
@require_GET
def batch_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial the batch page polls every second until every file is finished."""
    batch = _batch_or_404(request, pk)
    return render(request, "intake/_progress.html", _progress_context(batch))


@company_required()
@require_GET
def tray_view(request: HttpRequest) -> HttpResponse:
    """待分配: invoices the user uploaded that no company of theirs took."""
    companies = writable_companies(user=acting_user(request))
    entries = [
        {
            "entry": entry,
            "invoice": invoice_from_dict(entry.invoice),
            "form": AssignForm(companies=companies, prefix=f"e{entry.pk}"),
        }
        for entry in unassigned_list(user=acting_user(request))[:200]
    ]
    return render(request, "intake/tray.html", {"entries": entries, "companies": companies})


@company_required()
@require_POST
def tray_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign one tray invoice to a company and direction."""
    try:
        entry = unassigned_get(user=acting_user(request), pk=pk)
    except UnassignedInvoice.DoesNotExist:
        raise Http404 from None
    companies = writable_companies(user=acting_user(request))
    form = AssignForm(request.POST, companies=companies, prefix=f"e{pk}")
    if not form.is_valid():
        messages.error(request, _("请选择公司和方向 · Choose a company and a direction"))
        return HttpResponseRedirect(reverse("intake:tray"))
    company = next((c for c in companies if c.pk == form.cleaned_data["company"]), None)
    if company is None:
        raise Http404
    try:
        unassigned_assign(
            entry=entry,
            company=company,
            direction=form.cleaned_data["direction"],
            actor=acting_user(request),
        )
    except IntakeError as exc:
        messages.error(request, f"{exc.message} · {exc.message_en}")
    else:
        messages.success(
            request, _("已分配到 %(name)s · Assigned to %(name)s") % {"name": company.name}
        )
    return HttpResponseRedirect(reverse("intake:tray"))
