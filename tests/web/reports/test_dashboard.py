"""Dashboard: chart totals equal the database totals; data never crosses companies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from fapiao.web.events.services import event_record
from fapiao.web.invoices.models import Direction, InvoiceLineRecord, InvoiceRecord
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")


@pytest.fixture
def member(client: Client, company):
    login_as(client, UserFactory(), company, role="viewer")
    return client


def _chart(client: Client, name: str, **params):
    response = client.get(f"/reports/charts/{name}.json", params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def _db(company, direction, amount, **filters):
    """The database total, summed in Python from the stored Decimals (no SQL aggregation)."""
    rows = InvoiceRecord.objects.filter(company=company, direction=direction, **filters)
    return sum((getattr(r, amount) or ZERO for r in rows), ZERO)


def test_monthly_chart_totals_equal_database_totals(member, company, invoices):
    data = _chart(member, "monthly")
    assert data["months"][0] == "2024-11"
    assert data["months"] == sorted(set(data["months"]))
    for direction in Direction.values:
        for amount, column in (
            ("net", "net_amount"),
            ("tax", "tax_amount"),
            ("gross", "gross_amount"),
        ):
            drawn = sum(map(Decimal, data["series"][direction][amount]), ZERO)
            undated = Decimal(data["undated"].get(direction, {}).get(amount, "0"))
            assert drawn == Decimal(data["totals"][direction][amount])
            assert drawn == _db(company, direction, column, issue_date__isnull=False)
            assert drawn + undated == _db(company, direction, column)
        counted = sum(data["series"][direction]["count"])
        counted += data["undated"].get(direction, {}).get("count", 0)
        assert counted == InvoiceRecord.objects.filter(company=company, direction=direction).count()


def test_monthly_chart_respects_the_period(member, company, invoices):
    data = _chart(member, "monthly", date_from="2025-01-01", date_to="2025-01-31")
    assert data["months"] == ["2025-01"]
    assert Decimal(data["totals"]["purchase"]["gross"]) == _db(
        company, "purchase", "gross_amount", issue_date__year=2025, issue_date__month=1
    )
    assert (
        member.get("/reports/charts/monthly.json", {"date_from": "2025-13-01"}).status_code == 400
    )


@pytest.mark.parametrize(("chart", "direction"), [("sellers", "purchase"), ("buyers", "sales")])
def test_party_charts_add_up_to_the_database_total(member, company, invoices, chart, direction):
    rows = _chart(member, chart)
    assert sum(Decimal(r["amount"]) for r in rows) == _db(company, direction, "gross_amount")
    assert (
        sum(r["count"] for r in rows)
        == InvoiceRecord.objects.filter(company=company, direction=direction).count()
    )
    amounts = [Decimal(r["amount"]) for r in rows if r["tax_id"]]
    assert amounts == sorted(amounts, reverse=True)


def test_tax_rate_mix_equals_the_line_totals(member, company, invoices):
    rows = _chart(member, "rates")
    lines = InvoiceLineRecord.objects.filter(invoice__company=company)
    assert sum(Decimal(r["tax"]) for r in rows) == sum((x.tax_amount for x in lines), ZERO)
    assert {r["label"] for r in rows} == {"6%", "13%"}


def test_deduction_progress_equals_the_purchase_tax(member, company, invoices):
    data = _chart(member, "deduction")
    drawn = sum((Decimal(v) for values in data["series"].values() for v in values), ZERO)
    assert drawn == _db(company, "purchase", "tax_amount", issue_date__isnull=False)
    selected = sum(map(Decimal, data["series"]["selected"]), ZERO)
    assert selected == _db(
        company, "purchase", "tax_amount", issue_date__isnull=False, deduction_status="selected"
    )


def test_review_queue_counts(member, company, invoices):
    data = _chart(member, "review")
    pending = next(s for s in data["statuses"] if s["value"] == "pending")
    assert pending["count"] == len(invoices)
    assert len(data["oldest"]) == 10
    assert {row["id"] for row in data["oldest"]} <= {r.pk for r in invoices}


def test_dashboard_page_is_strict_and_loads_echarts_from_static(member, invoices):
    response = member.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html
    assert "reports/dashboard.js" in html
    for chart in ("monthly", "sellers", "buyers", "rates", "deduction", "reconciliation"):
        assert f'data-chart="{chart}" data-url="/reports/charts/{chart}.json?"' in html
    assert ' style="' not in html
    assert "<style" not in html
    assert "<script>" not in html


def test_unknown_chart_is_404_and_anonymous_is_sent_to_login(client, member):
    assert member.get("/reports/charts/nope.json").status_code == 404
    assert Client().get("/reports/charts/monthly.json").status_code == 302


def test_charts_never_show_another_company(client, company, other_company, invoices):
    login_as(client, UserFactory(), other_company, role="viewer")
    data = client.get("/reports/charts/monthly.json").json()["data"]
    total = sum((Decimal(data["totals"][d]["gross"]) for d in Direction.values), ZERO) + sum(
        (Decimal(v["gross"]) for v in data["undated"].values()), ZERO
    )
    mine = sum((r.gross_amount for r in InvoiceRecord.objects.filter(company=other_company)), ZERO)
    assert total == mine
    sellers = client.get("/reports/charts/sellers.json").json()["data"]
    theirs = InvoiceRecord.objects.filter(company=other_company, direction="purchase").count()
    assert sum(r["count"] for r in sellers) == theirs


def test_charts_are_cached_until_the_next_event(member, company, settings, invoices):
    settings.FAPIAO_REPORTS_CACHE_SECONDS = 300
    before = _chart(member, "monthly")["totals"]["purchase"]["gross"]
    extra = InvoiceRecordFactory(company=company, gross_amount=Decimal("113.00"))
    assert _chart(member, "monthly")["totals"]["purchase"]["gross"] == before  # no event yet
    event_record(
        company=company, actor=None, action="invoice.created", obj=extra, before=None, after={}
    )
    after = _chart(member, "monthly")["totals"]["purchase"]["gross"]
    assert Decimal(after) == Decimal(before) + extra.gross_amount
    settings.FAPIAO_REPORTS_CACHE_SECONDS = 0
    InvoiceRecordFactory(company=company, gross_amount=Decimal("113.00"))
    fresh = _chart(member, "monthly")["totals"]["purchase"]["gross"]
    assert Decimal(fresh) == Decimal(after) + Decimal("113.00")


def test_dashboard_period_reaches_every_chart(member, invoices):
    html = member.get("/dashboard/", {"date_from": "2025-01-01"}).content.decode()
    assert html.count('.json?date_from=2025-01-01"') == 6
    assert 'value="2025-01-01"' in html
    assert member.get("/dashboard/", {"date_from": "bad"}).status_code == 200
