"""A small 全量发票查询 export (sheet 发票基础信息) written with xlsxwriter, identifiers as text."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal

import xlsxwriter

from fapiao.web.invoices.models import InvoiceRecord

HEADER = [
    "序号", "发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号",
    "购买方名称", "开票日期", "金额", "税额", "价税合计", "发票来源", "发票票种", "发票状态",
    "是否正数发票", "发票风险等级", "开票人", "备注",
]  # fmt: skip


def export_row(record: InvoiceRecord, **changes: object) -> dict[str, object]:
    """The export's view of a record (as the tax bureau has it), with ``changes`` applied."""
    row: dict[str, object] = {
        "digital": record.digital_number or record.number,
        "seller_tax_id": record.seller_tax_id,
        "seller_name": record.seller_name,
        "buyer_tax_id": record.buyer_tax_id,
        "buyer_name": record.buyer_name,
        "date": f"{record.issue_date.isoformat()} 10:00:00" if record.issue_date else "",
        "net": record.net_amount,
        "tax": record.tax_amount,
        "gross": record.gross_amount,
        "status": "正常",
    }
    row.update(changes)
    return row


def export_xlsx(rows: Iterable[dict[str, object]]) -> bytes:
    """The workbook bytes: one 发票基础信息 sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("发票基础信息")
    sheet.write_row(0, 0, HEADER)
    for i, row in enumerate(rows, start=1):
        values = [
            str(i), "", "", str(row["digital"]), row["seller_tax_id"], row["seller_name"],
            row["buyer_tax_id"], row["buyer_name"], row["date"], row["net"], row["tax"],
            row["gross"], "电子发票服务平台", "数电发票（增值税专用发票）", row["status"], "是",
            "正常", "张三", "",
        ]  # fmt: skip
        for c, value in enumerate(values):
            if isinstance(value, Decimal):
                sheet.write_number(i, c, float(value))
            else:
                sheet.write_string(i, c, str(value))
    book.close()
    return buffer.getvalue()
