"""read_tax_export on the real 全量发票查询 export and on synthetic ones; read_ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook
from tabular_helpers import EXPORT_SAMPLE, INVOICE_HEADER, invoice_row, sample_path, xlsx_bytes

from fapiao.core.errors import MissingColumns
from fapiao.core.findings import Severity
from fapiao.core.invoice import Direction
from fapiao.core.parsing.base import FileFormat
from fapiao.core.tabular import ExportKind, SheetRole, SkipReason, read_ledger, read_tax_export

LINE_HEADER = [
    *INVOICE_HEADER[:9],
    "税收分类编码",
    "特定业务类型",
    "货物或应税劳务名称",
    "规格型号",
    "单位",
    "数量",
    "单价",
    "金额",
    "税率",
    "税额",
    *INVOICE_HEADER[11:],
]


def _line_row(number: str, name: str, net: float, tax: float) -> list[object]:
    row = invoice_row(1, "011002100511", number, net, tax)
    return [
        *row[:9],
        "3070201020000000000",
        "",
        name,
        "",
        "次",
        "1",
        str(net),
        net,
        "3%",
        tax,
        *row[11:],
    ]


@pytest.mark.samples
def test_real_export_reads_every_invoice_and_no_total_row() -> None:
    path = sample_path(EXPORT_SAMPLE)
    if path is None:
        pytest.skip("shared samples folder absent (set FAPIAO_SAMPLES_DIR)")
    export = read_tax_export(path)
    assert export.kind is ExportKind.RECEIVED  # from the file name 取得发票
    assert export.direction is Direction.PURCHASE
    assert export.format is FileFormat.XLSX
    assert [(s.name, s.role) for s in export.sheets] == [
        ("信息汇总表", SheetRole.LINES),
        ("发票基础信息", SheetRole.INVOICES),
    ]
    assert export.findings == []
    invoices = export.invoices
    assert invoices.height == 35
    assert invoices.get_column("source_row").to_list() == list(range(2, 37))
    (table,) = export.invoice_tables
    assert [(s.row, s.reason) for s in table.skipped_rows] == [(37, SkipReason.TOTAL)]
    assert table.skipped_rows[0].values["net_amount"] == "81576.51"
    first = invoices.row(0, named=True)
    assert first["code"] == "011002100511"
    assert first["number"] == "61515362"
    assert first["digital_number"] is None  # "--"
    assert first["seller_tax_id"] == "91110108675734440R"
    assert first["issue_date"] == "2021-12-31 21:43:51"
    assert (first["net_amount"], first["tax_amount"], first["gross_amount"]) == (
        "116.5",
        "3.5",
        "120",
    )
    second = invoices.row(1, named=True)
    assert (second["code"], second["number"]) == ("037002100107", "01970179")
    assert second["kind_label"] == "增值税普通发票（卷式）"
    last = invoices.row(34, named=True)
    assert (last["seq"], last["number"], last["net_amount"]) == ("35", "74238477", "10998.18")
    nets = sum(Decimal(v) for v in invoices.get_column("net_amount").to_list())
    assert nets == Decimal("81576.51")

    lines = export.lines
    assert lines.height == 42
    assert lines.row(0, named=True)["tax_code"] == "3070201020000000000"
    assert lines.row(0, named=True)["tax_rate"] == "3%"
    assert lines.row(0, named=True)["unit_price"] == "116.50485437"
    assert lines.row(40, named=True)["net_amount"] == "-50"
    assert set(lines.get_column("number").to_list()) == set(invoices.get_column("number").to_list())


@pytest.mark.samples
def test_real_export_matches_calamine_cell_by_cell() -> None:
    path = sample_path(EXPORT_SAMPLE)
    if path is None:
        pytest.skip("shared samples folder absent (set FAPIAO_SAMPLES_DIR)")
    raw = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("发票基础信息").to_python()
    rows = [r for r in raw[1:] if r[0] != "合计行"]
    invoices = read_tax_export(path).invoices
    assert invoices.get_column("code").to_list() == [r[1] for r in rows]
    assert invoices.get_column("number").to_list() == [r[2] for r in rows]
    assert [Decimal(v) for v in invoices.get_column("tax_amount").to_list()] == [
        Decimal(repr(r[10])) for r in rows
    ]


def test_sheets_found_by_content_with_title_and_passenger_sheet() -> None:
    data = xlsx_bytes(
        {
            "Sheet1": [
                ["全量发票查询导出结果（开具发票）"],
                INVOICE_HEADER,
                invoice_row(1, "011002100511", "61515362", 116.5, 3.5),
                invoice_row(2, "011002100511", "61515363", 100, 3),
                ["合计行", *[""] * 8, 216.5, 6.5],
            ],
            "Sheet2": [LINE_HEADER, _line_row("61515362", "*培训*培训费", 116.5, 3.5)],
            "旅客运输": [
                [*INVOICE_HEADER[:3], "出行人", "出行人证件号码"],
                ["1", "", "", "张三", "1101"],
            ],
            "不动产租赁": [[*INVOICE_HEADER[:3], "不动产地址"], ["1", "", "", "北京"]],
        }
    )
    export = read_tax_export(data, filename="export.xlsx")
    assert export.kind is ExportKind.ISSUED
    assert export.direction is Direction.SALES
    assert {s.name: (s.role, s.has_personal_data) for s in export.sheets} == {
        "Sheet1": (SheetRole.INVOICES, False),
        "Sheet2": (SheetRole.LINES, False),
        "旅客运输": (SheetRole.EXTRA, True),
        "不动产租赁": (SheetRole.EXTRA, False),
    }
    assert export.invoices.get_column("number").to_list() == ["61515362", "61515363"]
    assert export.lines.get_column("item_name").to_list() == ["*培训*培训费"]
    assert [(f.code, f.severity) for f in export.findings] == [
        ("tabular.personal_data_sheet", Severity.WARNING),
        ("tabular.extra_sheet", Severity.INFO),
    ]


def test_total_row_that_disagrees_with_the_rows_is_an_error() -> None:
    data = xlsx_bytes(
        {
            "发票基础信息": [
                INVOICE_HEADER,
                invoice_row(1, "011002100511", "61515362", 116.5, 3.5),
                ["合计行", *[""] * 8, 216.5, 3.5],
            ]
        }
    )
    export = read_tax_export(data)
    assert export.kind is ExportKind.UNKNOWN
    assert export.direction is None
    assert [(f.code, f.field) for f in export.findings] == [
        ("tabular.total_mismatch", "net_amount")
    ]
    assert "216.5" in export.findings[0].message
    assert "116.5" in export.findings[0].message


def test_older_header_and_split_line_sheets() -> None:
    header = [("数电票号码" if h == "数电发票号码" else h) for h in INVOICE_HEADER]
    row = invoice_row(1, "", "", 250, 0)
    row[3] = "25322000000365404822"
    data = xlsx_bytes(
        {
            "发票基础信息": [header, row],
            "信息汇总表1": [LINE_HEADER, _line_row("61515362", "a", 1, 0)],
            "信息汇总表2": [LINE_HEADER, _line_row("61515363", "b", 2, 0)],
        }
    )
    export = read_tax_export(data, filename="全量发票查询导出-取得发票.xlsx")
    assert export.invoices.get_column("digital_number").to_list() == ["25322000000365404822"]
    assert export.invoices.get_column("code").to_list() == [None]
    assert export.lines.select("source_sheet", "source_row", "item_name").rows() == [
        ("信息汇总表1", 2, "a"),
        ("信息汇总表2", 2, "b"),
    ]


def test_deduction_export_with_starred_headers() -> None:
    header = [
        "序号",
        "是否勾选*",
        "数电票号码",
        "发票代码*",
        "发票号码*",
        "开票日期*",
        "金额*",
        "票面税额*",
        "有效抵扣税额*",
        "购买方识别号",
        "销售方纳税人名称",
        "销售方纳税人识别号*",
        "发票来源",
        "票种",
        "发票状态",
        "红字锁定标志",
        "转内销证明编号",
        "业务类型",
        "勾选时间",
        "发票风险等级",
        "风险状态",
    ]
    row = ["1", "是", "--", "037002100107", "01970179", "2021-12-31", 374.26, 3.74, 3.74]
    row += ["91371400MA949RUW2H", "道客图文", "92371400MA3PDD3J6C", "增值税发票管理系统"]
    row += ["增值税普通发票", "正常", "否", "", "", "2022-01-10 10:00:00", "正常", "正常"]
    export = read_tax_export(xlsx_bytes({"抵扣勾选": [header, row]}))
    assert export.kind is ExportKind.DEDUCTION
    assert export.direction is Direction.PURCHASE
    record = export.invoices.drop("source_sheet", "source_row").row(0, named=True)
    assert record["deductible_tax_amount"] == "3.74"
    assert record["tax_amount"] == "3.74"
    assert record["is_selected"] == "是"
    assert record["number"] == "01970179"
    assert record["digital_number"] is None
    assert export.lines.is_empty()


def test_export_without_invoice_columns_names_them() -> None:
    with pytest.raises(MissingColumns, match="发票号码"):
        read_tax_export(xlsx_bytes({"Sheet1": [["序号", "备注"], ["1", "x"]]}))


def test_read_ledger_with_english_headers_and_mapping() -> None:
    data = (
        "Voucher No,Ref,Invoice Date,Seller,Net Amount,VAT,Total,Entered By,Batch\n"
        "记-12,61515362,2021-12-31,ACME,116.50,3.50,120.00,李四,2022-01\n"
    ).encode()
    table = read_ledger(data, {"number": "Ref"})
    assert table.frame.row(0, named=True) == {
        "number": "61515362",
        "issue_date": "2021-12-31",
        "seller_name": "ACME",
        "net_amount": "116.50",
        "tax_amount": "3.50",
        "gross_amount": "120.00",
        "operator": "李四",
        "batch": "2022-01",
        "voucher": "记-12",
    }
