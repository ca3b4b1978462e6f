"""Claim pages (报销): my claims, new claim, claim detail with totals, items and decisions.

Claims are read through company-scoped selectors: another company's claim is a 404, and a clerk
sees only their own claims.  Every write calls one service; a refusal (``message · message_en``)
is shown as a message on the claim page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fapiao.web.claims.forms import ClaimForm, ReasonForm, ReceiptForm
from fapiao.web.claims.models import Claim, ClaimItem, ClaimStatus
from fapiao.web.claims.selectors import (
    claim_get,
    claim_item_get,
    claim_list,
    claim_totals,
    claimable_invoices,
    claims_awaiting_decision,
)
from fapiao.web.claims.services import (
    EDITABLE_STATUSES,
    claim_approve,
    claim_create,
    claim_invoice_add,
    claim_item_remove,
    claim_pay,
    claim_receipt_add,
    claim_reject,
    claim_return,
    claim_submit,
)
from fapiao.web.companies.models import Role
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.selectors import invoice_get
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.invoices.workflow_errors import WorkflowError
from fapiao.web.shell.permissions import company_required

WRITERS = (Role.ADMIN, Role.CLERK, Role.REVIEWER)
DECIDERS = (Role.ADMIN, Role.REVIEWER)
MAX_RECEIPT_BYTES = 20 * 1024 * 1024
PICKER_SIZE = 50


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _role(request: HttpRequest) -> str:
    membership = getattr(request, "membership", None)
    return str(membership.role) if membership is not None else ""


def _claim_or_404(request: HttpRequest, pk: int) -> Claim:
    """The claim, if it is the current company's and the member may see it (clerks: own only)."""
    try:
        claim = claim_get(company=request.company, pk=pk)  # type: ignore[attr-defined]
    except Claim.DoesNotExist:
        raise Http404 from None
    if _role(request) == Role.CLERK and claim.claimant_id != request.user.pk:
        raise Http404
    return claim


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("claims:detail", args=[pk]))


def _refused(request: HttpRequest, exc: WorkflowError) -> None:
    messages.error(request, f"{exc.message} · {exc.message_en}")


@company_required()
@require_GET
def claim_list_view(request: HttpRequest) -> HttpResponse:
    """我的报销 (mine), 待审批 (to decide) and, for reviewers and admins, all claims."""
    company: Any = request.company  # type: ignore[attr-defined]
    scope = request.GET.get("scope") or "mine"
    role = _role(request)
    if scope == "decide" and role in DECIDERS:
        claims = claims_awaiting_decision(company=company)
    elif scope == "all" and role in (*DECIDERS, Role.VIEWER):
        claims = claim_list(company=company)
    else:
        scope = "mine"
        claims = claim_list(company=company, claimant_id=request.user.pk)
    return render(
        request,
        "claims/list.html",
        {
            "claims": claims[:200],
            "scope": scope,
            "can_decide": role in DECIDERS,
            "can_see_all": role in (*DECIDERS, Role.VIEWER),
            "can_create": role in WRITERS,
        },
    )


@company_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def claim_new_view(request: HttpRequest) -> HttpResponse:
    """新建报销单."""
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_create(
                company=request.company,  # type: ignore[attr-defined]
                claimant=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                ip=_ip(request),
            )
        except WorkflowError as exc:
            _refused(request, exc)
        else:
            return _back(claim.pk)
    return render(request, "claims/new.html", {"form": form})


@company_required()
@require_GET
def claim_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """报销单: items, totals, the invoice picker (claimant, while editable) and decisions."""
    claim = _claim_or_404(request, pk)
    role = _role(request)
    is_claimant = claim.claimant_id == request.user.pk
    can_edit = is_claimant and role in WRITERS and claim.status in EDITABLE_STATUSES
    search = (request.GET.get("q") or "").strip()[:100]
    return render(
        request,
        "claims/detail.html",
        {
            "claim": claim,
            "items": claim.items.all(),
            "totals": claim_totals(claim=claim),
            "can_edit": can_edit,
            "can_decide": role in DECIDERS
            and not is_claimant
            and claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED),
            "can_pay": role == Role.ADMIN
            and not is_claimant
            and claim.status == ClaimStatus.APPROVED,
            "candidates": claimable_invoices(
                company=claim.company, search=search or None, limit=PICKER_SIZE
            )
            if can_edit
            else [],
            "q": search,
            "receipt_form": ReceiptForm(),
            "reason_form": ReasonForm(),
        },
    )


