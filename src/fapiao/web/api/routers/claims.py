"""报销 (claims): list, detail, create a draft, add invoices and receipts, submit.

The same services as the claim pages: a second claim on an invoice that another claim holds is
refused (409) with the pointer to that claim in the message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fapiao.web.api.auth import actor_of, client_ip, company_of
from fapiao.web.api.schemas import ErrorOut
from fapiao.web.claims.models import Claim
from fapiao.web.claims.selectors import claim_get, claim_list, claim_totals
from fapiao.web.claims.services import (
    claim_create,
    claim_invoice_add,
    claim_receipt_add,
    claim_submit,
)
from fapiao.web.invoices.selectors import invoice_get

router = Router(tags=["claims 报销"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ClaimFilters(Schema):
    """Filters of the claim list: status, and only the caller's own claims."""

    status: str | None = None
    mine: bool = False


class ClaimSummary(Schema):
    """One claim in the list."""

    id: int
    title: str
    status: str
    claimant: str
    item_count: int
    total: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None


class ClaimItemOut(Schema):
    """报销明细: an invoice (its id) or another receipt (description), with the amount."""

    id: int
    invoice_id: int | None
    description: str
    amount: str


class ClaimDetail(Schema):
    """报销单 with its items and totals."""

    id: int
    title: str
    note: str
    status: str
    claimant: str
    decision_reason: str
    invoice_total: str
    receipt_total: str
    total: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    paid_at: dt.datetime | None
    items: list[ClaimItemOut]


class ClaimIn(Schema):
    """新建报销单: 事由 (title) and an optional note."""

    title: str = Field(min_length=1, max_length=200)
    note: str = ""


class ClaimInvoiceIn(Schema):
    """An invoice of the company to add (by its id)."""

    invoice_id: int


class ClaimReceiptIn(Schema):
    """其他票据: a description and its amount ("35.50")."""

    description: str = Field(min_length=1, max_length=200)
    amount: Decimal = Field(ge=0, max_digits=18, decimal_places=2)


def _money(value: Any) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.01")))


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _detail(claim: Claim) -> dict[str, Any]:
    totals = claim_totals(claim=claim)
    return {
        "id": claim.pk,
        "title": claim.title,
        "note": claim.note,
        "status": claim.status,
        "claimant": _name(claim.claimant),
        "decision_reason": claim.decision_reason,
        "invoice_total": str(totals.invoice_total),
        "receipt_total": str(totals.receipt_total),
        "total": str(totals.total),
        "submitted_at": claim.submitted_at,
        "approved_at": claim.approved_at,
        "paid_at": claim.paid_at,
        "items": [
            {
                "id": item.pk,
                "invoice_id": item.invoice_id,
                "description": item.description,
                "amount": str(item.amount),
            }
            for item in claim.items.all()
        ],
    }


def _claim(request: HttpRequest, claim_id: int) -> Claim:
    return claim_get(company=company_of(request), pk=claim_id)


@router.get("/claims", response={200: list[ClaimSummary], 401: ErrorOut}, summary="报销单列表")
def list_claims(request: HttpRequest, filters: Query[ClaimFilters]) -> list[dict[str, Any]]:
    """报销单列表 · The company's claims, newest first."""
    rows = claim_list(
        company=company_of(request),
        claimant_id=actor_of(request).pk if filters.mine else None,
        status=filters.status,
    )
    return [
        {
            "id": claim.pk,
            "title": claim.title,
            "status": claim.status,
            "claimant": _name(claim.claimant),
            "item_count": claim.item_count,  # type: ignore[attr-defined]
            "total": _money(claim.total),  # type: ignore[attr-defined]
            "created_at": claim.created_at,
            "submitted_at": claim.submitted_at,
        }
        for claim in rows[:500]
    ]


@router.get("/claims/{int:claim_id}", response={200: ClaimDetail, **ERRORS}, summary="报销单详情")
def get_claim(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    """报销单详情 · One claim with items and totals."""
    return _detail(_claim(request, claim_id))


@router.post("/claims", response={201: ClaimDetail, **ERRORS}, summary="新建报销单")
def create_claim(request: HttpRequest, body: ClaimIn) -> Status[dict[str, Any]]:
    """新建报销单（草稿） · Create a draft claim of the caller."""
    claim = claim_create(
        company=company_of(request),
        claimant=actor_of(request),
        title=body.title,
        note=body.note,
        ip=client_ip(request),
    )
    return Status(201, _detail(_claim(request, claim.pk)))


@router.post("/claims/{int:claim_id}/invoices", response={200: ClaimDetail, **ERRORS})
def add_invoice(request: HttpRequest, claim_id: int, body: ClaimInvoiceIn) -> dict[str, Any]:
    """添加发票 · Add an invoice; refused when another claim holds it."""
    claim = _claim(request, claim_id)
    record = invoice_get(company=company_of(request), pk=body.invoice_id)
    claim_invoice_add(claim=claim, record=record, actor=actor_of(request), ip=client_ip(request))
    return _detail(_claim(request, claim_id))


@router.post("/claims/{int:claim_id}/receipts", response={200: ClaimDetail, **ERRORS})
def add_receipt(request: HttpRequest, claim_id: int, body: ClaimReceiptIn) -> dict[str, Any]:
    """添加其他票据 · Add another receipt with its amount."""
    claim_receipt_add(
        claim=_claim(request, claim_id),
        actor=actor_of(request),
        description=body.description,
        amount=body.amount,
        ip=client_ip(request),
    )
    return _detail(_claim(request, claim_id))


@router.post("/claims/{int:claim_id}/submit", response={200: ClaimDetail, **ERRORS})
def submit_claim(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    """提交报销单 · Submit a draft or returned claim for approval."""
    claim_submit(claim=_claim(request, claim_id), actor=actor_of(request), ip=client_ip(request))
    return _detail(_claim(request, claim_id))
