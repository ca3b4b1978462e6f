"""Rare and common texts are searched in two ways (driven by the matches, or tested along the
date order); both give the same invoices in the same order, on SQLite and PostgreSQL, and the
invoice list's selector (exports, the API, the claim picker) finds the same invoices."""

from __future__ import annotations

import datetime as dt

import pytest

from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.selectors import invoice_list
from fapiao.web.search import selectors
from fapiao.web.search.selectors import SearchParams, invoice_search
from fapiao.web.search.services import search_index_invoices
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db
QUERIES = ["bjhy", "北京", "华医", "bj 科技", "长江", "1234", "无此词", "b", "chongqing", "x_%"]


def _found(company, q):
    """Every page of the search, 4 invoices a page, in order."""
    shown, page = [], 1
    while True:
        result = invoice_search(company=company, params=SearchParams(q=q, size=4, page=page))
        shown += [r.pk for r in result.invoices]
        if not result.has_next:
            return shown
        page += 1


def test_rare_and_common_strategies_agree(company, other_company, monkeypatch):
    names = ["北京华医网科技有限公司", "重庆长江物流有限公司", "北京长江科技有限公司"]
    for i in range(15):
        InvoiceRecordFactory(
            company=company,
            seller_name=names[i % 3],
            number=f"2532200000000{i:03d}1234",
            issue_date=dt.date(2025, 1, 1) + dt.timedelta(days=i % 5),
        )
    InvoiceRecordFactory(company=other_company, seller_name=names[0])
    search_index_invoices(
        company=company,
        invoice_ids=InvoiceRecord.objects.filter(company=company).values_list("pk", flat=True),
    )
    rare = {q: _found(company, q) for q in QUERIES}
    assert len(rare["bjhy"]) == 5
    assert not rare["无此词"]
    assert {q: _listed(company, q) for q in QUERIES} == rare
    monkeypatch.setattr(selectors, "COMMON_MATCHES", 0)
    monkeypatch.setattr(selectors, "PG_COMMON_MATCHES", 0)
    common = {q: _found(company, q) for q in QUERIES}
    assert common == rare
    assert {q: _listed(company, q) for q in QUERIES} == rare


def _listed(company, q):
    """The invoice list's selector for the same text: same invoices, same (date, id) order."""
    return [r.pk for r in invoice_list(company=company, search=q)]


def test_a_text_too_costly_to_count_is_searched_as_common(company, monkeypatch):
    """SQLite stops counting a text's matches after its budget (a short prefix can expand to
    thousands of index terms): the text is then tested row by row, with the same results."""
    for i in range(6):
        InvoiceRecordFactory(company=company, seller_name=f"上海{'甲乙丙丁戊己'[i]}贸易有限公司")
    search_index_invoices(
        company=company,
        invoice_ids=InvoiceRecord.objects.filter(company=company).values_list("pk", flat=True),
    )
    counted = {q: _found(company, q) for q in ("sh", "上海", "shanghai", "sh 贸易")}
    assert len(counted["sh"]) == 6
    assert {q: _listed(company, q) for q in counted} == counted
    if selectors.connection.vendor == "sqlite":
        query = selectors.parse_query("sh")
        assert selectors._match_count(query, company.pk, 100) == 6
        monkeypatch.setattr(selectors, "COUNT_BUDGET_S", -1.0)
        monkeypatch.setattr(selectors, "PROGRESS_STEPS", 1)
        assert selectors._match_count(query, company.pk, 100) is None
    assert {q: _found(company, q) for q in counted} == counted
    assert {q: _listed(company, q) for q in counted} == counted


def test_readers_of_every_match_take_a_countable_common_text_by_id(company, monkeypatch):
    """The invoice list's selector (the API's total, exports) matches a common text through the
    full-text set (on SQLite when the index yields it within the budget): no token test on
    every row of the company.  Measured by ``bench/web.py --rows 200000`` (api_list_search,
    a page and its total): p50 442 ms with the row test, 34 ms with the set on SQLite."""
    for i in range(5):
        InvoiceRecordFactory(company=company, seller_name=f"北京{'甲乙丙丁戊'[i]}科技有限公司")
    search_index_invoices(
        company=company,
        invoice_ids=InvoiceRecord.objects.filter(company=company).values_list("pk", flat=True),
    )
    monkeypatch.setattr(selectors, "COMMON_MATCHES", 1)
    monkeypatch.setattr(selectors, "PG_COMMON_MATCHES", 1)
    query = selectors.parse_query("北京")
    walked = selectors._text_match(query, company.pk)
    assert walked.row_test is not None  # the search page walks its sort order
    every = selectors._text_match(query, company.pk, walk_common=False)
    assert every.row_test is None
    assert len(invoice_list(company=company, search="北京")) == 5
