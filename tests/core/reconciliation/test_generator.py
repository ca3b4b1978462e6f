"""Generated ledgers and exports with ground truth: per-category precision and recall >= 0.99."""

from __future__ import annotations

import polars as pl
import pytest

from fapiao.core.reconciliation import reconcile
from fapiao.core.reconciliation.evaluation import evaluate
from fapiao.core.reconciliation.synthetic import WEIGHTS, export_layout, generate, ledger_layout


def test_generator_injects_every_cause_with_truth() -> None:
    syn = generate(5000, rate=0.1, seed=7)
    categories = set(syn.truth["category"].to_list())
    assert {
        "MATCHED", "AMOUNT_MISMATCH", "DATE_MISMATCH", "BUYER_MISMATCH", "SELLER_MISMATCH",
        "NUMBER_TYPO", "VOIDED", "RED_REVERSED", "RED_ATTACHED", "NOT_YET_SYNCED",
        "OUTSIDE_EXPORT_PERIOD", "DUPLICATE_IN_LEDGER", "MISSING_IN_TAX", "MISSING_IN_LEDGER",
    } <= categories  # fmt: skip
    ledger_truth = syn.truth.filter(pl.col("side") == "ledger")
    assert ledger_truth.height == syn.ledger.height
    # overlaps: typos that also carry an amount or a date error
    overlapped = ledger_truth.filter(
        pl.col("corrected_key").is_not_null() & (pl.col("category") != "NUMBER_TYPO")
    )
    assert set(overlapped["category"].to_list()) == {"AMOUNT_MISMATCH", "DATE_MISMATCH"}
    assert generate(5000, rate=0.1, seed=7).ledger.equals(syn.ledger)


def test_layouts_use_the_export_headers() -> None:
    syn = generate(300, seed=3)
    export = export_layout(syn.export)
    assert export.columns[:4] == ["序号", "发票代码", "发票号码", "数电发票号码"]
    assert "录入人" in ledger_layout(syn.ledger).columns
    legacy = syn.export.filter(pl.col("digital_number") == "--")
    assert legacy["number"].str.len_chars().min() == 8  # leading zeros kept


@pytest.mark.parametrize(("n", "rate", "seed"), [(20000, 0.03, 11), (8000, 0.12, 12)])
def test_precision_and_recall_per_category(n: int, rate: float, seed: int) -> None:
    syn = generate(n, rate=rate, seed=seed)
    rec = reconcile(syn.ledger, syn.export, as_of=syn.as_of, company_tax_id=syn.company_tax_id)
    ev = evaluate(syn, rec.results, rec.tax)
    with pl.Config(tbl_rows=200):
        print(ev.confusion)
        print(ev.scores)
    assert set(ev.scores["category"].to_list()) >= {c.upper() for c in ("matched", "voided")}
    for row in ev.scores.iter_rows(named=True):
        assert row["precision"] >= 0.99, row
        assert row["recall"] >= 0.99, row
    assert ev.typo_total >= round(n * rate * (WEIGHTS["typo"] + WEIGHTS["collision"])) * 0.9
    assert ev.typo_accuracy >= 0.99
    assert ev.pair_errors <= 0.01 * n * rate
