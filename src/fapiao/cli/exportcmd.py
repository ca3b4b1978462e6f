"""``fapiao export``: every invoice of a company to one Excel workbook (.xlsx), with totals.

Identifiers (numbers, codes, tax IDs) are written as text cells so Excel keeps leading zeros and
all 20 digits; money is written from the Decimal values (Excel shows two decimals) and the totals
row holds the exact Decimal sums.  Headers are Chinese and English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from fapiao.cli.common import console, fail
from fapiao.cli.db import company_by_tax_id

TEXT, DATE, MONEY, LABEL = "text", "date", "money", "label"

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("ID", "pk", LABEL),
    ("方向 Direction", "get_direction_display", LABEL),
    ("发票种类 Kind", "get_kind_display", LABEL),
    ("数电票号码 Digital number", "digital_number", TEXT),
    ("发票代码 Code", "code", TEXT),
    ("发票号码 Number", "number", TEXT),
    ("开票日期 Issue date", "issue_date", DATE),
    ("销售方名称 Seller", "seller_name", LABEL),
    ("销售方税号 Seller tax ID", "seller_tax_id", TEXT),
    ("购买方名称 Buyer", "buyer_name", LABEL),
    ("购买方税号 Buyer tax ID", "buyer_tax_id", TEXT),
    ("金额 Net amount", "net_amount", MONEY),
    ("税额 Tax amount", "tax_amount", MONEY),
    ("价税合计 Gross amount", "gross_amount", MONEY),
    ("审核状态 Review", "get_review_status_display", LABEL),
    ("发票状态 Tax status", "get_tax_status_display", LABEL),
    ("抵扣状态 Deduction", "get_deduction_status_display", LABEL),
    ("所属期 Tax period", "deduction_period", TEXT),
    ("入账状态 Booking", "get_booking_status_display", LABEL),
    ("凭证号 Voucher", "voucher_number", TEXT),
    ("备注 Remark", "remark", LABEL),
)


def register(app: typer.Typer) -> None:
    """Add the ``export`` command."""
    app.command("export")(export)


def export(
    company: Annotated[str, typer.Option("--company", help="公司纳税人识别号 · tax ID")],
    out: Annotated[Path, typer.Option("--out", help="输出文件 .xlsx · output file")],
    direction: Annotated[str | None, typer.Option(help="purchase 进项 / sales 销项")] = None,
) -> None:
    """导出公司的全部发票到 Excel · Export a company's invoices to an Excel workbook."""
    if out.suffix.lower() != ".xlsx":
        fail("输出文件须以 .xlsx 结尾", "The output file must end in .xlsx")
    target = company_by_tax_id(company)
    from fapiao.web.invoices.selectors import invoice_list

    rows = invoice_list(company=target, direction=direction).iterator(chunk_size=1000)
    count, totals = write_workbook(out, rows, title=f"{target.name} ({target.tax_id})")
    console.print(
        f"已导出 {count} 张发票 · Exported {count} invoices to {out} "
        f"(价税合计 gross total {totals['gross_amount']})"
    )


def _value(record: Any, attribute: str) -> Any:
    value = getattr(record, attribute)
    return value() if callable(value) else value


def write_workbook(
    path: Path, records: Iterable[Any], *, title: str
) -> tuple[int, dict[str, Decimal]]:
    """Write the records and a totals row; the number of rows and the Decimal totals."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet("发票 Invoices")
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        formats: dict[str, Any] = {
            TEXT: workbook.add_format({"num_format": "@"}),
            DATE: workbook.add_format({"num_format": "yyyy-mm-dd"}),
            MONEY: workbook.add_format({"num_format": "#,##0.00"}),
            LABEL: None,
        }
        total_format = workbook.add_format({"bold": True, "num_format": "#,##0.00", "top": 1})
        sheet.write_string(0, 0, title, workbook.add_format({"bold": True}))
        for col, (header, _, kind) in enumerate(COLUMNS):
            sheet.write_string(1, col, header, bold)
            sheet.set_column(col, col, 22 if kind in (TEXT, LABEL) else 14)
        writers: dict[str, Callable[..., Any]] = {
            TEXT: lambda r, c, v, f: sheet.write_string(r, c, str(v), f),
            DATE: lambda r, c, v, f: sheet.write_datetime(r, c, v, f),
            MONEY: lambda r, c, v, f: sheet.write_number(r, c, v, f),
            LABEL: lambda r, c, v, f: sheet.write(r, c, v, f),
        }
        totals = {name: Decimal("0.00") for name, _, kind in _money_columns()}
        row = 2
        for record in records:
            for col, (_, attribute, kind) in enumerate(COLUMNS):
                value = _value(record, attribute)
                if value is None or value == "":
                    continue
                writers[kind](row, col, value, formats[kind])
                if kind == MONEY:
                    totals[attribute] += value
            row += 1
        count = row - 2
        sheet.write_string(row, 0, f"合计 Total ({count})", total_format)
        for col, (_, attribute, kind) in enumerate(COLUMNS):
            if kind == MONEY:
                sheet.write_number(row, col, totals[attribute], total_format)
        sheet.freeze_panes(2, 0)
        sheet.autofilter(1, 0, max(row - 1, 1), len(COLUMNS) - 1)
    finally:
        workbook.close()
    return count, totals


def _money_columns() -> list[tuple[str, str, str]]:
    return [(attribute, header, kind) for header, attribute, kind in COLUMNS if kind == MONEY]
