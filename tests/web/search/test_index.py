"""Search index and selector: each kind of search finds the right invoice of the company."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from fapiao.web.invoices.models import Direction, ReviewStatus, TaxStatus
from fapiao.web.search import selectors
from fapiao.web.search.selectors import SearchParams, invoice_search
from fapiao.web.search.services import search_index_invoices
from web.invoices.factories import InvoiceLineRecordFactory, InvoiceRecordFactory

pytestmark = pytest.mark.django_db


def _invoice(company: Any, **values: Any) -> Any:
    lines = values.pop("lines", [])
    record = InvoiceRecordFactory(company=company, **values)
    for position, name in enumerate(lines, 1):
        InvoiceLineRecordFactory(invoice=record, position=position, name=name)
    search_index_invoices(company=company, invoice_ids=[record.pk])
    return record


def _found(company: Any, q: str = "", **filters: Any) -> list[int]:
    page = invoice_search(company=company, params=SearchParams(q=q, **filters))
    return [record.pk for record in page.invoices]


@pytest.fixture
def invoices(company: Any) -> dict[str, Any]:
    return {
        "beijing": _invoice(
            company,
            number="25112000000365404822",
            seller_name="北京华医网科技有限公司",
            seller_tax_id="91110108MA01ABCD3X",
            lines=["*住宿服务*住宿费"],
            remark="会议期间 房号1208",
            issue_date=dt.date(2025, 5, 1),
            gross_amount=Decimal("530.00"),
            net_amount=Decimal("500.00"),
            tax_amount=Decimal("30.00"),
        ),
        "chongqing": _invoice(
            company,
            number="25502000000100000017",
            seller_name="重庆长江餐饮管理有限公司",
            seller_tax_id="91500000MA5U000001",
            lines=["*餐饮服务*餐费"],
            issue_date=dt.date(2025, 6, 2),
            gross_amount=Decimal("106.00"),
            net_amount=Decimal("100.00"),
            tax_amount=Decimal("6.00"),
        ),
        "wuxi": _invoice(
            company,
            number="25322000000200000099",
            seller_name="无锡市安协安全培训中心",
            direction=Direction.SALES,
            tax_status=TaxStatus.VOIDED,
            review_status=ReviewStatus.APPROVED,
            issue_date=dt.date(2025, 4, 3),
        ),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("25112000000365404822", "beijing"),  # the number
        ("25112000000365404823", "beijing"),  # one digit wrong
        ("25112000000365408422", "beijing"),  # two adjacent digits swapped
        ("2511200000036540482", "beijing"),  # one digit dropped
        ("65404822", "beijing"),  # the tail of a 数电 number
        ("0365404822", "beijing"),
        ("251120000003654048222", "beijing"),  # one digit added
        ("bjhy", "beijing"),  # pinyin initials
        ("beijinghua", "beijing"),  # full pinyin
        ("hywkj", "beijing"),  # initials from the middle of the name
        ("cq", "chongqing"),  # 重 read chong (heteronym)
        ("zhongqing", "chongqing"),  # and zhong
        ("住宿", "beijing"),  # a two-character item word
        ("餐费", "chongqing"),
        ("91110108", "beijing"),  # tax ID prefix
        ("91110108ma01abcd3x", "beijing"),  # whole tax ID, any case
        ("1208", "beijing"),  # remark word
        ("会议", "beijing"),  # remark bigram
        ("北京华医", "beijing"),  # name substring
        ("无锡 培训", "wuxi"),  # two terms
    ],
)
@pytest.mark.parametrize("common", [False, True], ids=["rare", "common"])
def test_each_kind_of_search_finds_the_invoice(
    company: Any,
    invoices: dict[str, Any],
    q: str,
    expected: str,
    common: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if common:  # every text counts as common: the plan that walks the sort index
        monkeypatch.setattr(selectors, "COMMON_MATCHES", 1)
    assert _found(company, q) == [invoices[expected].pk]


def test_two_wrong_digits_find_nothing(company: Any, invoices: dict[str, Any]) -> None:
    assert _found(company, "25112000000365404811") == []


def test_typo_matches_are_marked(company: Any, invoices: dict[str, Any]) -> None:
    page = invoice_search(company=company, params=SearchParams(q="25112000000365404823"))
    assert page.typo_ids == {invoices["beijing"].pk}
    exact = invoice_search(company=company, params=SearchParams(q="25112000000365404822"))
    assert exact.typo_ids == frozenset()
