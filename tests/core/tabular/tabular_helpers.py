"""Writing small test workbooks with xlsxwriter: strings stay strings, numbers stay numbers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import xlsxwriter

from fapiao.config import samples_dir

EXPORT_SAMPLE = "export/全量发票查询导出-取得发票-2021.xlsx"

INVOICE_HEADER = [
    "序号",
    "发票代码",
    "发票号码",
    "数电发票号码",
    "销方识别号",
    "销方名称",
    "购方识别号",
    "购买方名称",
    "开票日期",
    "金额",
    "税额",
    "价税合计",
    "发票来源",
    "发票票种",
    "发票状态",
    "是否正数发票",
    "发票风险等级",
    "开票人",
    "备注",
]

SELLER = "91110108675734440R"
BUYER = "91371400MA949RUW2H"


def invoice_row(seq: int, code: str, number: str, net: float, tax: float) -> list[object]:
    """One 发票基础信息 row of a legacy invoice."""
    return [
        str(seq),
        code,
        number,
        "--",
        SELLER,
        "北京某某科技有限公司",
        BUYER,
        "德州某某管理有限公司",
        "2021-12-31 21:43:51",
        net,
        tax,
        round(net + tax, 2),
        "增值税发票管理系统",
        "增值税电子普通发票",
        "正常",
        "是",
        "正常",
        "张三",
        "",
    ]


def xlsx_bytes(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook with the given sheets; ``None`` cells are left empty."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value, datetime_format)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def sample_path(relative: str) -> Path | None:
    """A shared sample file, or None when the samples folder is absent."""
    path = samples_dir() / relative
    return path if path.is_file() else None
