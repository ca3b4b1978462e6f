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
from fapiao.core.parsing.tabular_invoices import row_identity, row_values
from fapiao.core.tabular.export import read_ledger
from fapiao.core.tabular.schema import Table

PREVIEW_ROWS = 10


def row_invoice(row: Mapping[str, Any], findings: list[Finding]) -> Invoice:
    """One ledger row as an invoice read from an export (来源：导出)."""
    values = row_values(row)
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
        if any(row_identity(values))
    ]
    return table, invoices
