"""Review (审核) and status (状态) pages: the queue, the review page, corrections, status actions.

Views are thin: they read through company-scoped selectors (another company's id is a 404),
validate the form, call one service, and show its refusal (``message · message_en``) as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fapiao.web.companies.models import Role
from fapiao.web.invoices.forms_review import (
    ApproveForm,
    BookingStatusForm,
    CorrectionForm,
    DeductionStatusForm,
    ReturnForm,
    TaxStatusForm,
)
from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    Direction,
    InvoiceRecord,
    ReviewStatus,
    TaxStatus,
)
from fapiao.web.invoices.preview import source_page_count
from fapiao.web.invoices.selectors import invoice_get
from fapiao.web.invoices.selectors_review import (
    error_findings,
    invoice_editor_ids,
    invoice_editor_ids_many,
    invoice_history,
    low_confidence_fields,
    review_queue,
)
from fapiao.web.invoices.services_review import (
    invoice_approve,
    invoice_bulk_approve,
    invoice_correct,
    invoice_return,
    invoice_submit,
)
from fapiao.web.invoices.services_status import (
    BOOKING_TRANSITIONS,
    DEDUCTION_TRANSITIONS,
    TAX_TRANSITIONS,
    invoice_booking_status_set,
    invoice_deduction_status_set,
    invoice_tax_status_set,
)
from fapiao.web.invoices.views import field_rows
from fapiao.web.invoices.workflow_errors import WorkflowError
from fapiao.web.shell.permissions import company_required

REVIEWERS = (Role.ADMIN, Role.REVIEWER)
EDITORS = (Role.ADMIN, Role.CLERK, Role.REVIEWER)
QUEUE_SIZE = 200


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _record_or_404(request: HttpRequest, pk: int) -> InvoiceRecord:
    try:
        return invoice_get(company=request.company, pk=pk)  # type: ignore[attr-defined]
    except InvoiceRecord.DoesNotExist:
        raise Http404 from None


def _refused(request: HttpRequest, exc: WorkflowError) -> None:
    messages.error(request, f"{exc.message} · {exc.message_en}")


def _next(request: HttpRequest, default: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = default
    return HttpResponseRedirect(target)


def _role(request: HttpRequest) -> str:
    membership = getattr(request, "membership", None)
    return str(membership.role) if membership is not None else ""


@company_required(*REVIEWERS)
@require_GET
def review_queue_view(request: HttpRequest) -> HttpResponse:
    """待审核: pending invoices, with errors, low-confidence fields and own entries marked."""
    direction = request.GET.get("direction") or None
    if direction not in (None, *Direction.values):
        direction = None
    search = (request.GET.get("q") or "").replace("\x00", "").strip()[:100] or None
    rows = list(
        review_queue(
            company=request.company,  # type: ignore[attr-defined]
            direction=direction,
            search=search,
        )[:QUEUE_SIZE]
    )
    editors = invoice_editor_ids_many(
        company=request.company,  # type: ignore[attr-defined]
        records=rows,
    )
    items = [
        {
            "invoice": row,
            "errors": len(error_findings(row.findings)),
            "low": len(low_confidence_fields(row.fields)),
            "is_mine": request.user.pk in editors[row.pk],
        }
        for row in rows
    ]
    return render(
        request,
        "invoices/review/queue.html",
        {"items": items, "direction": direction or "", "q": search or "", "limit": QUEUE_SIZE},
    )


@company_required()
@require_GET
def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """审核页: the preview next to the fields, low-confidence fields and findings highlighted."""
    record = _record_or_404(request, pk)
    sources = [
        {
            "source": source,
            "pages": range(1, source_page_count(source.stored_file, source.member) + 1),
        }
        for source in record.sources.all()
    ]
    findings = sorted(
        record.findings or [],
        key=lambda f: {"error": 0, "warning": 1, "info": 2}.get(f.get("severity", ""), 3),
    )
    flagged = {str(f.get("field") or "").replace(".", "_") for f in findings}
    low = low_confidence_fields(record.fields)
    rows = [
        {**row, "is_flagged": row["path"].replace(".", "_") in flagged or row["is_low"]}
        for row in field_rows(record)
    ]
    is_editor = request.user.pk in invoice_editor_ids(record=record)
    role = _role(request)
    return render(
        request,
        "invoices/review/detail.html",
        {
            "invoice": record,
            "fields": rows,
            "low_count": len(low),
            "findings": findings,
            "errors": error_findings(findings),
            "sources": sources,
            "lines": record.lines.all(),
            "events": invoice_history(company=request.company, record=record),  # type: ignore[attr-defined]
            "is_editor": is_editor,
            "can_review": role in REVIEWERS and record.review_status == ReviewStatus.PENDING,
            "can_edit": role in EDITORS,
            "can_submit": role in EDITORS
            and record.review_status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED),
            "approve_form": ApproveForm(),
            "return_form": ReturnForm(),
        },
    )


@company_required(*REVIEWERS)
@require_POST
def invoice_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """审核通过 (the service refuses self-approval and unexplained error findings)."""
    record = _record_or_404(request, pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            invoice_approve(
                record=record,
                actor=request.user,  # type: ignore[arg-type]
                override_reason=form.cleaned_data["override_reason"],
                ip=_ip(request),
            )
        except WorkflowError as exc:
            _refused(request, exc)
            return HttpResponseRedirect(reverse("invoices:review", args=[pk]))
        messages.success(request, _("已审核通过 · Approved"))
    return HttpResponseRedirect(reverse("invoices:review_queue"))


@company_required(*REVIEWERS)
@require_POST
def invoice_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    """退回 with a reason."""
    record = _record_or_404(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("退回需要写明原因 · Returning needs a reason"))
        return HttpResponseRedirect(reverse("invoices:review", args=[pk]))
    try:
        invoice_return(
            record=record,
            actor=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
            ip=_ip(request),
        )
    except WorkflowError as exc:
        _refused(request, exc)
        return HttpResponseRedirect(reverse("invoices:review", args=[pk]))
    messages.success(request, _("已退回 · Returned"))
    return HttpResponseRedirect(reverse("invoices:review_queue"))


@company_required(*EDITORS)
@require_POST
def invoice_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """提交审核 (again, after a correction)."""
    record = _record_or_404(request, pk)
    try:
        invoice_submit(record=record, actor=request.user, ip=_ip(request))  # type: ignore[arg-type]
    except WorkflowError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已提交审核 · Submitted for review"))
    return _next(request, reverse("invoices:review", args=[pk]))


@company_required(*REVIEWERS)
@require_POST
def invoice_bulk_approve_view(request: HttpRequest) -> HttpResponse:
    """批量审核: each id through the same service; refusals are listed."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:QUEUE_SIZE]
    result = invoice_bulk_approve(
        company=request.company,  # type: ignore[attr-defined]
        ids=ids,
        actor=request.user,  # type: ignore[arg-type]
        override_reason=None,
        ip=_ip(request),
    )
    if result.approved:
        messages.success(
            request, _("已审核 %(n)d 张 · Approved %(n)d") % {"n": len(result.approved)}
        )
    for item in result.refused:
        messages.error(
            request,
            f"#{item['invoice']}: {item['message']} · {item['message_en']}",
        )
    return HttpResponseRedirect(reverse("invoices:review_queue"))


