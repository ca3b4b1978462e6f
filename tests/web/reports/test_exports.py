"""Excel exports: identifiers are text cells, totals are exact, filters apply, each is an event."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.reconciliation.services import reconciliation_run
from fapiao.web.reports.exports import invoices_xlsx
from web.claims.factories import claim_with
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory
from web.reconciliation.exports import export_row, export_xlsx
from web.reconciliation.test_reconciliation import FILENAME

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


def _sheet(data: bytes) -> list[list[object]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture
def member(client: Client, company):
    login_as(client, UserFactory(), company, role="clerk")
    return client


def test_invoice_export_keeps_identifiers_as_text_and_totals_exact(company):
    InvoiceRecordFactory(
        company=company,
        code="011002100211",
        number="00012345",
        identity_key="011002100211:00012345",
        seller_tax_id="0123456789ABCDEFGH",
        net_amount=Decimal("0.10"),
        tax_amount=Decimal("0.01"),
        gross_amount=Decimal("0.11"),
    )
    InvoiceRecordFactory(
        company=company,
        number="25322000000365404822",
        net_amount=Decimal("1234567.89"),
        tax_amount=Decimal("74074.07"),
        gross_amount=Decimal("1308641.96"),
    )
    rows = _sheet(invoices_xlsx(InvoiceRecord.objects.filter(company=company).order_by("id")))
    header = rows[1]
    assert header[0] == "发票代码 · Code"
    assert "价税合计 · Gross" in header
    first = dict(zip(header, rows[2], strict=True))
    assert first["发票代码 · Code"] == "011002100211"
    assert first["发票号码 · Number"] == "00012345"
    assert first["销售方税号 · Seller tax ID"] == "0123456789ABCDEFGH"
    assert first["开票日期 · Issue date"] == dt.date(2025, 3, 14)
    second = dict(zip(header, rows[3], strict=True))
    assert second["发票号码 · Number"] == "25322000000365404822"  # all 20 digits, no 2.5E+19
    totals = dict(zip(header, rows[4], strict=True))
    assert totals["发票代码 · Code"] == "合计 · Total"
    assert _money(totals["金额 · Net"]) == Decimal("1234567.99")
    assert _money(totals["税额 · Tax"]) == Decimal("74074.08")
    assert _money(totals["价税合计 · Gross"]) == Decimal("1308642.07")


def test_export_view_uses_the_list_filters_and_records_an_event(member, company, invoices):
    response = member.get("/reports/export/invoices.xlsx", {"direction": "sales"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="invoices-')
    rows = _sheet(response.content)
    body = rows[2:-1]
    sales = InvoiceRecord.objects.filter(company=company, direction="sales")
    assert len(body) == sales.count()
    assert {r[5] for r in body} == {"销项"}
    numbers = {r[1] for r in body}
    assert numbers == set(sales.values_list("number", flat=True))
    gross = sum((r.gross_amount for r in sales), ZERO)
    assert _money(rows[-1][12]) == gross
    event = Event.objects.get(company=company, action="export.created")
    assert event.after == {
        "kind": "invoices",
        "rows": sales.count(),
        "filters": {"direction": "sales"},
    }
    assert member.get("/reports/export/invoices.xlsx", {"issued_from": "nope"}).status_code == 400


def test_summary_export_totals_equal_the_invoice_totals(member, company, invoices):
    response = member.get("/reports/export/summary.xlsx")
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert rows[1][:3] == ["发票种类 · Kind", "税率 · Tax rate", "张数 · Invoices"]
    records = InvoiceRecord.objects.filter(company=company)
    assert _money(rows[-1][3]) == sum((r.net_amount for r in records), ZERO)
    assert _money(rows[-1][4]) == sum((r.tax_amount for r in records), ZERO)
    assert Event.objects.filter(company=company, action="export.created").count() == 1


def test_events_export_is_for_auditors_and_lists_only_this_company(client, company, invoices):
    clerk = UserFactory()
    login_as(client, clerk, company, role="clerk")
    assert client.get("/reports/export/events.xlsx").status_code == 403
    login_as(client, UserFactory(), company, role="viewer")
    client.get("/reports/export/invoices.xlsx")  # one event of this company to export
    response = client.get("/reports/export/events.xlsx")
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert rows[1][3] == "动作 · Action"
    exported = rows[2:-1]
    assert len(exported) == Event.objects.filter(company=company).count() - 1
    assert {r[3] for r in exported} == {"export.created"}


def test_reconciliation_results_export(client, company):

    clerk = UserFactory()
    login_as(client, clerk, company, role="clerk")
    record = InvoiceRecordFactory(company=company, number="25322000000100000001")
    record.identity_key = record.number
    record.save()
    data = export_xlsx(
        [export_row(record, gross=Decimal("120.00"), net=Decimal("107.00"), tax=Decimal("13.00"))]
    )
    run = reconciliation_run(
        company=company,
        direction="purchase",
        content=data,
        filename=FILENAME,
        actor=clerk,
        as_of=dt.date(2025, 6, 30),
    )
    response = client.get(f"/reconciliation/{run.pk}/results.xlsx")
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert rows[2][0] == "金额不符 · AMOUNT_MISMATCH"
    assert rows[2][2] == "25322000000100000001"
    assert _money(rows[-1][7]) == Decimal("113.00")
    assert _money(rows[-1][8]) == Decimal("120.00")
    event = Event.objects.get(company=company, action="export.created")
    assert event.after["kind"] == "reconciliation_results"


def test_claims_export_totals_and_scoping(client, company, other_company):
    alice = UserFactory()
    login_as(client, alice, company, role="clerk")
    mine = claim_with(company, alice, InvoiceRecordFactory(company=company), title="北京出差")
    outsider = UserFactory()
    login_as(client, outsider, other_company, role="clerk")
    claim_with(other_company, outsider, InvoiceRecordFactory(company=other_company), title="别家")
    login_as(client, UserFactory(), company, role="viewer")
    response = client.get("/reports/export/claims.xlsx")
    assert response.status_code == 200
    rows = _sheet(response.content)
    assert rows[1][1] == "事由 · Title"
    assert [r[1] for r in rows[2:-1]] == ["北京出差"]
    assert rows[2][0] == str(mine.pk)
    assert _money(rows[-1][5]) == sum((i.amount for i in mine.items.all()), ZERO)
    assert rows[-1][4] == 1


def test_invoice_export_never_contains_another_company(client, company, other_company, invoices):
    login_as(client, UserFactory(), other_company, role="viewer")
    rows = _sheet(client.get("/reports/export/invoices.xlsx").content)[2:-1]
    theirs = set(
        InvoiceRecord.objects.filter(company=other_company).values_list("number", flat=True)
    )
    assert {r[1] for r in rows} == theirs
    assert not theirs & {r.number for r in invoices}
    assert Event.objects.filter(company=company, action="export.created").count() == 0
    assert Event.objects.filter(company=other_company, action="export.created").count() == 1
