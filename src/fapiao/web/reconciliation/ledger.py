"""台账 (ledger) frame for reconciliation, built from the company's invoice records.

The frame has the canonical Utf8 columns of ``fapiao.core.tabular`` (``code``, ``number``,
``digital_number``, ``issue_date``, ``seller_tax_id`` … ``gross_amount``), plus ``operator`` (the
user who entered the record), ``batch`` (the intake batch that brought its file, if any) and
``record_id``.  A 20-digit number is a 数电 number whichever column holds it.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Min, Q

from fapiao.web.companies.models import Company
from fapiao.web.intake.models import IntakeItem
from fapiao.web.invoices.models import InvoiceRecord, InvoiceSource

LEDGER_COLUMNS = (
    "record_id",
    "code",
    "number",
    "digital_number",
    "issue_date",
    "seller_tax_id",
    "seller_name",
    "buyer_tax_id",
    "buyer_name",
    "net_amount",
    "tax_amount",
    "gross_amount",
    "operator",
    "batch",
)

_VALUES = (
    "id",
    "code",
    "number",
    "digital_number",
    "issue_date",
    "seller_tax_id",
    "seller_name",
    "buyer_tax_id",
    "buyer_name",
    "net_amount",
    "tax_amount",
    "gross_amount",
    "created_by__username",
)


def _batches(*, company: Company, direction: str) -> dict[int, str]:
    """Record id -> the first intake batch that brought one of its files."""
    by_file = dict(
        IntakeItem.objects.filter(batch__company=company)
        .values("stored_file_id")
        .annotate(first=Min("batch_id"))
        .values_list("stored_file_id", "first")
    )
    out: dict[int, str] = {}
    sources = InvoiceSource.objects.filter(
        invoice__company=company, invoice__direction=direction
    ).values_list("invoice_id", "stored_file_id")
    for invoice_id, file_id in sources.iterator(chunk_size=5000):
        batch = by_file.get(file_id)
        if batch is not None and (invoice_id not in out or int(out[invoice_id]) > batch):
            out[invoice_id] = str(batch)
    return out


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def ledger_frame(
    *, company: Company, direction: str, window: tuple[dt.date, dt.date] | None = None
) -> pl.DataFrame:
    """The company's records of one direction as a ledger frame, one row per record, by id.

    With ``window`` only records issued in it (and records without a date) are included.
    """
    batches = _batches(company=company, direction=direction)
    columns: dict[str, list[str | None]] = {c: [] for c in LEDGER_COLUMNS}
    records = InvoiceRecord.objects.filter(company=company, direction=direction)
    if window is not None:
        records = records.filter(Q(issue_date__range=window) | Q(issue_date__isnull=True))
    rows = records.order_by("id").values_list(*_VALUES)
    for (
        pk,
        code,
        number,
        digital,
        date,
        s_id,
        s_name,
        b_id,
        b_name,
        net,
        tax,
        gross,
        user,
    ) in rows.iterator(chunk_size=5000):
        if not digital and len(number) == 20:
            digital, number = number, ""
        values = (
            pk, code, number, digital, date.isoformat() if date else None, s_id, s_name,
            b_id, b_name, net, tax, gross, user, batches.get(pk),
        )  # fmt: skip
        for column, value in zip(LEDGER_COLUMNS, values, strict=True):
            columns[column].append(_text(value))
    return pl.DataFrame(columns, schema=dict.fromkeys(LEDGER_COLUMNS, pl.Utf8))