@company_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def invoice_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """更正: edit the fields; changed ones get manual provenance and the rules run again."""
    record = _record_or_404(request, pk)
    form = CorrectionForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            invoice_correct(
                record=record,
                actor=request.user,  # type: ignore[arg-type]
                changes=form.changes(),
                ip=_ip(request),
            )
        except WorkflowError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("已保存更正 · Correction saved"))
            return HttpResponseRedirect(reverse("invoices:review", args=[pk]))
    low = low_confidence_fields(record.fields)
    return render(
        request,
        "invoices/review/correct.html",
        {"invoice": record, "form": form, "low": low},
    )


def _choices(table: dict[str, frozenset[str]], current: str, choices: Any) -> list[Any]:
    return [c for c in choices if c.value in table[current]]


def _status_context(request: HttpRequest, record: InvoiceRecord) -> dict[str, Any]:
    can_change = _role(request) in EDITORS
    return {
        "invoice": record,
        "can_change": can_change,
        "is_purchase": record.direction == Direction.PURCHASE,
        "tax_targets": _choices(TAX_TRANSITIONS, record.tax_status, TaxStatus),
        "deduction_targets": _choices(
            DEDUCTION_TRANSITIONS, record.deduction_status, DeductionStatus
        ),
        "booking_targets": _choices(BOOKING_TRANSITIONS, record.booking_status, BookingStatus),
        "can_submit": can_change
        and record.review_status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED),
    }


@company_required()
@require_GET
def status_actions_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The status panel of an invoice (loaded into the detail page by htmx)."""
    record = _record_or_404(request, pk)
    return render(request, "invoices/review/_status_panel.html", _status_context(request, record))


_STATUS_FORMS = {
    "tax": TaxStatusForm,
    "deduction": DeductionStatusForm,
    "booking": BookingStatusForm,
}


@company_required(*EDITORS)
@require_POST
def status_set_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Change 发票状态, 抵扣状态 or 入账状态 through its service."""
    record = _record_or_404(request, pk)
    form_class = _STATUS_FORMS.get(kind)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("状态无效 · Invalid status"))
    else:
        data = form.cleaned_data
        actor: Any = request.user
        try:
            if kind == "tax":
                invoice_tax_status_set(record=record, to=data["to"], actor=actor, ip=_ip(request))
            elif kind == "deduction":
                invoice_deduction_status_set(
                    record=record,
                    to=data["to"],
                    actor=actor,
                    period=data["period"],
                    reason=data["reason"],
                    ip=_ip(request),
                )
            else:
                invoice_booking_status_set(
                    record=record,
                    to=data["to"],
                    actor=actor,
                    voucher_number=data["voucher_number"],
                    ip=_ip(request),
                )
        except WorkflowError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("状态已更新 · Status updated"))
    if request.headers.get("HX-Request"):
        record.refresh_from_db()
        return render(
            request, "invoices/review/_status_panel.html", _status_context(request, record)
        )
    return _next(request, reverse("invoices:detail", args=[pk]))