@company_required(*WRITERS)
@require_GET
def claim_picker_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice picker's rows for a search (htmx partial)."""
    claim = _claim_or_404(request, pk)
    search = (request.GET.get("q") or "").strip()[:100]
    return render(
        request,
        "claims/_picker.html",
        {
            "claim": claim,
            "candidates": claimable_invoices(
                company=claim.company, search=search or None, limit=PICKER_SIZE
            ),
        },
    )


@company_required(*WRITERS)
@require_POST
def claim_invoice_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an invoice of the company to the claim (refused when another claim holds it)."""
    claim = _claim_or_404(request, pk)
    invoice_id = request.POST.get("invoice", "")
    if not invoice_id.isdigit():
        raise Http404
    try:
        record = invoice_get(company=claim.company, pk=int(invoice_id))
    except InvoiceRecord.DoesNotExist:
        raise Http404 from None
    try:
        claim_invoice_add(claim=claim, record=record, actor=request.user, ip=_ip(request))  # type: ignore[arg-type]
    except WorkflowError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("已添加发票 · Invoice added"))
    return _back(pk)


@company_required(*WRITERS)
@require_POST
def claim_receipt_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add another receipt with its amount and, optionally, a scan (kept as a stored file)."""
    claim = _claim_or_404(request, pk)
    form = ReceiptForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请填写摘要和金额 · Enter a description and an amount"))
        return _back(pk)
    stored = None
    upload = form.cleaned_data["file"]
    try:
        if upload is not None:
            if upload.size > MAX_RECEIPT_BYTES:
                messages.error(request, _("附件太大 · The attachment is too large"))
                return _back(pk)
            stored, _created = stored_file_create(
                company=claim.company,
                content=upload.read(),
                original_name=upload.name or "",
                content_type=upload.content_type or "",
                actor=request.user,  # type: ignore[arg-type]
            )
        claim_receipt_add(
            claim=claim,
            actor=request.user,  # type: ignore[arg-type]
            description=form.cleaned_data["description"],
            amount=form.cleaned_data["amount"],
            stored_file=stored,
            ip=_ip(request),
        )
    except WorkflowError as exc:
        _refused(request, exc)
    return _back(pk)


@company_required(*WRITERS)
@require_POST
def claim_item_remove_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Remove an item from the claimant's editable claim."""
    claim = _claim_or_404(request, pk)
    try:
        item = claim_item_get(claim=claim, pk=item_pk)
    except ClaimItem.DoesNotExist:
        raise Http404 from None
    try:
        claim_item_remove(item=item, actor=request.user, ip=_ip(request))  # type: ignore[arg-type]
    except WorkflowError as exc:
        _refused(request, exc)
    return _back(pk)


_ACTIONS = {
    "submit": gettext_lazy("已提交 · Submitted"),
    "approve": gettext_lazy("已批准 · Approved"),
    "reject": gettext_lazy("已驳回 · Rejected"),
    "return": gettext_lazy("已退回 · Returned"),
    "pay": gettext_lazy("已标记支付 · Marked paid"),
}


@company_required(*WRITERS)
@require_POST
def claim_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """提交, 批准, 驳回, 退回, 支付: one service each; the service checks who may do it."""
    if action not in _ACTIONS:
        raise Http404
    claim = _claim_or_404(request, pk)
    actor: Any = request.user
    reason = ReasonForm(request.POST)
    text = reason.cleaned_data["reason"] if reason.is_valid() else ""
    try:
        if action == "submit":
            claim_submit(claim=claim, actor=actor, ip=_ip(request))
        elif action == "approve":
            claim_approve(claim=claim, actor=actor, ip=_ip(request))
        elif action == "reject":
            claim_reject(claim=claim, actor=actor, reason=text, ip=_ip(request))
        elif action == "return":
            claim_return(claim=claim, actor=actor, reason=text, ip=_ip(request))
        else:
            claim_pay(claim=claim, actor=actor, ip=_ip(request))
    except WorkflowError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _ACTIONS[action])
    return _back(pk)
