"""风险纳税人名单 (risk list): sellers whose invoices are 异常凭证 or 失控发票.

The list is uploaded as CSV or XLSX with columns 纳税人识别号, 名称, 类型, 列入日期 (read with
:func:`fapiao.core.tabular.reader.read_table`, headers matched by synonym), or given as plain tax
IDs.  An invoice whose seller tax ID is on the list raises an alert, naming the listing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fapiao.core.anomalies.base import Alert, invoice_label, normalise_id
from fapiao.core.errors import FapiaoError
from fapiao.core.findings import Severity
from fapiao.core.invoice import Invoice
from fapiao.core.tabular.reader import read_table
from fapiao.core.tabular.schema import ColumnSpec, FieldKind, TableSpec
from fapiao.core.tabular.specs import TAX_ID_LENGTHS
from fapiao.core.tabular.values import parse_date

RISKY_SELLER = "anomaly.risky_seller"

RISK_LIST = TableSpec(
    "risk_list",
    (
        ColumnSpec(
            "tax_id",
            ("纳税人识别号", "统一社会信用代码", "税号", "识别号", "销方识别号", "Tax ID", "TIN"),
            required=True,
            kind=FieldKind.IDENTIFIER,
            lengths=TAX_ID_LENGTHS,
        ),
        ColumnSpec("name", ("名称", "纳税人名称", "企业名称", "销方名称", "Name")),
        ColumnSpec("list_type", ("类型", "风险类型", "名单类型", "Type")),
        ColumnSpec(
            "listed_date", ("列入日期", "认定日期", "日期", "Listed Date"), kind=FieldKind.DATE
        ),
    ),
)
"""异常凭证 / 失控发票 list columns."""


@dataclass(frozen=True, slots=True)
class RiskListEntry:
    """One taxpayer on the risk list."""

    tax_id: str
    name: str | None = None
    list_type: str | None = None  # 类型: 异常凭证, 失控发票, 走逃（失联）…
    listed_date: dt.date | None = None  # 列入日期


def read_risk_list(source: Path | bytes, *, filename: str | None = None) -> list[RiskListEntry]:
    """Read an uploaded risk list (CSV, XLSX or XLS); rows without a tax ID are skipped."""
    table = read_table(source, spec=RISK_LIST, filename=filename)
    entries = []
    for _, row in table.rows():
        tax_id = normalise_id(row.get("tax_id"))
        if not tax_id:
            continue
        try:
            listed = parse_date(row.get("listed_date"))
        except FapiaoError:
            listed = None
        entries.append(RiskListEntry(tax_id, row.get("name"), row.get("list_type"), listed))
    return entries


def risk_list_from_tax_ids(tax_ids: Iterable[str]) -> list[RiskListEntry]:
    """A risk list given as plain tax IDs."""
    return [RiskListEntry(normalise_id(t)) for t in tax_ids if normalise_id(t)]


def detect_risky_sellers(
    company: str, invoices: Iterable[Invoice], risk_list: Sequence[RiskListEntry]
) -> list[Alert]:
    """One alert per invoice whose seller tax ID is on the risk list."""
    listed = {normalise_id(e.tax_id): e for e in risk_list}
    alerts = []
    for invoice in invoices:
        entry = listed.get(normalise_id(invoice.seller.tax_id))
        if entry is None:
            continue
        label = invoice_label(invoice)
        kind = entry.list_type or "风险名单"
        kind_en = entry.list_type or "risk list"
        since = f"，列入日期 {entry.listed_date.isoformat()}" if entry.listed_date else ""
        since_en = f", listed on {entry.listed_date.isoformat()}" if entry.listed_date else ""
        seller = invoice.seller.name or entry.name or entry.tax_id
        alerts.append(
            Alert(
                RISKY_SELLER,
                Severity.WARNING,
                company,
                f"invoice:{label}",
                f"发票 {label} 的销售方 {seller}（{entry.tax_id}）在{kind}名单上{since}",
                f"The seller of invoice {label}, {seller} ({entry.tax_id}), is on the "
                f"{kind_en} list{since_en}",
                {
                    "invoice": label,
                    "seller_tax_id": entry.tax_id,
                    "list_type": entry.list_type,
                    "listed_date": entry.listed_date,
                },
                (invoice.identity,) if invoice.identity else (),
            )
        )
    return alerts
