"""Pages that bring invoices in by hand: manual entry (手工录入) and ledger import (台账导入).

Manual entry checks as you type: the form posts to ``manual_validate_view`` (htmx) which runs the
core rules on what is filled in, describes the identifiers and writes the 大写 of the gross.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fapiao.core.amounts.uppercase import to_uppercase
from fapiao.core.errors import FapiaoError
from fapiao.core.identifiers.describe import describe
from fapiao.core.invoice import Direction as CoreDirection
from fapiao.core.rules.base import RuleContext, check
from fapiao.web.companies.models import Role
from fapiao.web.intake.ledger import PREVIEW_ROWS, ledger_invoices
from fapiao.web.intake.requests import acting_user, current_company
from fapiao.web.intake.services import IntakeError, ledger_import_start
from fapiao.web.invoices.forms import LedgerUploadForm, ManualInvoiceForm, PartialManualForm
from fapiao.web.invoices.models import Direction, StoredFile
from fapiao.web.invoices.originals import original_exists
from fapiao.web.invoices.selectors import stored_file_get
from fapiao.web.invoices.services import invoice_save_parsed, stored_file_create
from fapiao.web.shell.permissions import company_required

WRITERS = (Role.ADMIN, Role.CLERK)
IDENTIFIER_FIELDS = ("number", "code", "check_code", "seller_tax_id", "buyer_tax_id")


def _hints(data: dict[str, Any]) -> list[dict[str, str]]:
    """What each typed identifier is (``describe``), or why it is not one."""
    hints = []
    for name in IDENTIFIER_FIELDS:
        value = (data.get(name) or "").strip()
        if not value:
            continue
        try:
            found = describe(value)
        except FapiaoError as exc:
            hints.append({"field": name, "ok": "", "text": exc.message, "text_en": exc.message_en})
            continue
        parts = [found.type_name, found.kind_name, found.region.name if found.region else None]
        parts_en = [
            found.type_name_en,
            found.kind_name_en,
            found.region.name_en if found.region else None,
        ]
        text = f"{found.formatted}：" + "，".join(p for p in parts if p)
        text_en = f"{found.formatted}: " + ", ".join(p for p in parts_en if p)
        if not found.valid:
            text, text_en = text + "（校验未通过）", text_en + " (check failed)"
        hints.append(
            {"field": name, "ok": "1" if found.valid else "", "text": text, "text_en": text_en}
        )
    return hints


@company_required(*WRITERS)
@require_POST
def manual_validate_view(request: HttpRequest) -> HttpResponse:
    """The findings partial for what has been typed so far (htmx, on change)."""
    form = PartialManualForm(request.POST)
    form.is_valid()
    invoice = form.to_invoice()
    direction = form.cleaned_data.get("direction")
    if direction:
        invoice = dataclasses.replace(invoice, direction=CoreDirection(direction))
    company = current_company(request)
    findings = check(invoice, RuleContext(company_tax_id=company.tax_id))
    gross = form.cleaned_data.get("gross_amount")
    uppercase = to_uppercase(gross) if isinstance(gross, Decimal) else ""
    return render(
        request,
        "invoices/_manual_findings.html",
        {
            "findings": [f.as_dict() for f in findings],
            "hints": _hints(request.POST.dict()),
            "uppercase": uppercase,
            "form_errors": form.errors,
        },
    )


@company_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def manual_entry_view(request: HttpRequest) -> HttpResponse:
    """手工录入: one invoice typed in, saved with 来源 = 手工 (manual)."""
    company = current_company(request)
    form = ManualInvoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        direction = Direction(form.cleaned_data["direction"])
        invoice = dataclasses.replace(form.to_invoice(), direction=CoreDirection(direction.value))
        from fapiao.core.rules.base import validate

        invoice = validate(invoice, RuleContext(company_tax_id=company.tax_id))
        record, created = invoice_save_parsed(
            company=company,
            direction=direction,
            invoice=invoice,
            actor=acting_user(request),
        )
        if created:
            messages.success(request, _("发票已保存 · Invoice saved"))
        else:
            messages.info(
                request, _("已有相同发票，已合并 · The same invoice existed and was merged")
            )
        return HttpResponseRedirect(reverse("invoices:detail", args=[record.pk]))
    return render(request, "invoices/manual.html", {"form": form})


@company_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def ledger_upload_view(request: HttpRequest) -> HttpResponse:
    """台账导入, step 1: store the file, read it, show the first rows and the findings."""
    company = current_company(request)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        stored, _created = stored_file_create(
            company=company,
            content=content,
            original_name=upload.name or "",
            content_type=getattr(upload, "content_type", "") or "",
            actor=acting_user(request),
        )
        try:
            table, invoices = ledger_invoices(content, filename=upload.name)
        except FapiaoError as exc:
            context["error"] = exc.as_dict()
            return render(request, "invoices/ledger.html", context, status=400)
        context.update(
            {
                "stored": stored,
                "direction": form.cleaned_data["direction"],
                "headers": dict(table.headers),
                "rows": [
                    {"row": row, "invoice": invoice} for row, invoice in invoices[:PREVIEW_ROWS]
                ],
                "row_count": len(invoices),
                "findings": [f.as_dict() for f in table.findings[:50]],
            }
        )
    return render(request, "invoices/ledger.html", context)


@company_required(*WRITERS)
@require_POST
def ledger_confirm_view(request: HttpRequest) -> HttpResponse:
    """台账导入, step 2: import every row in the background; show the batch's progress."""
    company = current_company(request)
    try:
        stored: StoredFile = stored_file_get(
            company=company, pk=int(request.POST.get("stored", ""))
        )
        direction = Direction(request.POST.get("direction", ""))
    except (StoredFile.DoesNotExist, ValueError):
        raise Http404 from None
    if not original_exists(stored):
        raise Http404
    try:
        batch = ledger_import_start(
            company=company,
            actor=acting_user(request),
            stored_file=stored,
            direction=direction,
        )
    except IntakeError as exc:
        messages.error(request, f"{exc.message} · {exc.message_en}")
        return HttpResponseRedirect(reverse("invoices:ledger"))
    return HttpResponseRedirect(reverse("intake:batch", args=[batch.pk]))
