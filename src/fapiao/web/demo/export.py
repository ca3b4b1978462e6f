"""演示税务局导出 (demo tax export): a 全量发票查询 · 取得发票 workbook with known discrepancies.

The workbook has the real layout (formats.md §7): sheet ``发票基础信息``, header in row 1, one
row per invoice, the last row the 合计行; 开票日期 as text ``YYYY-MM-DD HH:MM:SS``, amounts as
numbers, identifiers as text cells.  It holds the company's invoices of the period as the tax
bureau knows them, and about 3 % injected causes, each recorded in :attr:`DemoExport.injected`:
a mistyped number, a wrong amount, a wrong date, a voided or red-reversed invoice, an invoice the
company never recorded (missing in ledger) and one the bureau does not list (missing in tax).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter

from fapiao.web.demo.catalogue import ITEMS, SELLERS
from fapiao.web.demo.generator import DemoInvoice, _line, _Numbers

HEADER = (
    "序号", "发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号",
    "购买方名称", "开票日期", "金额", "税额", "价税合计", "发票来源", "发票票种", "发票状态",
    "是否正数发票", "发票风险等级", "开票人", "备注",
)  # fmt: skip
CAUSES = ("typo", "amount", "date", "voided", "red_reversed", "missing_in_ledger", "missing_in_tax")
"""The injected causes, in the order they are dealt out."""
RATE = 0.03
_KIND_LABELS = {
    "digital_special": "数电发票（增值税专用发票）",
    "digital_ordinary": "数电发票（普通发票）",
    "vat_special_electronic": "增值税电子专用发票",
    "vat_ordinary_electronic": "增值税电子普通发票",
}
_FIXED_TIME = dt.datetime(2024, 1, 1, 8, 0, 0)  # noqa: DTZ001 (workbook metadata, no zone)


@dataclass
class DemoExport:
    """The workbook bytes, its file name, the period it covers and what was injected."""

    content: bytes
    filename: str
    period: tuple[dt.date, dt.date]
    rows: int
    injected: list[tuple[str, str]] = field(default_factory=list)  # (cause, identity key)


def export_period(anchor: dt.date, months: int = 3) -> tuple[dt.date, dt.date]:
    """The ``months`` whole months before the anchor's month (Beijing dates)."""
    end = anchor.replace(day=1) - dt.timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(months - 1):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, end


def _row(invoice: DemoInvoice, status: str) -> dict[str, object]:
    return {
        "code": invoice.code,
        "number": invoice.number if not invoice.digital else "",
        "digital": invoice.number if invoice.digital else "--",
        "seller_tax_id": invoice.seller.tax_id,
        "seller_name": invoice.seller.name,
        "buyer_tax_id": invoice.buyer.tax_id,
        "buyer_name": invoice.buyer.name,
        "date": f"{invoice.issue_date.isoformat()} 10:{len(invoice.lines):02d}:00",
        "net": invoice.net_amount,
        "tax": invoice.tax_amount,
        "gross": invoice.gross_amount,
        "source": "电子发票服务平台" if invoice.digital else "增值税发票管理系统",
        "kind": _KIND_LABELS[invoice.kind],
        "status": status,
        "positive": "否" if invoice.is_red else "是",
        "drawer": invoice.drawer,
        "remark": invoice.remark,
    }


def _mistype(rng: random.Random, number: str) -> str:
    """One substituted digit in the sequence part (not the year or region of a 数电 number)."""
    start = 5 if len(number) == 20 else 0
    position = rng.randrange(start, len(number))
    digit = rng.choice([d for d in "0123456789" if d != number[position]])
    return number[:position] + digit + number[position + 1 :]


def _unrecorded(
    rng: random.Random, numbers: _Numbers, like: DemoInvoice, period: tuple[dt.date, dt.date]
) -> DemoInvoice:
    """An invoice the bureau lists but the company never recorded (台账未入账)."""
    seller = rng.choice([s for s in SELLERS if not s.small_scale])
    day = period[0] + dt.timedelta(days=rng.randrange((period[1] - period[0]).days + 1))
    item = ITEMS[rng.choice(seller.items)]
    return dataclasses.replace(
        like,
        digital=True,
        special=True,
        number=numbers.digital(seller, day),
        code="",
        check_code="",
        issue_date=day,
        seller=seller,
        lines=(_line(rng, item),),
        remark="",
        is_red=False,
        original_number="",
        red_confirmation_number="",
    )


