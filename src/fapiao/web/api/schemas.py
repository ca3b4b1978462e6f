"""Request and response shapes of the API (pydantic, through ninja).  Money is text: "113.00"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

MAX_OFFSET = 1_000_000_000
"""The largest list offset accepted; beyond it is a 422, not a database error on an int64."""


class ErrorOut(Schema):
    """A refusal: stable code, Chinese message, English message."""

    code: str
    message: str
    message_en: str


class InvoiceSummary(Schema):
    """One line of the invoice list (发票列表)."""

    id: int
    direction: str
    kind: str
    number: str
    code: str
    digital_number: str
    issue_date: dt.date | None
    seller_name: str
    seller_tax_id: str
    buyer_name: str
    buyer_tax_id: str
    net_amount: str | None
    tax_amount: str | None
    gross_amount: str | None
    review_status: str
    tax_status: str
    deduction_status: str
    booking_status: str


class InvoicePage(Schema):
    """A page of invoices: ``count`` matches in all, ``items`` from ``offset``."""

    count: int
    limit: int
    offset: int
    items: list[InvoiceSummary]


class SearchHit(InvoiceSummary):
    """A search result; ``is_typo_match`` when only a number one digit off matched."""

    is_typo_match: bool


class SearchPage(Schema):
    """One page of search results (no total count: fast at a million invoices)."""

    page: int
    has_next: bool
    items: list[SearchHit]


class ApproveIn(Schema):
    """审核通过; an override reason is needed when the invoice has error findings."""

    override_reason: str | None = None


class ReasonIn(Schema):
    """退回: the reason the clerk will read."""

    reason: str = Field(min_length=1, max_length=2000)


class TaxStatusIn(Schema):
    """发票状态: normal, voided, red_full, red_partial, abnormal."""

    to: str


class DeductionStatusIn(Schema):
    """抵扣状态: unselected, selected, confirmed (with period YYYY-MM), not_deductible (reason)."""

    to: str
    period: str | None = None
    reason: str | None = None


class BookingStatusIn(Schema):
    """入账状态: unbooked, or booked with the voucher number (凭证号)."""

    to: str
    voucher_number: str | None = None


class IntakeItemOut(Schema):
    """One uploaded file and what parsing it gave so far."""

    id: int
    name: str
    status: str
    file_format: str
    invoices_created: int
    invoices_merged: int
    invoices_unassigned: int
    errors: list[dict[str, Any]]
    invoice_ids: list[int]


class BatchOut(Schema):
    """上传批次: its files; ``finished`` once every file is parsed or failed."""

    id: int
    direction: str
    finished: bool
    items: list[IntakeItemOut]


class MonthlyTotal(Schema):
    """月度汇总: one month (开票日期, YYYY-MM) and direction."""

    month: str
    direction: str
    count: int
    net_amount: str
    tax_amount: str
    gross_amount: str
