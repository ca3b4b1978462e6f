"""The tax export as invoices: kinds from 发票票种, red from 是否正数发票, lines attached."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fapiao.core.invoice import Direction, FieldSource, InvoiceKind
from fapiao.core.parsing.api import parse_bytes, parse_path
from fapiao.core.parsing.base import FileFormat
from fapiao.core.parsing.tabular_invoices import kind_from_label

EXPORT = "export/全量发票查询导出-取得发票-2021.xlsx"


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("数电发票（增值税专用发票）", InvoiceKind.DIGITAL_SPECIAL),
        ("数电发票（普通发票）", InvoiceKind.DIGITAL_ORDINARY),
        ("数电纸质发票（普通发票）", InvoiceKind.DIGITAL_PAPER_ORDINARY),
        ("增值税普通发票（卷式）", InvoiceKind.VAT_ORDINARY_ROLL),
        ("增值税电子专用发票", InvoiceKind.VAT_SPECIAL_ELECTRONIC),
        ("道路通行费电子普通发票", InvoiceKind.TOLL),
        ("机动车销售统一发票", InvoiceKind.MOTOR_VEHICLE),
        ("不知道的票", None),
    ],
)
def test_kind_labels(label: str, kind: InvoiceKind | None) -> None:
    assert kind_from_label(label) is kind


@pytest.mark.samples
def test_real_export_rows_become_invoices(samples: Path) -> None:
    result = parse_path(samples / EXPORT)
    assert result.format is FileFormat.XLSX
    assert result.errors == ()
    invoices = [p.invoice for p in result.invoices]
    assert len(invoices) == 35  # the 合计 row is not an invoice
    first = invoices[0]
    assert (first.code, first.number) == ("011002100511", "61515362")
    assert first.kind is InvoiceKind.VAT_ORDINARY_ELECTRONIC
    assert first.gross_amount == Decimal("120")
    assert first.direction is Direction.PURCHASE  # 取得发票 in the file name
    assert first.fields["number"].source is FieldSource.EXPORT
    assert all(invoice.lines for invoice in invoices)
    assert sum(invoice.is_red for invoice in invoices) == 1


def test_csv_export_with_digital_rows() -> None:
    header = (
        "序号,发票代码,发票号码,数电发票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,"
    )
    header += "金额,税额,价税合计,发票来源,发票票种,发票状态,是否正数发票,发票风险等级,开票人,备注"
    row = ",,,25322000000365404822,52320200509244470T,无锡市安协安全培训中心,9132020013590404XW,"
    row += "江苏苏豪天鹏农产品集团有限公司,2025-08-08 12:06:33,-235.85,-14.15,-250.00,"
    row += "电子发票服务平台,"
    row += "数电发票（普通发票）,正常,否,正常,周煜敏,"
    data = f"{header}\n1{row}\n".encode()
    result = parse_bytes(data, filename="全量发票查询导出-开具发票.csv")
    assert result.format is FileFormat.CSV, [e.as_dict() for e in result.errors]
    (parsed,) = result.invoices
    invoice = parsed.invoice
    assert invoice.number == "25322000000365404822"
    assert invoice.code is None
    assert invoice.digital_number is None
    assert invoice.kind is InvoiceKind.DIGITAL_ORDINARY
    assert invoice.is_red
    assert invoice.direction is Direction.SALES
