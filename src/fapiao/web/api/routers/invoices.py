"""发票 (invoices): list and search, detail, upload, review and status changes.

Every read goes through a company-scoped selector with the token's company, so an id of another
company's invoice is 404.  Every change goes through the same service as the pages, which checks
the role and the transition (and refuses self-approval on this path too).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from fapiao.web.api.auth import actor_of, client_ip, company_of, require_role
from fapiao.web.api.documents import invoice_document
from fapiao.web.api.errors import ApiError
from fapiao.web.api.schemas import (
    MAX_OFFSET,
    ApproveIn,
    BatchOut,
    BookingStatusIn,
    DeductionStatusIn,
    ErrorOut,
    InvoicePage,
    ReasonIn,
    SearchPage,
    TaxStatusIn,
)
from fapiao.web.intake.limits import max_upload_bytes
from fapiao.web.intake.models import IntakeBatch
from fapiao.web.intake.selectors import batch_get, batch_items
from fapiao.web.intake.services import WRITER_ROLES, UploadFile, intake_upload
from fapiao.web.invoices import services_review, services_status
from fapiao.web.invoices.models import BookingStatus, DeductionStatus, InvoiceRecord, TaxStatus
from fapiao.web.invoices.selectors import invoice_get, invoice_list
from fapiao.web.search.selectors import SearchParams, invoice_search

router = Router(tags=["invoices 发票"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_PAGE = 500


class InvoiceFilters(Schema):
    """Filters of the invoice list; ``q`` searches number, tax IDs and party names."""

    direction: str | None = None
    review_status: str | None = None
    tax_status: str | None = None
    deduction_status: str | None = None
    booking_status: str | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    q: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def _summary(record: InvoiceRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "direction": record.direction,
        "kind": record.kind,
        "number": record.number,
        "code": record.code,
        "digital_number": record.digital_number,
        "issue_date": record.issue_date,
        "seller_name": record.seller_name,
        "seller_tax_id": record.seller_tax_id,
        "buyer_name": record.buyer_name,
        "buyer_tax_id": record.buyer_tax_id,
        "net_amount": _money(record.net_amount),
        "tax_amount": _money(record.tax_amount),
        "gross_amount": _money(record.gross_amount),
        "review_status": record.review_status,
        "tax_status": record.tax_status,
        "deduction_status": record.deduction_status,
        "booking_status": record.booking_status,
    }


@router.get("/invoices", response={200: InvoicePage, 401: ErrorOut}, summary="发票列表 · List")
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]) -> dict[str, Any]:
    """发票列表与搜索 · The company's invoices, newest first, filtered and paginated."""
    rows = invoice_list(
        company=company_of(request),
        direction=filters.direction,
        review_status=filters.review_status,
        tax_status=filters.tax_status,
        issued_from=filters.issued_from,
        issued_to=filters.issued_to,
        search=filters.q,
    )
    if filters.deduction_status:
        rows = rows.filter(deduction_status=filters.deduction_status)
    if filters.booking_status:
        rows = rows.filter(booking_status=filters.booking_status)
    page = list(rows[filters.offset : filters.offset + filters.limit])
    return {
        "count": rows.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_summary(record) for record in page],
    }


class SearchFilters(Schema):
    """The search box (号码 with one digit wrong, names, 拼音首字母, tax IDs, items, remarks)."""

    q: str = Field(default="", max_length=200)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    kind: str = ""
    direction: str = ""
    review_status: str = ""
    tax_status: str = ""
    deduction_status: str = ""
    booking_status: str = ""
    region: str = Field(default="", max_length=50)
    sort: str = "-date"
    page: int = Field(default=1, ge=1, le=MAX_OFFSET)
    size: int = Field(default=50, ge=1, le=200)


