from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from anomaly_helpers import COMPANY, SELLER_TAX_ID, invoice

from fapiao.core.anomalies import (
    detect_risky_sellers,
    read_risk_list,
    risk_list_from_tax_ids,
)
from fapiao.core.findings import Severity

CSV = (
    "纳税人识别号,名称,类型,列入日期\n"
    f"{SELLER_TAX_ID},山东示例商贸有限公司,失控发票,2024-02-01\n"
    "91440300MA5F000000,深圳示例有限公司,异常凭证,2023/12/5\n"
    ",无税号的行,异常凭证,2023-01-01\n"
).encode()


def test_uploaded_csv_is_read_with_its_columns() -> None:
    entries = read_risk_list(CSV, filename="risk.csv")
    assert [e.tax_id for e in entries] == [SELLER_TAX_ID, "91440300MA5F000000"]
    assert entries[0].list_type == "失控发票"
    assert entries[0].listed_date == dt.date(2024, 2, 1)
    assert entries[1].listed_date == dt.date(2023, 12, 5)


def test_invoice_from_listed_seller_alerts_with_the_listing() -> None:
    risky = invoice("00000001")
    clean = invoice("00000002", seller="91370000MA3C00009Z")
    [alert] = detect_risky_sellers(COMPANY, [risky, clean], read_risk_list(CSV, filename="r.csv"))
    assert alert.code == "anomaly.risky_seller"
    assert alert.severity is Severity.WARNING
    assert alert.invoices == (risky.identity,)
    assert "失控发票" in alert.message
    assert "2024-02-01" in alert.message
    assert SELLER_TAX_ID in alert.message_en


def test_plain_tax_ids_match_after_normalising() -> None:
    listed = risk_list_from_tax_ids([f" {SELLER_TAX_ID.lower()} "])
    [alert] = detect_risky_sellers(COMPANY, [invoice("00000001")], listed)
    assert "risk list" in alert.message_en


def test_seller_one_character_off_is_not_matched() -> None:
    listed = risk_list_from_tax_ids([SELLER_TAX_ID[:-1] + "B"])
    assert detect_risky_sellers(COMPANY, [invoice("00000001")], listed) == []


def test_uploaded_xlsx_with_a_title_row_and_text_dates() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, ["异常凭证名单（2024 年 6 月）"])
    sheet.write_row(1, 0, ["序号", "纳税人识别号", "名称", "类型", "列入日期"])
    sheet.write_row(
        2, 0, ["1", SELLER_TAX_ID, "山东示例商贸有限公司", "异常凭证", "2024年06月03日"]
    )
    book.close()
    [entry] = read_risk_list(buffer.getvalue(), filename="risk.xlsx")
    assert entry.tax_id == SELLER_TAX_ID
    assert entry.list_type == "异常凭证"
    assert entry.listed_date == dt.date(2024, 6, 3)
