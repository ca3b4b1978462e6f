"""Manual entry with validation as you type, and ledger import (台账导入)."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from django.urls import reverse

from fapiao.web.companies.models import Role
from fapiao.web.intake.models import IntakeBatch, ItemStatus
from fapiao.web.invoices.models import InvoiceRecord
from web.helpers import login_as

pytestmark = pytest.mark.django_db

MANUAL = {
    "direction": "purchase",
    "kind": "digital_special",
    "number": "25322000000365404822",
    "issue_date": "2025-03-14",
    "seller_name": "无锡市安协安全培训中心",
    "seller_tax_id": "52320200MJ5702713X",
    "buyer_name": "测试采购有限公司",
    "item_name": "*经纪代理服务*培训费",
    "net_amount": "235.85",
    "tax_rate": "0.06",
    "tax_amount": "14.15",
    "gross_amount": "250.00",
}


def _named(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_validation_partial_reports_a_gross_mismatch_and_the_uppercase(client, user, company):
    login_as(client, user, company, Role.CLERK)
    data = {**MANUAL, "buyer_tax_id": company.tax_id, "gross_amount": "260.00"}
    response = client.post(reverse("invoices:manual_validate"), data)
    page = response.content.decode()

    assert response.status_code == 200
    assert "amount.gross_mismatch" in page
    assert "贰佰陆拾圆整" in page
    assert 'data-hint="number"' in page


def test_validation_partial_of_a_correct_invoice_has_no_mismatch(client, user, company):
    login_as(client, user, company, Role.CLERK)
    data = {**MANUAL, "buyer_tax_id": company.tax_id}
    page = client.post(reverse("invoices:manual_validate"), data).content.decode()
    assert "amount.gross_mismatch" not in page
    assert "贰佰伍拾圆整" in page


def test_validation_partial_works_on_a_half_filled_form(client, user, company):
    login_as(client, user, company, Role.CLERK)
    response = client.post(reverse("invoices:manual_validate"), {"number": "12", "net_amount": "x"})
    assert response.status_code == 200
    assert 'data-hint="number"' in response.content.decode()


def test_manual_entry_saves_with_manual_provenance(client, user, company):
    login_as(client, user, company, Role.CLERK)
    response = client.post(reverse("invoices:manual"), {**MANUAL, "buyer_tax_id": company.tax_id})

    record = InvoiceRecord.objects.get(company=company)
    assert response.status_code == 302
    assert response["Location"] == reverse("invoices:detail", args=[record.pk])
    assert record.fields["gross_amount"] == {"source": "manual", "confidence": 1.0}
    assert record.created_by_id == user.pk
    assert record.lines.get().name == "*经纪代理服务*培训费"


def test_manual_entry_needs_a_writer_role(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    assert client.post(reverse("invoices:manual"), MANUAL).status_code == 403
    assert client.post(reverse("invoices:manual_validate"), MANUAL).status_code == 403


def _xlsx(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("台账")
    text = book.add_format({"num_format": "@"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value, text)
    book.close()
    return buffer.getvalue()


def test_ledger_without_a_number_column_shows_the_missing_column(client, user, company):
    login_as(client, user, company, Role.CLERK)
    content = "名称,金额\n某公司,100.00\n".encode()
    response = client.post(
        reverse("invoices:ledger"),
        {"file": _named("ledger.csv", content), "direction": "purchase"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-error="missing_columns"' in page
    assert "发票号码" in page
    assert not IntakeBatch.objects.exists()


def test_ledger_is_previewed_then_imported_in_the_background(
    client, user, company, django_capture_on_commit_callbacks
):
    login_as(client, user, company, Role.CLERK)
    header = [
        "发票号码",
        "开票日期",
        "销方税号",
        "销方名称",
        "购方税号",
        "金额",
        "税额",
        "价税合计",
    ]
    rows = [
        [
            f"2532200000036540{i:04d}",
            "2025-03-14",
            "52320200MJ5702713X",
            "无锡市安协",
            company.tax_id,
            "100.00",
            "13.00",
            "113.00",
        ]
        for i in range(12)
    ]
    content = _xlsx([header, *rows])

    preview = client.post(
        reverse("invoices:ledger"),
        {"file": _named("ledger.xlsx", content), "direction": "purchase"},
    )
    assert preview.status_code == 200
    assert len(preview.context["rows"]) == 10  # the first rows only
    assert preview.context["row_count"] == 12
    assert not InvoiceRecord.objects.exists()

    stored = preview.context["stored"]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(
            reverse("invoices:ledger_confirm"), {"stored": stored.pk, "direction": "purchase"}
        )
    batch = IntakeBatch.objects.get(company=company, kind="ledger")
    assert confirmed["Location"] == reverse("intake:batch", args=[batch.pk])
    item = batch.items.get()
    assert item.status == ItemStatus.DONE, item.errors
    assert (item.rows_total, item.rows_done, item.invoices_created) == (12, 12, 12)
    record = InvoiceRecord.objects.get(number=rows[0][0])
    assert record.fields["number"]["source"] == "export"
    assert record.direction == "purchase"
    numbers = set(InvoiceRecord.objects.filter(company=company).values_list("number", flat=True))
    assert numbers == {row[0] for row in rows}
