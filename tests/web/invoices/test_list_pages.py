"""The invoice list at scale: keyset pages, the smart search box, fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fapiao.web.companies.models import Role
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.selectors import ListCursor, invoice_list_page
from fapiao.web.search.services import search_index_invoices
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db


def _mixed(company, count=23):
    """Invoices sharing dates (ties broken by id) and a few without a date."""
    return [
        InvoiceRecordFactory(
            company=company,
            issue_date=None if i % 7 == 3 else dt.date(2025, 1, 1) + dt.timedelta(days=i % 4),
        )
        for i in range(count)
    ]


def _walk(company, size, **filters):
    seen, after = [], None
    while True:
        page = invoice_list_page(company=company, after=after, size=size, **filters)
        assert len(page.invoices) <= size
        seen += [r.pk for r in page.invoices]
        if page.next_cursor is None:
            return seen
        assert len(page.invoices) == size
        after = ListCursor.parse(page.next_cursor.encode())


@pytest.mark.parametrize("size", [1, 4, 5, 25])
def test_keyset_pages_show_every_invoice_once_newest_first_undated_last(company, size):
    records = _mixed(company)
    expected = sorted(
        (r for r in records if r.issue_date), key=lambda r: (r.issue_date, r.pk), reverse=True
    ) + sorted((r for r in records if not r.issue_date), key=lambda r: r.pk, reverse=True)
    assert _walk(company, size) == [r.pk for r in expected]


def test_keyset_pages_keep_the_filters(company, other_company):
    records = _mixed(company)
    _mixed(other_company, 5)
    InvoiceRecord.objects.filter(pk__in=[r.pk for r in records[::2]]).update(direction="sales")
    sales = {r.pk for r in records[::2]}
    assert set(_walk(company, 3, direction="sales")) == sales
    assert len(_walk(company, 3, direction="sales")) == len(sales)


@pytest.mark.parametrize("text", ["", "2025-13-01.5", "undated.x", "2025-01-01.0", "abc"])
def test_cursor_refuses_what_it_did_not_write(text):
    with pytest.raises(ValueError, match="invalid page position"):
        ListCursor.parse(text)


def test_a_bad_page_position_shows_the_first_page_with_a_message(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    record = InvoiceRecordFactory(company=company)
    response = client.get(reverse("invoices:list"), {"after": "yesterday.1"})
    assert response.status_code == 200
    assert [r.pk for r in response.context["invoices"]] == [record.pk]
    assert "invalid page position" in response.content.decode()


def test_list_page_runs_the_same_queries_for_few_and_many_invoices(
    client, user, company, django_assert_max_num_queries
):
    login_as(client, user, company, Role.VIEWER)
    _mixed(company, 3)
    client.get(reverse("invoices:list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("invoices:list"))
    _mixed(company, 120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("invoices:list")).context
    assert len(page["invoices"]) == 25
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the undated range
        client.get(reverse("invoices:list"), {"after": page["next_after"]})


def test_list_shows_the_exact_total_from_the_running_totals(client, user, company, other_company):
    login_as(client, user, company, Role.VIEWER)
    _mixed(company, 9)
    _mixed(other_company, 4)
    page = client.get(reverse("invoices:list"))
    assert page.context["total"] == 9
    assert 'data-total="9"' in page.content.decode()
    dated = client.get(reverse("invoices:list"), {"issued_from": "2025-01-02"}).context
    assert (
        dated["total"]
        == InvoiceRecord.objects.filter(
            company=company, issue_date__gte=dt.date(2025, 1, 2)
        ).count()
    )
    assert client.get(reverse("invoices:list"), {"tax_status": "voided"}).context["total"] is None


def test_search_box_uses_the_search_index_pinyin_and_number_typos(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    beijing = InvoiceRecordFactory(company=company, seller_name="北京华医网科技有限公司")
    other = InvoiceRecordFactory(company=company, seller_name="重庆长江物流有限公司")
    search_index_invoices(company=company, invoice_ids=[beijing.pk, other.pk])

    found = client.get(reverse("invoices:list"), {"q": "bjhy"}).context
    assert [r.pk for r in found["invoices"]] == [beijing.pk]
    digit = str((int(other.number[-3]) + 1) % 10)
    typo = other.number[:-3] + digit + other.number[-2:]
    near = client.get(reverse("invoices:list"), {"q": typo})
    assert [r.pk for r in near.context["invoices"]] == [other.pk]
    assert other.pk in near.context["typo_ids"]
    assert "近似号码" in near.content.decode()


def test_search_box_pages_by_key_too(company):
    records = _mixed(company, 11)
    InvoiceRecord.objects.filter(company=company).update(seller_name="北京华医网科技有限公司")
    InvoiceRecordFactory(company=company, seller_name="重庆长江物流有限公司")
    search_index_invoices(
        company=company, invoice_ids=InvoiceRecord.objects.values_list("pk", flat=True)
    )
    seen = _walk(company, 3, search="bjhy")
    assert seen == _walk(company, 3)[1:]  # the same order as the list, without the other one
    assert sorted(seen) == sorted(r.pk for r in records)
