"""Invoice reads: always company-scoped, filtered, without N+1 queries."""

from __future__ import annotations

import datetime as dt

import pytest

from fapiao.web.invoices.models import InvoiceRecord, InvoiceSource
from fapiao.web.invoices.selectors import invoice_get, invoice_list
from web.helpers import index_company
from web.invoices.factories import (
    InvoiceLineRecordFactory,
    InvoiceRecordFactory,
    StoredFileFactory,
)

pytestmark = pytest.mark.django_db


def test_list_never_shows_another_companys_invoices(company, other_company):
    mine = InvoiceRecordFactory(company=company)
    InvoiceRecordFactory(company=other_company, number=mine.number)
    assert list(invoice_list(company=company)) == [mine]


def test_get_refuses_another_companys_invoice(company, other_company):
    theirs = InvoiceRecordFactory(company=other_company)
    with pytest.raises(InvoiceRecord.DoesNotExist):
        invoice_get(company=company, pk=theirs.pk)


def test_list_filters_and_orders_newest_first(company):
    old = InvoiceRecordFactory(company=company, issue_date=dt.date(2024, 12, 31))
    new = InvoiceRecordFactory(company=company, issue_date=dt.date(2025, 1, 1))
    sale = InvoiceRecordFactory(
        company=company, direction="sales", issue_date=dt.date(2025, 2, 1), buyer_name="甲方公司"
    )
    index_company(company)
    assert list(invoice_list(company=company)) == [sale, new, old]
    assert list(invoice_list(company=company, direction="purchase")) == [new, old]
    assert list(invoice_list(company=company, issued_from=dt.date(2025, 1, 1))) == [sale, new]
    assert list(invoice_list(company=company, issued_to=dt.date(2024, 12, 31))) == [old]
    assert list(invoice_list(company=company, search="甲方")) == [sale]
    # the smart search, as on the list page (exports and the API use this selector)
    assert list(invoice_list(company=company, search="jf")) == [sale]
    assert list(invoice_list(company=company, search=f" {old.number[-8:]} ")) == [old]
    assert list(invoice_list(company=company, review_status="approved")) == []


def test_get_loads_lines_and_sources_in_fixed_queries(company, django_assert_num_queries):
    record = InvoiceRecordFactory(company=company)
    for _ in range(5):
        InvoiceLineRecordFactory(invoice=record)
    for i in range(3):
        InvoiceSource.objects.create(
            invoice=record, stored_file=StoredFileFactory(company=company), member=f"{i}.xml"
        )
    with django_assert_num_queries(3):
        got = invoice_get(company=company, pk=record.pk)
        assert [line.position for line in got.lines.all()] == sorted(
            line.position for line in got.lines.all()
        )
        assert len({s.stored_file.sha256 for s in got.sources.all()}) == 3
        assert got.company.pk == company.pk
