"""The dashboard and the search page run a fixed number of queries, however many invoices."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.reports.charts import CHARTS
from fapiao.web.search.services import search_index_invoices
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.reports.conftest import make_invoices

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client: Client, company):
    login_as(client, UserFactory(), company, role="viewer")
    return client


def _queries(client, url, django_assert_max_num_queries, limit=40):
    cache.clear()
    with django_assert_max_num_queries(limit) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)


def test_dashboard_and_charts_do_not_grow_with_the_invoices(
    viewer, company, django_assert_max_num_queries
):
    make_invoices(company, count=5)
    urls = [reverse("reports:dashboard")] + [reverse("reports:chart", args=[n]) for n in CHARTS]
    few = {u: _queries(viewer, u, django_assert_max_num_queries) for u in urls}
    make_invoices(company, count=60, offset=100)
    for url in urls:
        assert _queries(viewer, url, django_assert_max_num_queries, few[url]) == few[url], url


def test_search_page_does_not_grow_with_the_results(viewer, company, django_assert_max_num_queries):
    make_invoices(company, count=5)
    search_index_invoices(
        company=company, invoice_ids=InvoiceRecord.objects.values_list("pk", flat=True)
    )
    url = reverse("search:search") + "?q=gys"  # 供应商: every purchase
    viewer.get(url)
    few = _queries(viewer, url, django_assert_max_num_queries)
    make_invoices(company, count=60, offset=100)
    search_index_invoices(
        company=company, invoice_ids=InvoiceRecord.objects.values_list("pk", flat=True)
    )
    assert _queries(viewer, url, django_assert_max_num_queries, few) == few
