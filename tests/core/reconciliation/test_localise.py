"""Problem localisation, pending results, and the result objects a person reads."""

from __future__ import annotations

import polars as pl
from reconcile_cases import AS_OF, COMPANY, T2, booked

from fapiao.core.invoice import china_today
from fapiao.core.reconciliation import Category, reconcile
from fapiao.core.reconciliation.synthetic import generate


def test_localisation_points_at_the_sloppy_operator_and_batch() -> None:
    syn = generate(6000, rate=0.1, seed=21)
    rec = reconcile(syn.ledger, syn.export, as_of=syn.as_of, company_tax_id=syn.company_tax_id)
    tables = rec.localisation()
    assert set(tables) == {"operator", "batch", "week", "seller", "category"}
    problems = rec.problems()
    assert not problems["pending"].any()
    assert Category.MATCHED not in problems["category"].cast(pl.Utf8).to_list()
    for table in tables.values():
        assert table["count"].sum() == problems.height
        assert abs(table["share"].sum() - 1) < 0.01
    assert tables["operator"]["operator"][0] in {"王五", "张三"}
    assert tables["batch"]["batch"][0] == "2025-06-B9"
    assert tables["week"]["week"].str.contains(r"^\d{4}-W\d{2}$|（未填）").all()


def test_pending_results_are_not_problems() -> None:
    rec = reconcile(
        pl.DataFrame([booked(T2, digital_number="25322000000000000001", issue_date="2025-05-19")]),
        pl.DataFrame([T2]),
        as_of=AS_OF,
        company_tax_id=COMPANY,
    )
    pending = rec.results.filter(pl.col("pending"))
    assert pending["category"].cast(pl.Utf8).to_list() == [Category.NOT_YET_SYNCED.value]
    assert rec.problems().height == 1  # only the unbooked export row


def test_differences_name_every_field_with_both_values() -> None:
    ledger = pl.DataFrame(
        [booked(T2, gross_amount="1600.00", issue_date="2025-03-02", buyer_name="某公司")]
    )
    rec = reconcile(ledger, pl.DataFrame([T2]), as_of=AS_OF, company_tax_id=COMPANY)
    (result,) = list(rec.iter_results())
    assert result.category is Category.AMOUNT_MISMATCH
    fields = {d.field: d for d in result.differences}
    assert fields["gross_amount"].ledger == "1600.00"
    assert fields["gross_amount"].tax == "1060.00"
    assert fields["issue_date"].severity == "error"
    assert fields["buyer_name"].severity == "info"
    assert "540.00" in result.suggestion  # the delta, named
    assert "1060.00" in result.suggestion_en
    data = result.as_dict()
    assert data["differences"][0].keys() >= {"field", "ledger", "tax"}
    assert data["category"] == "AMOUNT_MISMATCH"


def test_as_of_defaults_to_today_in_china() -> None:
    rec = reconcile(pl.DataFrame([booked(T2)]), pl.DataFrame([T2]))
    assert rec.as_of == china_today()


def test_an_empty_side_adds_no_phantom_rows() -> None:
    only_ledger = reconcile(pl.DataFrame([booked(T2)]), [], as_of=AS_OF)
    assert only_ledger.results["category"].cast(pl.Utf8).to_list() == ["MISSING_IN_TAX"]
    assert only_ledger.period is None
    only_tax = reconcile(pl.DataFrame(), [pl.DataFrame([T2])], as_of=AS_OF, company_tax_id=COMPANY)
    assert only_tax.results["category"].cast(pl.Utf8).to_list() == ["MISSING_IN_LEDGER"]
