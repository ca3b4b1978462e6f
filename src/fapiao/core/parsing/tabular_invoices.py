"""Invoices from the tax bureau's export (全量发票查询导出) and ledgers: one per 发票基础信息 row.

Rows are read by :func:`fapiao.core.tabular.export.read_tax_export`; this reader turns them into
invoices with provenance ``FieldSource.EXPORT``, maps 发票票种 labels to kinds, 是否正数发票=否 to
red invoices, and attaches the 信息汇总表 line items of each invoice (formats.md §7).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fapiao.core.findings import Finding, info
from fapiao.core.invoice import FieldSource, Invoice, InvoiceKind, Trust
from fapiao.core.parsing import values as v
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult

KIND_LABELS: dict[str, InvoiceKind] = {
    "数电发票(普通发票)": InvoiceKind.DIGITAL_ORDINARY,
    "数电发票(增值税专用发票)": InvoiceKind.DIGITAL_SPECIAL,
    "数电发票(铁路电子客票)": InvoiceKind.RAILWAY_TICKET,
    "数电发票(航空运输电子客票行程单)": InvoiceKind.AIR_ITINERARY,
    "电子发票(普通发票)": InvoiceKind.DIGITAL_ORDINARY,
    "电子发票(增值税专用发票)": InvoiceKind.DIGITAL_SPECIAL,
    "电子发票(铁路电子客票)": InvoiceKind.RAILWAY_TICKET,
    "数电纸质发票(普通发票)": InvoiceKind.DIGITAL_PAPER_ORDINARY,
    "数电纸质发票(增值税专用发票)": InvoiceKind.DIGITAL_PAPER_SPECIAL,
    "增值税普通发票": InvoiceKind.VAT_ORDINARY_PAPER,
    "增值税电子普通发票": InvoiceKind.VAT_ORDINARY_ELECTRONIC,
    "增值税专用发票": InvoiceKind.VAT_SPECIAL_PAPER,
    "增值税电子专用发票": InvoiceKind.VAT_SPECIAL_ELECTRONIC,
    "增值税普通发票(卷式)": InvoiceKind.VAT_ORDINARY_ROLL,
    "道路通行费电子普通发票": InvoiceKind.TOLL,
    "通行费电子普通发票": InvoiceKind.TOLL,
    "机动车销售统一发票": InvoiceKind.MOTOR_VEHICLE,
}
"""发票票种 labels of the export (NFKC: half-width brackets) → kinds."""

_NORMAL_STATUS = "正常"


def kind_from_label(label: str | None) -> InvoiceKind | None:
    """The kind a 发票票种 label names; None when unknown."""
    text = v.nfkc(label)
    return KIND_LABELS.get("".join(text.split())) if text else None


def row_identity(row: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(code, number, digital_number), with a 数电 row's 20-digit number as its number."""
    code = v.identifier(row.get("code"))
    number = v.identifier(row.get("number"))
    digital = v.identifier(row.get("digital_number"))
    if digital and not digital.isdigit():  # "--" on legacy rows
        digital = None
    if digital and not number:
        number, digital = digital, None
    return code, number, digital


def _line(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": v.clean(row.get("item_name")),
        "specification": v.clean(row.get("specification")),
        "unit": v.clean(row.get("unit")),
        "quantity": v.money(row.get("quantity")),
        "unit_price": v.money(row.get("unit_price")),
        "net_amount": v.money(row.get("net_amount")),
        "tax_rate": v.rate(row.get("tax_rate")),
        "tax_amount": v.money(row.get("tax_amount")),
        "tax_code": v.identifier(row.get("tax_code")),
    }


def row_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """The invoice fields of one canonical row (tax export or company ledger), by field path."""
    code, number, digital = row_identity(row)
    kind = kind_from_label(v.clean(row.get("kind_label"))) or v.kind_from_code(code)
    return {
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


def _invoice(
    row: Mapping[str, Any], lines: list[dict[str, Any]], context: dict[str, Any]
) -> Invoice:
    label = v.clean(row.get("kind_label"))
    findings: list[Finding] = []
    if label and kind_from_label(label) is None:
        findings.append(
            info(
                "export.unknown_kind",
                f"未知的发票票种：{label}",
                f"Unknown invoice kind label: {label}",
                field="kind",
                values={"label": label},
            )
        )
    status = v.clean(row.get("status"))
    if status and status != _NORMAL_STATUS:
        findings.append(
            info(
                "export.status",
                f"导出中的发票状态为「{status}」",
                f"The export gives the invoice status '{status}'",
                values={"status": status},
            )
        )
    positive = v.clean(row.get("is_positive"))
    values = row_values(row)
    values["direction"] = context.get("direction")
    values["is_red"] = positive == "否" if positive in ("是", "否") else None
    values["drawer"] = v.clean(row.get("drawer"))
    return v.assemble(
        values,
        source=FieldSource.EXPORT,
        confidence=Trust.HIGH.confidence,
        lines=lines,
        findings=findings,
    )


class TabularParser:
    """Reads the tax bureau's XLSX/XLS/CSV exports as invoices."""

    formats = frozenset({FileFormat.XLSX, FileFormat.XLS, FileFormat.CSV})

    def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
        """One invoice per row of the export's invoice sheet."""
        return self.parse_named(data, options, None)

    def parse_named(self, data: bytes, options: ParseOptions, filename: str | None) -> ParseResult:
        """As :meth:`parse`; the file name (``…取得发票…``) tells the export's direction."""
        from fapiao.core.tabular.export import read_tax_export  # polars loads on first use

        export = read_tax_export(data, filename=filename)
        fmt = export.format if export.format in self.formats else FileFormat.XLSX
        lines: dict[tuple[str | None, ...], list[dict[str, Any]]] = {}
        if export.line_tables:
            for row in export.lines.iter_rows(named=True):
                lines.setdefault(row_identity(row), []).append(_line(row))
        context = {"direction": export.direction}
        invoices = tuple(
            ParsedInvoice(_invoice(row, lines.get(row_identity(row), []), context))
            for row in export.invoices.iter_rows(named=True)
            if any(row_identity(row))
        )
        return ParseResult(fmt, invoices=invoices)
