"""The running totals behind the dashboard stay equal to the invoices, whatever writes them."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import connection

from fapiao.web.invoices.models import InvoiceLineRecord, InvoiceRecord
from fapiao.web.reports import selectors
from fapiao.web.reports.models import InvoiceTotal, PartyTotal, RateTotal
from fapiao.web.reports.totals import totals_rebuild
from web.invoices.factories import InvoiceLineRecordFactory, InvoiceRecordFactory
from web.reports.conftest import make_invoices

pytestmark = pytest.mark.django_db


def _cents(value):
    return 0 if value is None else int(Decimal(value) * 100)


def _expected():
    """Both tables recomputed in Python from the stored invoices."""
    totals = defaultdict(lambda: [0, 0, 0, 0])
    parties = defaultdict(lambda: [0, 0])
    for r in InvoiceRecord.objects.all():
        day = r.issue_date.isoformat() if r.issue_date else ""
        key = (r.company_id, day, r.direction, r.review_status, r.deduction_status)
        row = totals[key]
        row[0] += 1
        row[1] += _cents(r.net_amount)
        row[2] += _cents(r.tax_amount)
        row[3] += _cents(r.gross_amount)
        party = r.seller_tax_id if r.direction == "purchase" else r.buyer_tax_id
        parties[(r.company_id, r.direction, party)][0] += 1
        parties[(r.company_id, r.direction, party)][1] += _cents(r.gross_amount)
    return {k: tuple(v) for k, v in totals.items()}, {k: tuple(v) for k, v in parties.items()}


def _stored():
    totals = {
        (t.company_id, t.day, t.direction, t.review_status, t.deduction_status): (
            t.count,
            t.net_cents,
            t.tax_cents,
            t.gross_cents,
        )
        for t in InvoiceTotal.objects.all()
    }
    parties = {
        (p.company_id, p.direction, p.tax_id): (p.count, p.gross_cents)
        for p in PartyTotal.objects.all()
    }
    return totals, parties


def test_totals_follow_inserts_updates_and_deletes(company, other_company):
    records = make_invoices(company) + make_invoices(other_company, count=6, offset=100)
    assert _stored() == _expected()

    first, second, third = records[:3]
    InvoiceRecord.objects.filter(pk=first.pk).update(
        review_status="approved", deduction_status="confirmed", deduction_period="2025-01"
    )
    second.issue_date = dt.date(2023, 5, 6)
    second.gross_amount = Decimal("0.11")
    second.net_amount, second.tax_amount = Decimal("0.10"), Decimal("0.01")
    second.save()
    InvoiceRecord.objects.filter(pk=third.pk).update(direction="sales", issue_date=None)
    InvoiceRecord.objects.filter(pk=records[4].pk).update(remark="不影响汇总")
    InvoiceRecord.objects.filter(pk__in=[r.pk for r in records[10:14]]).delete()
    InvoiceRecordFactory(company=company, net_amount=None, tax_amount=None, gross_amount=None)
    assert _stored() == _expected()


def test_a_group_that_empties_is_removed(company):
    (only,) = make_invoices(company, count=1)
    only.delete()
    assert not InvoiceTotal.objects.exists()
    assert not PartyTotal.objects.exists()


def test_deleting_invoices_whose_totals_are_gone_creates_no_rows(company, other_company):
    """A flush or a cascade may remove the totals before the invoices: the delete trigger must
    then change nothing (it used to insert a count of -1 and break the company key)."""
    make_invoices(company)
    kept_other = make_invoices(other_company, count=3, offset=100)
    InvoiceTotal.objects.filter(company=company).delete()
    PartyTotal.objects.filter(company=company).delete()
    InvoiceRecord.objects.filter(company=company).delete()
    assert not InvoiceTotal.objects.filter(company=company).exists()
    assert not PartyTotal.objects.filter(company=company).exists()
    assert sum(t.count for t in InvoiceTotal.objects.all()) == len(kept_other)


def test_rebuild_gives_what_the_triggers_kept(company, other_company):
    make_invoices(company)
    make_invoices(other_company, count=6, offset=100)
    kept = _stored()
    InvoiceTotal.objects.filter(company=company).update(count=0)
    PartyTotal.objects.filter(company=company).delete()
    totals_rebuild(connection, company.pk)
    assert _stored() == kept
    totals_rebuild(connection)
    assert _stored() == kept


def test_review_counts_and_top_parties_equal_the_database(company, other_company):
    records = make_invoices(company)
    make_invoices(other_company, count=6, offset=100)
    InvoiceRecord.objects.filter(pk__in=[r.pk for r in records[:5]]).update(
        review_status="approved"
    )
    queue = selectors.review_queue(company=company)
    counts = Counter(InvoiceRecord.objects.filter(company=company).values_list("review_status"))
    assert {s["value"]: s["count"] for s in queue["statuses"]} == {
        s["value"]: counts[(s["value"],)] for s in queue["statuses"]
    }
    for direction, side in (("purchase", "seller_tax_id"), ("sales", "buyer_tax_id")):
        top = selectors.top_parties(company=company, direction=direction, limit=2)
        rows = InvoiceRecord.objects.filter(company=company, direction=direction)
        assert sum(Decimal(r["amount"]) for r in top) == sum(r.gross_amount for r in rows)
        assert sum(r["count"] for r in top) == rows.count()
        for row in top[:2]:
            assert row["tax_id"] in set(rows.values_list(side, flat=True))
        period = selectors.top_parties(
            company=company, direction=direction, limit=2, date_from=dt.date(2000, 1, 1)
        )
        dated = rows.filter(issue_date__isnull=False)
        assert sum(Decimal(r["amount"]) for r in period) == sum(r.gross_amount for r in dated)


def test_invoice_count_answers_from_the_totals(company, django_assert_num_queries):
    make_invoices(company)
    rows = InvoiceRecord.objects.filter(company=company)
    expected = rows.count()
    with django_assert_num_queries(1):
        assert selectors.invoice_count(company=company) == expected
    assert selectors.invoice_count(company=company, direction="sales") == (
        rows.filter(direction="sales").count()
    )
    since = dt.date(2025, 1, 1)
    assert selectors.invoice_count(company=company, date_from=since) == (
        rows.filter(issue_date__gte=since).count()
    )
    assert selectors.invoice_count(company=company, date_to=since) == (
        rows.filter(issue_date__lte=since).count()
    )


def _rates_expected():
    rates = defaultdict(lambda: [0, 0, 0])
    for line in InvoiceLineRecord.objects.select_related("invoice"):
        inv = line.invoice
        day = inv.issue_date.isoformat() if inv.issue_date else ""
        row = rates[(inv.company_id, day, inv.direction, line.tax_rate)]
        row[0] += 1
        row[1] += _cents(line.net_amount)
        row[2] += _cents(line.tax_amount)
    return {k: tuple(v) for k, v in rates.items()}


def _rates_stored():
    return {
        (r.company_id, r.day, r.direction, r.tax_rate): (r.count, r.net_cents, r.tax_cents)
        for r in RateTotal.objects.all()
    }


def test_rate_totals_follow_lines_and_moved_invoices(company, other_company):
    records = make_invoices(company) + make_invoices(other_company, count=4, offset=100)
    assert _rates_stored() == _rates_expected()
    assert _rates_stored()

    first, second, third = records[:3]
    InvoiceLineRecordFactory(invoice=first, position=2, tax_rate="exempt", tax_amount=None)
    line = second.lines.get()
    line.tax_rate, line.net_amount = "0.09", Decimal("77.77")
    line.save()
    third.lines.all().delete()
    InvoiceRecord.objects.filter(pk=records[4].pk).update(direction="sales", issue_date=None)
    InvoiceRecord.objects.filter(pk=records[5].pk).update(issue_date=dt.date(2023, 1, 2))
    InvoiceRecord.objects.filter(pk=records[6].pk).update(company=other_company)
    InvoiceRecord.objects.filter(pk=records[8].pk).update(remark="不影响汇总")
    records[9].delete()
    assert _rates_stored() == _rates_expected()

    kept = _rates_stored()
    RateTotal.objects.all().delete()
    totals_rebuild(connection)
    assert _rates_stored() == kept
    RateTotal.objects.filter(company=company).delete()
    totals_rebuild(connection, company.pk)
    assert _rates_stored() == kept


def test_the_tax_rate_chart_equals_the_lines(company):
    make_invoices(company)
    mix = {r["rate"]: r for r in selectors.tax_rate_mix(company=company)}
    for rate in ("0.13", "0.06"):
        lines = InvoiceLineRecord.objects.filter(invoice__company=company, tax_rate=rate)
        assert Decimal(mix[rate]["net"]) == sum(line.net_amount for line in lines)
        assert mix[rate]["count"] == lines.count()
    march = selectors.tax_rate_mix(
        company=company, date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31)
    )
    in_march = InvoiceLineRecord.objects.filter(
        invoice__company=company, invoice__issue_date__range=("2025-03-01", "2025-03-31")
    )
    assert sum(r["count"] for r in march) == in_march.count()