def build_export(
    invoices: list[DemoInvoice], *, anchor: dt.date, seed: int, direction: str = "purchase"
) -> DemoExport:
    """The 全量发票查询 export of the period before ``anchor``, with ~3 % injected causes."""
    period = export_period(anchor)
    rng = random.Random(f"fapiao-demo-export:{seed}")  # noqa: S311 (seeded demo data, not secrets)
    numbers = _Numbers(rng)
    numbers.seen.update(inv.key for inv in invoices)
    mine = [
        inv
        for inv in invoices
        if inv.direction == direction and period[0] <= inv.issue_date <= period[1]
    ]
    reversed_keys = {inv.original_number for inv in invoices if inv.is_red}
    rows = {
        inv.key: _row(inv, "已红冲-全额" if inv.key in reversed_keys else "正常") for inv in mine
    }
    injected: list[tuple[str, str]] = []
    plain = [inv for inv in mine if not inv.is_red and inv.key not in reversed_keys]
    count = max(len(CAUSES), round(len(mine) * RATE)) if plain else 0
    targets = rng.sample(plain, min(count, len(plain)))
    extra: list[dict[str, object]] = []
    for i, inv in enumerate(targets):
        cause = CAUSES[i % len(CAUSES)]
        row = rows[inv.key]
        if cause == "typo":
            row["digital" if inv.digital else "number"] = _mistype(rng, inv.number)
        elif cause == "amount":
            delta = Decimal(rng.choice((1, 10, 100, 1000)))
            row["net"] = inv.net_amount + delta
            row["gross"] = inv.gross_amount + delta
        elif cause == "date":
            shifted = inv.issue_date + dt.timedelta(days=rng.choice((-9, -3, -1, 1, 2, 7)))
            row["date"] = f"{shifted.isoformat()} 10:00:00"
        elif cause == "voided":
            row["status"] = "已作废"
        elif cause == "red_reversed":
            row["status"] = "已红冲-全额"
        elif cause == "missing_in_tax":
            del rows[inv.key]
        elif cause == "missing_in_ledger":
            other = _unrecorded(rng, numbers, inv, period)
            extra.append(_row(other, "正常"))
            injected.append((cause, other.key))
            continue
        injected.append((cause, inv.key))
    ordered = sorted([*rows.values(), *extra], key=lambda r: (str(r["date"]), str(r["digital"])))
    name = f"全量发票查询_取得发票_{period[0]:%Y%m}-{period[1]:%Y%m}.xlsx"
    return DemoExport(
        content=_workbook(ordered),
        filename=name,
        period=period,
        rows=len(ordered),
        injected=injected,
    )


def _workbook(rows: list[dict[str, object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": _FIXED_TIME, "author": "电子税务局"})
    sheet = book.add_worksheet("发票基础信息")
    sheet.write_row(0, 0, HEADER)
    totals = [Decimal(0), Decimal(0), Decimal(0)]
    for i, row in enumerate(rows, start=1):
        texts = [
            str(i), row["code"], row["number"], row["digital"], row["seller_tax_id"],
            row["seller_name"], row["buyer_tax_id"], row["buyer_name"], row["date"],
        ]  # fmt: skip
        for c, value in enumerate(texts):
            sheet.write_string(i, c, str(value))
        for c, key in enumerate(("net", "tax", "gross")):
            amount = row[key]
            assert isinstance(amount, Decimal)
            totals[c] += amount
            sheet.write_number(i, 9 + c, float(amount))
        tail = ("source", "kind", "status", "positive")
        for c, key in enumerate(tail):
            sheet.write_string(i, 12 + c, str(row[key]))
        sheet.write_string(i, 16, "正常")
        sheet.write_string(i, 17, str(row["drawer"]))
        sheet.write_string(i, 18, str(row["remark"]))
    last = len(rows) + 1
    sheet.write_string(last, 0, "合计")
    for c, total in enumerate(totals):
        sheet.write_number(last, 9 + c, float(total))
    book.close()
    return buffer.getvalue()
