"""read_table: encodings, delimiters, header finding, synonyms, mapping, skipped rows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from tabular_helpers import INVOICE_HEADER, invoice_row, xlsx_bytes

from fapiao.core.errors import CorruptFile, MissingColumns, TabularError, UnsupportedFormat
from fapiao.core.parsing.base import FileFormat
from fapiao.core.tabular import ColumnSpec, SkipReason, TableSpec, read_table, sniff
from fapiao.core.tabular.specs import LEDGER, TAX_EXPORT_INVOICES

LEDGER_CSV = (
    "发票代码,发票号码,开票日期,销售方名称,金额,税额,价税合计\n"
    "011002100511,61515362,2021-12-31,北京华医网科技股份有限公司,116.50,3.50,120.00\n"
    "037002100107,01970179,2021/12/31,德州经济技术开发区道客图文设计中心,374.26,3.74,378.00\n"
)


def test_gb18030_csv_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    path.write_bytes(LEDGER_CSV.encode("gb18030"))
    table = read_table(path, spec=LEDGER)
    assert table.format is FileFormat.CSV
    assert table.sheet is None
    assert table.frame.get_column("seller_name").to_list() == [
        "北京华医网科技股份有限公司",
        "德州经济技术开发区道客图文设计中心",
    ]
    assert table.frame.get_column("code").to_list() == ["011002100511", "037002100107"]
    assert table.source_rows == [2, 3]


def test_gbk_encoded_bytes_read_as_gb18030() -> None:
    table = read_table(LEDGER_CSV.encode("gbk"), spec=LEDGER)
    assert table.frame.get_column("number").to_list() == ["61515362", "01970179"]


def test_utf8_bom_tab_separated_csv() -> None:
    data = LEDGER_CSV.replace(",", "\t").encode("utf-8-sig")
    table = read_table(data, spec=LEDGER)
    assert table.headers["code"] == "发票代码"  # the BOM is not part of the first header
    assert table.frame.get_column("gross_amount").to_list() == ["120.00", "378.00"]


def test_utf16_csv_from_excel_unicode_text() -> None:
    table = read_table(LEDGER_CSV.replace(",", "\t").encode("utf-16"), spec=LEDGER)
    assert table.frame.get_column("number").to_list() == ["61515362", "01970179"]


def test_semicolon_delimiter_with_decimal_commas_inside_quotes() -> None:
    data = 'Invoice No;Net Amount;Tax Amount\n61515362;"1,116.50";3.50\n61515363;2;0\n'
    table = read_table(data.encode(), spec=LEDGER)
    assert table.frame.to_dicts() == [
        {"number": "61515362", "net_amount": "1,116.50", "tax_amount": "3.50"},
        {"number": "61515363", "net_amount": "2", "tax_amount": "0"},
    ]
    assert table.findings == []  # "1,116.50" reads as an amount


def test_english_synonyms_case_and_spacing_insensitive() -> None:
    data = (
        "invoice  number,INVOICE CODE,Invoice Date,Seller Tax ID,seller_name,Gross Amount\n"
        "61515362,011002100511,2021-12-31,91110108675734440R,ACME,120\n"
    )
    table = read_table(data.encode(), spec=LEDGER)
    assert table.frame.row(0, named=True) == {
        "number": "61515362",
        "code": "011002100511",
        "issue_date": "2021-12-31",
        "seller_tax_id": "91110108675734440R",
        "seller_name": "ACME",
        "gross_amount": "120",
    }


def test_header_not_in_row_one_and_title_kept() -> None:
    rows: list[list[object]] = [
        ["全量发票查询导出结果"],
        ["导出时间：2022-01-05"],
        [],
        INVOICE_HEADER,
        invoice_row(1, "011002100511", "61515362", 116.5, 3.5),
    ]
    table = read_table(xlsx_bytes({"发票基础信息": rows}), spec=TAX_EXPORT_INVOICES)
    assert table.format is FileFormat.XLSX
    assert table.header_row == 4
    assert table.source_rows == [5]
    assert table.title == ("全量发票查询导出结果", "导出时间：2022-01-05")
    assert table.frame.get_column("number").to_list() == ["61515362"]


def test_required_marks_and_fullwidth_header_text_are_normalised() -> None:
    data = "发票号码*, 金额 ＊,ｔａｘ ａｍｏｕｎｔ\n61515362,1,0.13\n"
    table = read_table(data.encode(), spec=LEDGER)
    assert table.frame.columns == ["number", "net_amount", "tax_amount"]


def test_explicit_mapping_overrides_synonyms() -> None:
    data = "票号,金额,不含税,合计\n61515362,999,116.50,120\n"
    table = read_table(
        data.encode(),
        spec=LEDGER,
        mapping={"number": "票号", "net_amount": "不含税", "gross_amount": "合计"},
    )
    assert table.frame.row(0, named=True) == {
        "number": "61515362",
        "net_amount": "116.50",
        "gross_amount": "120",
    }
    assert table.headers["net_amount"] == "不含税"


def test_mapping_with_unknown_field_is_refused() -> None:
    with pytest.raises(TabularError, match="amount_total"):
        read_table(b"a,b\n1,2\n", spec=LEDGER, mapping={"amount_total": "a"})


def test_missing_required_columns_are_named_with_the_sheet() -> None:
    rows = [["发票代码", "发票号码", "开票日期", "金额"], ["011002100511", "61515362", "x", 1]]
    with pytest.raises(MissingColumns) as caught:
        read_table(xlsx_bytes({"我的表": rows}), spec=TAX_EXPORT_INVOICES)
    assert caught.value.missing == [
        "销方识别号（seller_tax_id）",
        "购方识别号（buyer_tax_id）",
        "税额（tax_amount）",
    ]
    assert "我的表" in caught.value.message
    assert "我的表" in caught.value.message_en


def test_mapped_header_not_found_is_missing() -> None:
    with pytest.raises(MissingColumns) as caught:
        read_table(b"fphm,je\n61515362,1\n", spec=LEDGER, mapping={"voucher": "凭证"})
    assert caught.value.missing == ["凭证（voucher）"]


def test_one_of_group_missing() -> None:
    with pytest.raises(MissingColumns) as caught:
        read_table("金额,税额\n1,2\n".encode(), spec=LEDGER)
    assert caught.value.missing == ["发票号码/数电发票号码（number/digital_number）"]


def test_no_header_at_all_names_every_column() -> None:
    spec = TableSpec("t", (ColumnSpec("a", ("甲",)), ColumnSpec("b", ("乙",))))
    with pytest.raises(MissingColumns) as caught:
        read_table(b"x,y\n1,2\n", spec=spec)
    assert caught.value.missing == ["甲（a）", "乙（b）"]


def test_total_empty_and_repeated_header_rows_are_skipped_and_placeholders_null() -> None:
    data = (
        "序号,发票代码,发票号码,数电发票号码,金额,税额\n"
        "1,011002100511,61515362,--,116.5,3.5\n"
        ",,,,,\n"
        "序号,发票代码,发票号码,数电发票号码,金额,税额\n"
        "2,,,25322000000365404822,250,0\n"
        "合计,,,,366.5,3.5\n"
        ",,,,366.5,3.5\n"
        "  总计 ,,,,366.5,3.5\n"
    )
    table = read_table(data.encode(), spec=LEDGER)
    assert table.source_rows == [2, 5]
    assert table.frame.get_column("digital_number").to_list() == [None, "25322000000365404822"]
    assert table.frame.get_column("code").to_list() == ["011002100511", None]
    assert [(s.row, s.reason) for s in table.skipped_rows] == [
        (3, SkipReason.EMPTY),
        (4, SkipReason.HEADER),
        (6, SkipReason.TOTAL),
        (7, SkipReason.TOTAL),
        (8, SkipReason.TOTAL),
    ]
    assert table.skipped_rows[2].values["net_amount"] == "366.5"


def test_numbers_and_dates_from_excel_cells_read_as_text_without_float_artefacts() -> None:
    rows: list[list[object]] = [
        ["发票号码", "开票日期", "金额", "税额", "价税合计", "备注"],
        ["61515362", dt.datetime(2021, 12, 31, 21, 43, 51), 1234.5, 0.1 + 0.2, 1234.8, 7.0],
        ["61515363", dt.date(2021, 3, 4), 120.0, -50.0, 70, True],
    ]
    table = read_table(xlsx_bytes({"S": rows}), spec=LEDGER)
    assert table.frame.to_dicts() == [
        {
            "number": "61515362",
            "issue_date": "2021-12-31 21:43:51",
            "net_amount": "1234.5",
            "tax_amount": "0.3",
            "gross_amount": "1234.8",
            "remark": "7",
        },
        {
            "number": "61515363",
            "issue_date": "2021-03-04",
            "net_amount": "120",
            "tax_amount": "-50",
            "gross_amount": "70",
            "remark": "TRUE",
        },
    ]
    assert table.frame.schema == pl.Schema(dict.fromkeys(table.frame.columns, pl.Utf8))


def test_unreadable_amounts_and_dates_are_findings_with_row_and_column() -> None:
    data = "发票号码,开票日期,金额\n61515362,2021年3月4日,¥1,234.50\n61515363,昨天,十元\n"
    table = read_table(data.encode(), spec=LEDGER, mapping={"net_amount": "金额"})
    codes = [(f.code, f.values["row"], f.field) for f in table.findings]
    assert codes == [
        ("tabular.invalid_date", 3, "issue_date"),
        ("tabular.invalid_amount", 3, "net_amount"),
    ]
    assert "第 3 行「金额」" in table.findings[1].message
    assert "十元" in table.findings[1].message_en


def test_format_is_sniffed_by_content_not_by_name() -> None:
    rows = [["发票号码", "金额"], ["61515362", 1]]
    data = xlsx_bytes({"S": rows})
    assert sniff(data) is FileFormat.XLSX
    assert read_table(data, spec=LEDGER, filename="ledger.csv").format is FileFormat.XLSX
    csv = "发票号码,金额\n61515362,1\n".encode()
    assert read_table(csv, spec=LEDGER, filename="ledger.xlsx").format is FileFormat.CSV
    assert sniff(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)) is FileFormat.XLS


def test_damaged_xls_and_foreign_zip_and_html_are_refused() -> None:
    with pytest.raises(CorruptFile):
        read_table(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1000), spec=LEDGER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd/>")
    with pytest.raises(UnsupportedFormat):
        read_table(buffer.getvalue(), spec=LEDGER)
    with pytest.raises(UnsupportedFormat, match="HTML"):
        read_table(b"<html><table><tr><td>1</td></tr></table></html>", spec=LEDGER)
    with pytest.raises(UnsupportedFormat):
        read_table(bytes(range(256)) * 4, spec=LEDGER)


def test_best_sheet_is_chosen_and_a_named_sheet_must_exist() -> None:
    data = xlsx_bytes(
        {
            "说明": [["本文件由财务软件导出"]],
            "台账": [["发票号码", "金额", "税额"], ["61515362", 1, 0.13]],
        }
    )
    assert read_table(data, spec=LEDGER).sheet == "台账"
    with pytest.raises(TabularError, match="找不到工作表"):
        read_table(data, spec=LEDGER, sheet="Sheet9")


def test_duplicate_column_uses_the_first_and_says_so() -> None:
    table = read_table("发票号码,金额,金额\n61515362,1,2\n".encode(), spec=LEDGER)
    assert table.frame.get_column("net_amount").to_list() == ["1"]
    assert [f.code for f in table.findings] == ["tabular.duplicate_column"]


def test_spec_refuses_a_synonym_shared_by_two_fields() -> None:
    with pytest.raises(ValueError, match="names a and b"):
        TableSpec("t", (ColumnSpec("a", ("Invoice No",)), ColumnSpec("b", ("invoice_no",))))


def test_header_only_file_gives_an_empty_frame_with_the_columns() -> None:
    table = read_table("发票号码,金额\n,\n".encode(), spec=LEDGER)
    assert table.frame.columns == ["number", "net_amount"]
    assert table.frame.height == 0
    assert table.source_rows == []
    assert [(s.row, s.reason) for s in table.skipped_rows] == [(2, SkipReason.EMPTY)]
