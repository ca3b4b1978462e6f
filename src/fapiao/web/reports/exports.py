"""Excel exports (导出 Excel) of every list, with Chinese · English headers and a 合计 row.

Identifiers (发票号码, 税号 …) are written as text cells so leading zeros and all 20 digits
survive; money is a number cell with two decimals; the totals are ``SUM`` formulas whose cached
values are the exact ``Decimal`` sums, so the file is right even before Excel recalculates.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from xlsxwriter.utility import xl_col_to_name

from fapiao.core.reconciliation import Category
from fapiao.core.reports import Column, ColumnKind, ReportTable
from fapiao.core.reports.table import TOTAL_LABEL
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    Direction,
    InvoiceKind,
    InvoiceRecord,
    ReviewStatus,
    TaxStatus,
)
from fapiao.web.reconciliation.models import ResultStatus
from fapiao.web.reconciliation.proposals import export_amount

HEADER_ROW = 1
"""Row 0 holds the title, row 1 the headers, data starts at row 2."""

INVOICE_COLUMNS: tuple[Column, ...] = (
    Column("code", "发票代码", "Code", ColumnKind.IDENTIFIER),
    Column("number", "发票号码", "Number", ColumnKind.IDENTIFIER),
    Column("digital_number", "数电票号码", "Digital number", ColumnKind.IDENTIFIER),
    Column("issue_date", "开票日期", "Issue date", ColumnKind.DATE),
    Column("kind", "发票种类", "Kind"),
    Column("direction", "方向", "Direction"),
    Column("seller_name", "销售方名称", "Seller"),
    Column("seller_tax_id", "销售方税号", "Seller tax ID", ColumnKind.IDENTIFIER),
    Column("buyer_name", "购买方名称", "Buyer"),
    Column("buyer_tax_id", "购买方税号", "Buyer tax ID", ColumnKind.IDENTIFIER),
    Column("net_amount", "金额", "Net", ColumnKind.MONEY, total=True),
    Column("tax_amount", "税额", "Tax", ColumnKind.MONEY, total=True),
    Column("gross_amount", "价税合计", "Gross", ColumnKind.MONEY, total=True),
    Column("review_status", "审核状态", "Review"),
    Column("tax_status", "发票状态", "Tax status"),
    Column("deduction_status", "抵扣状态", "Deduction"),
    Column("deduction_period", "所属期", "Tax period", ColumnKind.IDENTIFIER),
    Column("booking_status", "入账状态", "Booking"),
    Column("voucher_number", "凭证号", "Voucher", ColumnKind.IDENTIFIER),
    Column("remark", "备注", "Remark"),
)

_LABELS = {
    "kind": dict(InvoiceKind.choices),
    "direction": dict(Direction.choices),
    "review_status": dict(ReviewStatus.choices),
    "tax_status": dict(TaxStatus.choices),
    "deduction_status": dict(DeductionStatus.choices),
    "booking_status": dict(BookingStatus.choices),
}


def write_xlsx(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    sheet: str = "Sheet1",
) -> tuple[bytes, int]:
    """A one-sheet workbook: title, ``中文 · English`` headers, rows, and a 合计 row; its rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "remove_timezone": True})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    money = book.add_format({"num_format": "#,##0.00"})
    money_total = book.add_format({"num_format": "#,##0.00", "bold": True, "top": 1})
    integer_total = book.add_format({"bold": True, "top": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    instant = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_string(0, 0, title, bold)
    for c, column in enumerate(columns):
        ws.write_string(HEADER_ROW, c, column.header, header)
        width = 22 if column.kind is ColumnKind.IDENTIFIER else 14
        ws.set_column(c, c, width, text if column.kind is ColumnKind.IDENTIFIER else None)
    sums: list[Decimal | int] = [
        Decimal("0.00") if col.kind is ColumnKind.MONEY else 0 for col in columns
    ]
    r = HEADER_ROW
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        for c, (column, value) in enumerate(zip(columns, row, strict=True)):
            if value is None or value == "":
                continue
            if column.kind is ColumnKind.MONEY:
                amount = Decimal(value)
                ws.write_number(r, c, amount, money)
                if column.total:
                    sums[c] += amount
            elif column.kind is ColumnKind.INTEGER:
                ws.write_number(r, c, int(value))
                if column.total:
                    sums[c] += int(value)
            elif column.kind is ColumnKind.DATE and isinstance(value, dt.datetime):
                ws.write_datetime(r, c, timezone.localtime(value), instant)
            elif column.kind is ColumnKind.DATE and isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            else:
                ws.write_string(
                    r, c, str(value), text if column.kind is ColumnKind.IDENTIFIER else None
                )
    count = r - HEADER_ROW
    total_row = r + 1
    ws.write_string(total_row, 0, TOTAL_LABEL, bold)
    for c, column in enumerate(columns):
        if not column.total:
            continue
        letter = xl_col_to_name(c)
        style = money_total if column.kind is ColumnKind.MONEY else integer_total
        if count:
            formula = f"=SUM({letter}{HEADER_ROW + 2}:{letter}{total_row})"
            ws.write_formula(total_row, c, formula, style, sums[c])
        else:
            ws.write_number(total_row, c, 0, style)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    book.close()
    return buffer.getvalue(), count


def table_xlsx(table: ReportTable) -> bytes:
    """A :class:`~fapiao.core.reports.ReportTable` as a workbook."""
    data, _ = write_xlsx(
        title=f"{table.title} · {table.title_en}", columns=table.columns, rows=table.rows
    )
    return data


def _invoice_rows(queryset: QuerySet[InvoiceRecord]) -> Iterable[list[Any]]:
    keys = [c.key for c in INVOICE_COLUMNS]
    for values in queryset.values_list(*keys).iterator(chunk_size=2000):
        yield [
            _LABELS[key].get(value, value) if key in _LABELS else value
            for key, value in zip(keys, values, strict=True)
        ]


def invoices_xlsx(queryset: QuerySet[InvoiceRecord]) -> bytes:
    """发票清单: the invoices of a (filtered, company-scoped) list, one row each, with totals."""
    data, _ = write_xlsx(
        title="发票清单 · Invoices", columns=INVOICE_COLUMNS, rows=_invoice_rows(queryset)
    )
    return data


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "Seq", ColumnKind.INTEGER),
    Column("created_at", "时间", "Time", ColumnKind.DATE),
    Column("actor", "操作人", "Actor"),
    Column("action", "动作", "Action"),
    Column("object_type", "对象类型", "Object type"),
    Column("object_id", "对象编号", "Object id", ColumnKind.IDENTIFIER),
    Column("before", "变更前", "Before"),
    Column("after", "变更后", "After"),
    Column("ip", "IP 地址", "IP", ColumnKind.IDENTIFIER),
)


