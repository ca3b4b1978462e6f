"""Print views: invoices one or two per page, the 汇总表 with totals; foreign ids are a 404."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from fapiao.web.invoices.models import InvoiceRecord
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.reports.conftest import make_invoices

pytestmark = pytest.mark.django_db
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.fixture
def member(client: Client, company):
    login_as(client, UserFactory(), company, role="viewer")
    return client


def _strict(html: str) -> None:
    assert not INLINE_SCRIPT.search(html)
    assert ' style="' not in html
    assert "<style" not in html


@pytest.mark.parametrize("per_page", [1, 2])
def test_print_invoices_one_or_two_per_page(member, invoices, per_page):
    chosen = invoices[:3]
    ids = ",".join(str(r.pk) for r in chosen)
    response = member.get("/reports/print/invoices/", {"ids": ids, "per_page": per_page})
    assert response.status_code == 200
    html = response.content.decode()
    _strict(html)
    assert f"per-page-{per_page}" in html
    assert "print.css" in html
    assert html.count('class="print-sheet"') == 3
    positions = [html.index(f'data-invoice="{r.pk}"') for r in chosen]
    assert positions == sorted(positions)  # in the order asked for
    assert "1.0000000000000" not in html  # quantities print without trailing zeros
    assert '<td class="amount">100</td>' in html  # the unit price
    for record in chosen:
        assert record.number in html
        assert record.seller_name in html


def test_print_invoices_rejects_bad_input(member, invoices):
    assert member.get("/reports/print/invoices/").status_code == 400
    assert member.get("/reports/print/invoices/", {"ids": "x"}).status_code == 400
    pk = invoices[0].pk
    assert member.get("/reports/print/invoices/", {"ids": pk, "per_page": 3}).status_code == 400


def test_print_summary_has_totals(member, company, invoices):
    response = member.get("/reports/print/summary/", {"direction": "purchase"})
    assert response.status_code == 200
    html = response.content.decode()
    _strict(html)
    assert "发票汇总表" in html
    assert "合计 · Total" in html
    purchases = InvoiceRecord.objects.filter(company=company, direction="purchase")
    gross = sum((r.gross_amount for r in purchases), Decimal("0.00"))
    assert str(gross) in html
    assert response.context["overall"]["count"] == purchases.count()
    assert response.context["totals"][2] == purchases.count()  # one line each


def test_cross_company_ids_are_404(client, company, other_company, invoices):
    theirs = make_invoices(other_company, count=2, offset=900)
    login_as(client, UserFactory(), company, role="admin")
    mine = invoices[0].pk
    for ids in (str(theirs[0].pk), f"{mine},{theirs[1].pk}"):
        response = client.get("/reports/print/invoices/", {"ids": ids})
        assert response.status_code == 404, ids
