"""Reads of invoice records, always scoped to one company.

The list pages read by key (keyset pages): newest 开票日期 first, then the highest id, and the
undated invoices last; a page starts after the (date, id) of the previous page's last row, so
page 1000 costs what page 1 costs (an index range, never ``OFFSET`` or ``COUNT(*)``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet

from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import InvoiceRecord, InvoiceSource, StoredFile
from fapiao.web.invoices.storage import files_root
from fapiao.web.search.selectors import SearchParams, invoice_text_condition, search_entries

LIST_COLUMNS = (
    "id", "company_id", "direction", "kind", "identity_key", "number", "code", "issue_date",
    "seller_name", "buyer_name", "net_amount", "tax_amount", "gross_amount", "review_status",
    "tax_status",
)  # fmt: skip
"""What a list row shows: no JSON provenance, no addresses (lean rows at a million invoices)."""


def invoice_list(
    *,
    company: Company,
    direction: str | None = None,
    review_status: str | None = None,
    tax_status: str | None = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    search: str | None = None,
) -> QuerySet[InvoiceRecord]:
    """A company's invoices, newest first, filtered; no lines are loaded (list pages)."""
    rows = InvoiceRecord.objects.filter(company=company)
    if direction:
        rows = rows.filter(direction=direction)
    if review_status:
        rows = rows.filter(review_status=review_status)
    if tax_status:
        rows = rows.filter(tax_status=tax_status)
    if issued_from:
        rows = rows.filter(issue_date__gte=issued_from)
    if issued_to:
        rows = rows.filter(issue_date__lte=issued_to)
    if search and search.strip():
        # The one search of the product (numbers with a typo, pinyin initials, items, remarks),
        # so the list page, its Excel export, its ZIP of originals, the claim picker and the API
        # find the same invoices for one text.
        rows = rows.filter(invoice_text_condition(company=company, text=search))
    return rows.order_by("-issue_date", "-id")


_M = TypeVar("_M", bound=Model)
UNDATED = "undated"


@dataclass(frozen=True, slots=True)
class ListCursor:
    """Where a keyset page starts: right after this (开票日期, id) in list order."""

    issue_date: dt.date | None
    pk: int

    def encode(self) -> str:
        """The cursor as it travels in a URL (``2025-03-01.123`` or ``undated.123``)."""
        day = self.issue_date.isoformat() if self.issue_date else UNDATED
        return f"{day}.{self.pk}"

    @classmethod
    def parse(cls, text: str) -> ListCursor:
        """The cursor of :meth:`encode` (ValueError naming the text when it is not one)."""
        day, _, pk = text.strip().partition(".")
        try:
            issue_date = None if day == UNDATED else dt.date.fromisoformat(day)
            number = int(pk)
        except ValueError:
            raise ValueError(f"翻页位置无效 · invalid page position: {text!r}") from None
        if number < 1:
            raise ValueError(f"翻页位置无效 · invalid page position: {text!r}")
        return cls(issue_date, number)


def keyset_page(
    rows: QuerySet[_M], *, after: ListCursor | None, size: int, id_field: str = "id"
) -> tuple[list[_M], ListCursor | None]:
    """One page of ``rows`` in list order after ``after``; and the cursor of the next page.

    Dated rows come first, by (-issue_date, -id), then undated ones by -id: two plain index
    ranges on ``(company, issue_date, id)`` that mean the same on SQLite and PostgreSQL (whose
    NULLs sort at opposite ends).
    """
    found: list[_M] = []
    if after is None or after.issue_date is not None:
        dated = rows.filter(issue_date__isnull=False)
        if after is not None:
            dated = dated.filter(issue_date__lte=after.issue_date).exclude(
                **{"issue_date": after.issue_date, f"{id_field}__gte": after.pk}
            )
        found = list(dated.order_by("-issue_date", f"-{id_field}")[: size + 1])
    if len(found) <= size:
        undated = rows.filter(issue_date__isnull=True)
        if after is not None and after.issue_date is None:
            undated = undated.filter(**{f"{id_field}__lt": after.pk})
        found += list(undated.order_by(f"-{id_field}")[: size + 1 - len(found)])
    if len(found) <= size:
        return found, None
    last: Any = found[size - 1]
    return found[:size], ListCursor(last.issue_date, getattr(last, id_field))


@dataclass(slots=True)
class InvoicePage:
    """One keyset page of the invoice list; ``typo_ids`` matched the number with one digit off."""

    invoices: list[InvoiceRecord]
    next_cursor: ListCursor | None
    typo_ids: frozenset[int] = frozenset()


def invoice_list_page(
    *,
    company: Company,
    direction: str | None = None,
    review_status: str | None = None,
    tax_status: str | None = None,
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    search: str | None = None,
    after: ListCursor | None = None,
    size: int = 25,
) -> InvoicePage:
    """One page of the invoice list; a search text goes through the search index (numbers with
    a typo, names by pinyin, items, remarks), exactly as on the search page.
    """
    if not (search and search.strip()):
        rows = invoice_list(
            company=company,
            direction=direction,
            review_status=review_status,
            tax_status=tax_status,
            issued_from=issued_from,
            issued_to=issued_to,
        ).only(*LIST_COLUMNS)
        invoices, cursor = keyset_page(rows, after=after, size=size)
        return InvoicePage(invoices, cursor)
    params = SearchParams(
        q=search,
        direction=direction or "",
        review_status=review_status or "",
        tax_status=tax_status or "",
        date_from=issued_from,
        date_to=issued_to,
    )
    entries, typo_ids = search_entries(company=company, params=params)
    found, cursor = keyset_page(
        entries.only("invoice_id", "issue_date"), after=after, size=size, id_field="invoice_id"
    )
    ids = [entry.invoice_id for entry in found]
    records = InvoiceRecord.objects.filter(company=company, pk__in=ids).only(*LIST_COLUMNS)
    by_id = {record.pk: record for record in records}
    return InvoicePage([by_id[pk] for pk in ids if pk in by_id], cursor, typo_ids & frozenset(ids))


def invoice_get(*, company: Company, pk: int) -> InvoiceRecord:
    """One invoice of the company with its lines and sources (DoesNotExist for other companies)."""
    return (
        InvoiceRecord.objects.filter(company=company)
        .select_related("company", "created_by")
        .prefetch_related(
            "lines",
            Prefetch("sources", queryset=InvoiceSource.objects.select_related("stored_file")),
        )
        .get(pk=pk)
    )


def stored_file_get(*, company: Company, pk: int) -> StoredFile:
    """One stored original of the company."""
    return StoredFile.objects.get(company=company, pk=pk)


def stored_file_path(stored_file: StoredFile) -> Path:
    """The absolute path of a stored original on disk."""
    return files_root() / stored_file.path