def events_xlsx(queryset: QuerySet[Event]) -> bytes:
    """审计日志: the company's events in sequence order, sealed values opened (the export is
    for the company's admins and auditors, and is itself an event)."""

    def rows() -> Iterable[list[Any]]:
        for e in queryset.select_related("actor").iterator(chunk_size=2000):
            yield [
                e.seq,
                e.created_at,
                e.actor.get_username() if e.actor is not None else "",
                e.action,
                e.object_type,
                e.object_id,
                json.dumps(e.before_shown, ensure_ascii=False) if e.before is not None else "",
                json.dumps(e.after_shown, ensure_ascii=False) if e.after is not None else "",
                e.ip or "",
            ]

    data, _ = write_xlsx(title="审计日志 · Audit events", columns=EVENT_COLUMNS, rows=rows())
    return data


RESULT_COLUMNS: tuple[Column, ...] = (
    Column("category", "类别", "Category"),
    Column("status", "处理状态", "Status"),
    Column("number", "台账号码", "Ledger number", ColumnKind.IDENTIFIER),
    Column("export_number", "导出号码", "Export number", ColumnKind.IDENTIFIER),
    Column("corrected_key", "更正后号码", "Corrected number", ColumnKind.IDENTIFIER),
    Column("seller_tax_id", "销方税号", "Seller tax ID", ColumnKind.IDENTIFIER),
    Column("seller_name", "销方名称", "Seller"),
    Column("ledger_gross", "台账价税合计", "Ledger gross", ColumnKind.MONEY, total=True),
    Column("export_gross", "导出价税合计", "Export gross", ColumnKind.MONEY, total=True),
    Column("differences", "差异", "Differences"),
    Column("suggestion", "处理建议", "Suggestion"),
    Column("suggestion_en", "Suggestion", "Suggestion (English)"),
    Column("operator", "录入人", "Operator"),
    Column("batch", "导入批次", "Batch", ColumnKind.IDENTIFIER),
)


def _key(row: dict[str, Any] | None) -> str:
    if not row:
        return ""
    if row.get("digital_number") and row["digital_number"] not in ("--", "-"):
        return str(row["digital_number"])
    parts = [str(row[k]) for k in ("code", "number") if row.get(k)]
    return "-".join(parts)


def results_xlsx(queryset: QuerySet[Any]) -> bytes:
    """对账结果: one row per result of a run, with both sides' 价税合计 and totals."""

    def rows() -> Iterable[list[Any]]:
        for r in queryset.iterator(chunk_size=2000):
            ledger, export = r.ledger_row or {}, r.export_row or {}
            diffs = "; ".join(
                f"{d['field']}: {d.get('ledger') or '—'} → {d.get('tax') or '—'}"
                for d in r.differences or []
            )
            yield [
                f"{Category(r.category).label} · {r.category}",
                str(ResultStatus(r.status).label),
                _key(ledger),
                _key(export),
                r.corrected_key,
                ledger.get("seller_tax_id") or export.get("seller_tax_id") or "",
                ledger.get("seller_name") or export.get("seller_name") or "",
                export_amount(ledger.get("gross_amount")),
                export_amount(export.get("gross_amount")),
                diffs,
                r.suggestion,
                r.suggestion_en,
                r.operator,
                r.batch,
            ]

    data, _ = write_xlsx(
        title="对账结果 · Reconciliation results", columns=RESULT_COLUMNS, rows=rows()
    )
    return data


CLAIM_COLUMNS: tuple[Column, ...] = (
    Column("id", "报销单号", "Claim", ColumnKind.IDENTIFIER),
    Column("title", "事由", "Title"),
    Column("claimant", "报销人", "Claimant"),
    Column("status", "状态", "Status"),
    Column("items", "明细数", "Items", ColumnKind.INTEGER, total=True),
    Column("amount", "金额", "Amount", ColumnKind.MONEY, total=True),
    Column("submitted_at", "提交时间", "Submitted", ColumnKind.DATE),
    Column("paid_at", "支付时间", "Paid", ColumnKind.DATE),
)


def claims_xlsx(queryset: QuerySet[Any]) -> bytes:
    """报销单: one row per claim with its item count and amount."""

    def rows() -> Iterable[list[Any]]:
        annotated = queryset.select_related("claimant").annotate(
            n_items=Count("items"), total=Sum("items__amount")
        )
        for c in annotated.iterator(chunk_size=2000):
            yield [
                str(c.pk),
                c.title,
                c.claimant.get_username(),
                c.get_status_display(),
                c.n_items,
                c.total or Decimal("0.00"),
                c.submitted_at,
                c.paid_at,
            ]

    data, _ = write_xlsx(title="报销单 · Claims", columns=CLAIM_COLUMNS, rows=rows())
    return data
