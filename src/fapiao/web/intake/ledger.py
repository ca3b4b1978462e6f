"""台账导入 (ledger import): rows of another system's invoice ledger as core invoices.

The sheet is read by :func:`fapiao.core.tabular.export.read_ledger` (columns found by their
headers, ``MissingColumns`` when no invoice number column exists).  Each row becomes an invoice
with provenance ``FieldSource.EXPORT``; a row that the reader flagged gets a lower confidence so
the reviewer sees it highlighted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fapiao.core.findings import Finding
from fapiao.core.invoice import FieldSource, Invoice, Trust
from fapiao.core.parsing import values as v
from fapiao.core.parsing.tabular_invoices import kind_from_label
from fapiao.core.tabular.export import read_ledger
from fapiao.core.tabular.schema import Table

PREVIEW_ROWS = 10


def _identity(row: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    code = v.identifier(row.get("code"))
    number = v.identifier(row.get("number"))
    digital = v.identifier(row.get("digital_number"))
    if digital and not digital.isdigit():
        digital = None
    if digital and not number:
        number, digital = digital, None
    return code, number, digital


def row_invoice(row: Mapping[str, Any], findings: list[Finding]) -> Invoice:
    """One ledger row as an invoice read from an export (来源：导出)."""
    code, number, digital = _identity(row)
    kind = kind_from_label(v.clean(row.get("kind_label"))) or v.kind_from_code(code)
    values: dict[str, Any] = {
        "kind": kind,
        "code": code,
        "number": number,
        "digital_number": digital,
        "issue_date": v.date(row.get("issue_date")),
        "seller.tax_id": v.identifier(row.get("seller_tax_id")),
        "seller.name": v.clean(row.get("seller_name")),
        "buyer.tax_id": v.identifier(row.get("buyer_tax_id")),
        "buyer.name": v.clean(row.get("buyer_name")),
        "net_amount": v.money(row.get("net_amount")),
        "tax_amount": v.money(row.get("tax_amount")),
        "gross_amount": v.money(row.get("gross_amount")),
        "remark": v.clean(row.get("remark")),
    }
    confidence = (Trust.GOOD if findings else Trust.HIGH).confidence
    return v.assemble(values, source=FieldSource.EXPORT, confidence=confidence, findings=findings)


def ledger_table(content: bytes, *, filename: str | None) -> Table:
    """The ledger sheet read against the ledger columns; raises ``MissingColumns``."""
    return read_ledger(content, filename=filename)


def ledger_invoices(
    content: bytes, *, filename: str | None
) -> tuple[Table, list[tuple[int, Invoice]]]:
    """Every row that names an invoice, with its sheet row number."""
    table = ledger_table(content, filename=filename)
    invoices = [
        (row, row_invoice(values, table.row_findings(row)))
        for row, values in table.rows()
        if any(_identity(values))
    ]
    return table, invoices