@router.get(
    "/invoices/search", response={200: SearchPage, 401: ErrorOut, 422: ErrorOut}, summary="搜索"
)
def search_invoices(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    """搜索发票 · The search box of the invoice pages: one page, ``has_next`` instead of a count."""
    found = invoice_search(company=company_of(request), params=SearchParams(**filters.model_dump()))
    return {
        "page": found.page,
        "has_next": found.has_next,
        "items": [
            {**_summary(record), "is_typo_match": record.pk in found.typo_ids}
            for record in found.invoices
        ],
    }


def _document(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    return invoice_document(invoice_get(company=company_of(request), pk=invoice_id))


def _record(request: HttpRequest, invoice_id: int) -> InvoiceRecord:
    return invoice_get(company=company_of(request), pk=invoice_id)


@router.get(
    "/invoices/{int:invoice_id}", response={200: dict[str, Any], **ERRORS}, summary="发票详情"
)
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    """发票详情 · One invoice in the invoice schema, with ``id`` and ``status``."""
    return _document(request, invoice_id)


def _max_upload_bytes() -> int:
    return max_upload_bytes()


def _batch_out(batch: IntakeBatch) -> dict[str, Any]:
    items = list(batch_items(batch=batch))
    return {
        "id": batch.pk,
        "direction": batch.direction,
        "finished": all(item.is_finished for item in items),
        "items": [
            {
                "id": item.pk,
                "name": item.name,
                "status": item.status,
                "file_format": item.file_format,
                "invoices_created": item.invoices_created,
                "invoices_merged": item.invoices_merged,
                "invoices_unassigned": item.invoices_unassigned,
                "errors": list(item.errors or ()),
                "invoice_ids": [
                    int(r["invoice"])
                    for r in item.results or ()
                    if r.get("company") == batch.company_id and r.get("invoice") is not None
                ],
            }
            for item in items
        ],
    }


@router.post(
    "/invoices/upload", response={201: BatchOut, **ERRORS, 413: ErrorOut}, summary="上传 · Upload"
)
def upload_invoices(
    request: HttpRequest,
    files: File[list[UploadedFile]],
    direction: Form[str] = "purchase",
) -> Status[dict[str, Any]]:
    """上传发票（XML/OFD/PDF/图片/ZIP） · Upload invoice files, each parsed in the background."""
    require_role(request, *WRITER_ROLES)
    limit = _max_upload_bytes()
    uploads = []
    for upload in files:
        if upload.size is not None and upload.size > limit:
            raise ApiError(
                413,
                "api.file_too_large",
                f"文件“{upload.name}”超过 {limit // (1024 * 1024)} MB",
                f"{upload.name} is larger than {limit // (1024 * 1024)} MB",
            )
        uploads.append(
            UploadFile(
                name=upload.name or "upload",
                content=upload.read(),
                content_type=upload.content_type or "",
            )
        )
    batch = intake_upload(
        company=company_of(request), actor=actor_of(request), files=uploads, direction=direction
    )
    return Status(201, _batch_out(batch))


@router.get("/batches/{int:batch_id}", response={200: BatchOut, **ERRORS}, summary="上传批次进度")
def get_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    """上传批次进度 · Progress of an upload batch."""
    return _batch_out(batch_get(company=company_of(request), pk=batch_id))


@router.post("/invoices/{int:invoice_id}/approve", response={200: dict[str, Any], **ERRORS})
def approve_invoice(request: HttpRequest, invoice_id: int, body: ApproveIn) -> dict[str, Any]:
    """审核通过 · Approve (never an invoice you entered or changed)."""
    services_review.invoice_approve(
        record=_record(request, invoice_id),
        actor=actor_of(request),
        override_reason=body.override_reason,
        ip=client_ip(request),
    )
    return _document(request, invoice_id)


@router.post("/invoices/{int:invoice_id}/return", response={200: dict[str, Any], **ERRORS})
def return_invoice(request: HttpRequest, invoice_id: int, body: ReasonIn) -> dict[str, Any]:
    """退回 · Return to the clerk with a reason."""
    services_review.invoice_return(
        record=_record(request, invoice_id),
        actor=actor_of(request),
        reason=body.reason,
        ip=client_ip(request),
    )
    return _document(request, invoice_id)


@router.post("/invoices/{int:invoice_id}/submit", response={200: dict[str, Any], **ERRORS})
def submit_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    """提交审核 · Submit a draft or returned invoice for review."""
    services_review.invoice_submit(
        record=_record(request, invoice_id), actor=actor_of(request), ip=client_ip(request)
    )
    return _document(request, invoice_id)


def _choice(value: str, choices: Any) -> str:
    if value not in choices.values:
        raise ApiError(
            422,
            "api.invalid_choice",
            f"无效的状态“{value}”，可选：{', '.join(choices.values)}",
            f"Invalid status {value!r}; one of {', '.join(choices.values)}",
        )
    return value


@router.post("/invoices/{int:invoice_id}/tax-status", response={200: dict[str, Any], **ERRORS})
def set_tax_status(request: HttpRequest, invoice_id: int, body: TaxStatusIn) -> dict[str, Any]:
    """发票状态 · Change the tax status (the transition table decides)."""
    services_status.invoice_tax_status_set(
        record=_record(request, invoice_id),
        to=_choice(body.to, TaxStatus),
        actor=actor_of(request),
        ip=client_ip(request),
    )
    return _document(request, invoice_id)


@router.post(
    "/invoices/{int:invoice_id}/deduction-status", response={200: dict[str, Any], **ERRORS}
)
def set_deduction_status(
    request: HttpRequest, invoice_id: int, body: DeductionStatusIn
) -> dict[str, Any]:
    """抵扣状态 · Change the deduction status of a purchase invoice."""
    services_status.invoice_deduction_status_set(
        record=_record(request, invoice_id),
        to=_choice(body.to, DeductionStatus),
        actor=actor_of(request),
        period=body.period,
        reason=body.reason,
        ip=client_ip(request),
    )
    return _document(request, invoice_id)


@router.post("/invoices/{int:invoice_id}/booking-status", response={200: dict[str, Any], **ERRORS})
def set_booking_status(
    request: HttpRequest, invoice_id: int, body: BookingStatusIn
) -> dict[str, Any]:
    """入账状态 · Book (with a voucher number) or unbook."""
    services_status.invoice_booking_status_set(
        record=_record(request, invoice_id),
        to=_choice(body.to, BookingStatus),
        actor=actor_of(request),
        voucher_number=body.voucher_number,
        ip=client_ip(request),
    )
    return _document(request, invoice_id)
