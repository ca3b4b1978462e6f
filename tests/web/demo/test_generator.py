"""The demo generator, its files and its export, without a database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from fapiao.core.identifiers import describe, tax_id
from fapiao.core.invoice import Direction
from fapiao.core.parsing.api import parse_bytes
from fapiao.core.rules.base import RuleContext, check
from fapiao.core.tabular.export import read_tax_export
from fapiao.web.demo.catalogue import (
    BUYERS,
    DEMO_COMPANY_NAME,
    DEMO_COMPANY_TAX_ID,
    SELLERS,
    company_party,
)
from fapiao.web.demo.documents import invoice_file
from fapiao.web.demo.export import CAUSES, build_export
from fapiao.web.demo.generator import generate

ANCHOR = dt.date(2026, 11, 20)
COMPANY = company_party(DEMO_COMPANY_NAME, DEMO_COMPANY_TAX_ID)


def _invoices(size: int = 200, seed: int = 7):
    return generate(company=COMPANY, size=size, seed=seed, anchor=ANCHOR)


def test_every_party_has_a_valid_uscc_on_its_own_area():
    for party in (*SELLERS, *BUYERS, COMPANY):
        assert tax_id.validate(party.tax_id) == party.tax_id
        assert not tax_id.parse(party.tax_id).is_legacy
    assert len({p.tax_id for p in (*SELLERS, *BUYERS)}) == len(SELLERS) + len(BUYERS)


def test_same_seed_same_invoices_other_seed_other_numbers():
    first, again, other = _invoices(seed=7), _invoices(seed=7), _invoices(seed=8)
    assert [i.key for i in first] == [i.key for i in again]
    assert [i.gross_amount for i in first] == [i.gross_amount for i in again]
    assert not {i.key for i in first} & {i.key for i in other}


def test_mix_of_directions_kinds_and_red_invoices_with_well_formed_numbers():
    invoices = _invoices(size=400)
    assert len(invoices) == 400
    assert len({i.key for i in invoices}) == 400
    mix = Counter((i.direction, i.digital) for i in invoices)
    assert all(mix[(d, k)] > 0 for d in ("purchase", "sales") for k in (True, False))
    reds = [i for i in invoices if i.is_red]
    assert len(reds) == 8
    by_key = {i.key: i for i in invoices}
    for red in reds:
        blue = by_key[red.original_number]
        assert red.gross_amount == -blue.gross_amount
        assert red.issue_date >= blue.issue_date
    for invoice in invoices:
        assert ANCHOR - dt.timedelta(days=366) <= invoice.issue_date <= ANCHOR
        year = f"{invoice.issue_date.year % 100:02d}"
        if invoice.digital:
            info = describe(invoice.number)
            assert invoice.number[:2] == year
        else:
            info = describe(invoice.code)
            assert invoice.code[5:7] == year
            assert len(invoice.check_code) == 20
        assert info is not None


def test_files_parse_back_to_the_same_invoice_without_findings():
    context = RuleContext(company_tax_id=COMPANY.tax_id, today=ANCHOR)
    for invoice in _invoices(size=150):
        result = parse_bytes(invoice_file(invoice), filename=invoice.filename)
        assert len(result.invoices) == 1
        parsed = result.invoices[0].invoice
        assert parsed.kind.value == invoice.kind
        assert (parsed.number, parsed.code or "") == (invoice.number, invoice.code)
        assert parsed.issue_date == invoice.issue_date
        assert parsed.seller.tax_id == invoice.seller.tax_id
        assert parsed.buyer.tax_id == invoice.buyer.tax_id
        assert parsed.net_amount == invoice.net_amount
        assert parsed.tax_amount == invoice.tax_amount
        assert parsed.gross_amount == invoice.gross_amount
        assert parsed.is_red == invoice.is_red
        assert len(parsed.lines) == len(invoice.lines)
        assert parsed.lines[0].name.startswith("*")
        direction = Direction(invoice.direction)
        findings = check(dataclasses.replace(parsed, direction=direction), context)
        assert [f.code for f in findings] == []


def test_export_has_the_real_layout_and_every_injected_cause():
    invoices = _invoices(size=600)
    export = build_export(invoices, anchor=ANCHOR, seed=7)
    again = build_export(invoices, anchor=ANCHOR, seed=7)
    assert export.content == again.content  # byte for byte: a second run finds the same file
    assert export.period == (dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    assert [cause for cause, _ in export.injected] == list(CAUSES)
    read = read_tax_export(export.content, filename=export.filename)
    assert read.direction is not None
    assert read.direction.value == "purchase"
    assert read.findings == []
    frame = read.invoices
    assert frame.height == export.rows
    in_period = {
        i.key
        for i in invoices
        if i.direction == "purchase" and export.period[0] <= i.issue_date <= export.period[1]
    }
    listed = set(frame["digital_number"].drop_nulls().to_list())
    injected = dict(export.injected)
    assert injected["missing_in_tax"] in in_period - listed
    assert injected["missing_in_ledger"] in listed - in_period
    assert injected["typo"] not in listed
    statuses = dict(zip(frame["digital_number"].to_list(), frame["status"].to_list(), strict=True))
    assert statuses[injected["voided"]] == "已作废"
    assert statuses[injected["red_reversed"]] == "已红冲-全额"


def test_everyday_purchases_are_regular_and_companies_bill_on_working_days():
    from fapiao.core.anomalies import DEFAULT_THRESHOLDS
    from fapiao.web.demo.generator import CALENDAR

    invoices = _invoices(size=1500, seed=11)
    limit = DEFAULT_THRESHOLDS.approval_threshold
    floor = limit * (1 - DEFAULT_THRESHOLDS.split_margin)
    by_seller: dict[str, list] = {}
    for inv in invoices:
        if inv.is_red or inv.tags:
            continue
        if inv.direction == "purchase":
            by_seller.setdefault(inv.seller.name, []).append(inv.gross_amount)
            # never just under the approval threshold: no purchase looks split by accident
            assert not floor <= inv.gross_amount < limit, inv.key
        if not inv.seller.any_day:
            assert CALENDAR.is_working_day(inv.issue_date), (inv.seller.name, inv.issue_date)
        else:
            assert inv.gross_amount < DEFAULT_THRESHOLDS.off_day_min_amount
    # within a factor of 3, largest to smallest: the outlier rule can never fire on them
    assert all(max(amounts) < 3 * min(amounts) for amounts in by_seller.values())
    assert len(by_seller) == len(SELLERS)
    # 调休: a weekend working day is a working day (Saturday 2026-10-10, after National Day)
    assert CALENDAR.is_working_day(dt.date(2026, 10, 10))
    assert not CALENDAR.is_working_day(dt.date(2026, 10, 5))  # a Monday of the holiday
