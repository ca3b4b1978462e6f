"""The search page: live results, filters, sorting, saved filters, and company isolation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fapiao.core.invoice import FieldSource
from fapiao.core.search import deletion_variants
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    Direction,
    InvoiceKind,
    ReviewStatus,
    TaxStatus,
)
from fapiao.web.invoices.services import invoice_save_parsed
from fapiao.web.search.models import NumberVariant, SavedFilter, SearchEntry
from fapiao.web.search.selectors import SearchParams, invoice_search
from fapiao.web.search.services import (
    saved_filter_delete,
    saved_filter_save,
    search_index_catch_up,
    search_index_invoices,
    search_index_rebuild,
)
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory, reading

pytestmark = pytest.mark.django_db


def _invoice(company: Any, **values: Any) -> Any:
    record = InvoiceRecordFactory(company=company, **values)
    search_index_invoices(company=company, invoice_ids=[record.pk])
    return record


def _ids(company: Any, **params: Any) -> list[int]:
    return [r.pk for r in invoice_search(company=company, params=SearchParams(**params)).invoices]


@pytest.fixture
def member(company: Any) -> Any:
    user = UserFactory()
    login_as(Client(), user, company, "clerk")
    return user


@pytest.fixture
def client_in(member: Any, company: Any) -> Client:
    client = Client()
    login_as(client, member, company)
    return client


def test_search_never_returns_another_companys_invoice(
    company: Any, other_company: Any, client_in: Client
) -> None:
    mine = _invoice(company, seller_name="北京华医网科技有限公司")
    theirs = _invoice(other_company, seller_name="北京华医网科技有限公司", number=mine.number)
    assert _ids(company, q="bjhy") == [mine.pk]
    assert _ids(other_company, q="bjhy") == [theirs.pk]
    assert _ids(company, q=mine.number[:-1] + "9") == [mine.pk]  # typo search too
    response = client_in.get(reverse("search:search"), {"q": "bjhy"})
    assert response.status_code == 200
    assert reverse("invoices:detail", args=[mine.pk]) in response.text
    assert reverse("invoices:detail", args=[theirs.pk]) not in response.text


def test_htmx_request_gets_only_the_results(company: Any, client_in: Client) -> None:
    record = _invoice(company, seller_name="重庆长江餐饮管理有限公司")
    response = client_in.get(reverse("search:search"), {"q": "cq"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert reverse("invoices:detail", args=[record.pk]) in response.text
    page = client_in.get(reverse("search:search"))
    assert 'hx-trigger="submit, keyup changed delay:300ms' in page.text


def test_page_requires_membership(company: Any) -> None:
    client = Client()
    assert client.get(reverse("search:search")).status_code == 302
    outsider = UserFactory()
    client.force_login(outsider, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session["company_id"] = company.pk
    session.save()
    assert client.get(reverse("search:search")).status_code in {302, 403}


def test_filters(company: Any, member: Any) -> None:
    base = {"issue_date": dt.date(2025, 1, 10), "gross_amount": Decimal("113.00")}
    plain = _invoice(company, **base)
    sales = _invoice(company, **{**base, "direction": Direction.SALES})
    voided = _invoice(company, **{**base, "tax_status": TaxStatus.VOIDED})
    late = _invoice(company, **{**base, "issue_date": dt.date(2025, 9, 1)})
    big = _invoice(
        company,
        issue_date=dt.date(2025, 1, 10),
        net_amount=Decimal("1000.00"),
        tax_amount=Decimal("130.00"),
        gross_amount=Decimal("1130.00"),
    )
    ordinary = _invoice(company, **{**base, "kind": InvoiceKind.DIGITAL_ORDINARY})
    approved = _invoice(
        company, **{**base, "review_status": ReviewStatus.APPROVED, "approved_by": member}
    )
    deducted = _invoice(
        company,
        **{**base, "deduction_status": DeductionStatus.SELECTED},
    )
    booked = _invoice(
        company, **{**base, "booking_status": BookingStatus.BOOKED, "voucher_number": "记-1"}
    )
    beijing = _invoice(company, **{**base, "number": "25112000000000000001"})
    qingdao = _invoice(company, **{**base, "number": "25922000000000000001"})
    assert _ids(company, direction="sales") == [sales.pk]
    assert _ids(company, tax_status="voided") == [voided.pk]
    assert _ids(company, date_from=dt.date(2025, 6, 1)) == [late.pk]
    assert late.pk not in _ids(company, date_to=dt.date(2025, 6, 1))
    assert _ids(company, amount_min=Decimal("500")) == [big.pk]
    assert big.pk not in _ids(company, amount_max=Decimal("500"))
    assert _ids(company, kind="digital_ordinary") == [ordinary.pk]
    assert _ids(company, review_status="approved") == [approved.pk]
    assert _ids(company, reviewer_id=member.pk) == [approved.pk]
    assert _ids(company, deduction_status="selected") == [deducted.pk]
    assert _ids(company, booking_status="booked") == [booked.pk]
    assert _ids(company, region="北京") == [beijing.pk]
    assert _ids(company, region="青岛") == [qingdao.pk]
    assert _ids(company, region="山东") == [qingdao.pk]  # a 计划单列市 is in its province
    assert _ids(company, region="火星") == []
    assert plain.pk in _ids(company)


def test_sorting(company: Any) -> None:
    a = _invoice(
        company,
        seller_name="乙公司",
        issue_date=dt.date(2025, 3, 1),
        net_amount=Decimal("10.00"),
        tax_amount=Decimal("0.00"),
        gross_amount=Decimal("10.00"),
    )
    b = _invoice(
        company,
        seller_name="甲公司",
        issue_date=dt.date(2025, 1, 1),
        net_amount=Decimal("99.00"),
        tax_amount=Decimal("0.00"),
        gross_amount=Decimal("99.00"),
    )
    c = _invoice(
        company,
        seller_name="丙公司",
        issue_date=dt.date(2025, 2, 1),
        net_amount=Decimal("50.00"),
        tax_amount=Decimal("0.00"),
        gross_amount=Decimal("50.00"),
    )
    assert _ids(company) == [a.pk, c.pk, b.pk]
    assert _ids(company, sort="date") == [b.pk, c.pk, a.pk]
    assert _ids(company, sort="-amount") == [b.pk, c.pk, a.pk]
    assert _ids(company, sort="amount") == [a.pk, c.pk, b.pk]
    assert _ids(company, sort="seller") == sorted(
        [a.pk, b.pk, c.pk], key=lambda pk: {a.pk: "乙公司", b.pk: "甲公司", c.pk: "丙公司"}[pk]
    )


def test_pages_do_not_overlap(company: Any) -> None:
    records = [_invoice(company, issue_date=dt.date(2025, 1, 1 + i)) for i in range(5)]
    first = invoice_search(company=company, params=SearchParams(size=2))
    second = invoice_search(company=company, params=SearchParams(size=2, page=2))
    third = invoice_search(company=company, params=SearchParams(size=2, page=3))
    assert first.has_next
    assert second.has_next
    assert not third.has_next
    shown = [r.pk for p in (first, second, third) for r in p.invoices]
    assert shown == [r.pk for r in reversed(records)]


def test_saved_filters_are_per_user_and_company(
    company: Any, other_company: Any, member: Any, client_in: Client
) -> None:
    response = client_in.post(
        reverse("search:saved_create"), {"name": "作废发票", "query": "tax_status=voided"}
    )
    assert response.status_code == 302
    saved = SavedFilter.objects.get(company=company, user=member)
    assert saved.query == "tax_status=voided"
    applied = client_in.get(reverse("search:saved_apply", args=[saved.pk]))
    assert applied["Location"].endswith("?tax_status=voided")
    page = client_in.get(reverse("search:search"))
    assert "作废发票" in page.text
    stranger = UserFactory()
    theirs = saved_filter_save(company=other_company, user=stranger, name="x", query="q=1")
    assert client_in.get(reverse("search:saved_apply", args=[theirs.pk])).status_code == 404
    assert client_in.post(reverse("search:saved_delete", args=[theirs.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()
    assert client_in.post(reverse("search:saved_delete", args=[saved.pk])).status_code == 302
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    actions = set(Event.objects.filter(company=company).values_list("action", flat=True))
    assert {"search.filter_saved", "search.filter_deleted"} <= actions
    with pytest.raises(SavedFilter.DoesNotExist):
        saved_filter_delete(company=company, user=member, pk=theirs.pk)


def test_index_follows_create_and_merge(
    company: Any, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record, created = invoice_save_parsed(
            company=company, direction=Direction.PURCHASE, invoice=reading(), actor=user
        )
    assert created
    assert _ids(company, q="wxsaxaq") == [record.pk]  # 无锡市安协安全 by pinyin initials
    assert _ids(company, q="25322000000365404823") == [record.pk]
    assert _ids(company, q="住宿") == []
    better = reading(source=FieldSource.MANUAL, remark="出差住宿")
    with django_capture_on_commit_callbacks(execute=True):
        _, created = invoice_save_parsed(
            company=company, direction=Direction.PURCHASE, invoice=better, actor=user
        )
    assert not created
    assert _ids(company, q="住宿") == [record.pk]
    assert search_index_catch_up(company=company) == 0


def test_catch_up_follows_events_of_other_services(company: Any, user: Any) -> None:
    record, _ = invoice_save_parsed(
        company=company, direction=Direction.PURCHASE, invoice=reading(), actor=user
    )
    assert not SearchEntry.objects.filter(pk=record.pk).exists()  # on_commit did not run
    assert search_index_catch_up(company=company) >= 1
    assert SearchEntry.objects.get(pk=record.pk).review_status == ReviewStatus.PENDING
    variants = NumberVariant.objects.filter(company_id=company.pk, invoice_id=record.pk)
    assert variants.count() == len(deletion_variants(record.number))
    assert search_index_catch_up(company=company) == 0


def test_near_match_is_marked_on_the_page(company: Any, client_in: Client) -> None:
    record = _invoice(company, number="25112000000365404822")
    response = client_in.get(reverse("search:search"), {"q": "25112000000365404823"})
    assert reverse("invoices:detail", args=[record.pk]) in response.text
    assert "近似号码" in response.text
    exact = client_in.get(reverse("search:search"), {"q": "25112000000365404822"})
    assert "近似号码" not in exact.text


def test_reviewer_filter_lists_the_companys_reviewers(
    company: Any, other_company: Any, client_in: Client
) -> None:
    reviewer = UserFactory(username="shenhe")
    login_as(Client(), reviewer, company, "reviewer")
    outsider = UserFactory(username="wairen")
    login_as(Client(), outsider, other_company, "reviewer")
    page = client_in.get(reverse("search:search"))
    assert "shenhe" in page.text
    assert "wairen" not in page.text


def test_rebuild_indexes_every_invoice_of_the_company(company: Any, other_company: Any) -> None:
    mine = [InvoiceRecordFactory(company=company) for _ in range(3)]
    InvoiceRecordFactory(company=other_company)
    assert search_index_rebuild(company=company) == 3
    assert set(SearchEntry.objects.values_list("pk", flat=True)) == {r.pk for r in mine}
    assert search_index_catch_up(company=company) == 0
