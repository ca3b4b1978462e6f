"""Scoring a reconciliation against the ground truth of a synthetic data set (评估).

Per category precision and recall over every ledger row and every export-only row, the confusion
matrix, whether each injected typo got its exact corrected key, and wrongly paired rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fapiao.core.reconciliation.synthetic import Synthetic


@dataclass(frozen=True)
class Evaluation:
    """Ground truth against a reconciliation: confusion matrix and per-category scores."""

    confusion: pl.DataFrame
    scores: pl.DataFrame
    typo_total: int
    typo_correct: int
    pair_errors: int

    @property
    def typo_accuracy(self) -> float:
        """Share of the injected typos whose corrected key was proposed exactly."""
        return self.typo_correct / self.typo_total if self.typo_total else 1.0


def evaluate(syn: Synthetic, results: pl.DataFrame, tax: pl.DataFrame) -> Evaluation:
    """Compares ``Reconciliation.results`` (and its ``tax`` frame) with ``syn.truth``."""
    keys = tax.select(pl.col("_t").alias("tax_row"), pl.col("_key").alias("_pk"))
    predicted = results.with_columns(pl.col("category").cast(pl.Utf8)).join(
        keys, on="tax_row", how="left"
    )
    truth = syn.truth
    ledger = truth.filter(pl.col("side") == "ledger").join(
        predicted.filter(pl.col("ledger_row").is_not_null()).select(
            pl.col("ledger_row").alias("row"),
            pl.col("category").alias("predicted"),
            "_pk",
            pl.col("corrected_key").alias("_pc"),
        ),
        on="row",
        how="left",
    )
    own = predicted.filter(pl.col("ledger_row").is_null()).select(
        pl.col("_pk").alias("tax_key"), pl.col("category").alias("predicted")
    )
    attached = (
        predicted.select("_pk", "red_rows")
        .explode("red_rows", empty_as_null=True)
        .drop_nulls("red_rows")
        .join(keys.rename({"tax_row": "red_rows", "_pk": "red_key"}), on="red_rows")
        .select(
            pl.col("_pk").alias("tax_key"), "red_key", pl.lit("RED_ATTACHED").alias("predicted")
        )
    )
    tax_truth = truth.filter(pl.col("side") == "tax")
    reds = tax_truth.filter(pl.col("category") == "RED_ATTACHED").join(
        attached, on=["tax_key", "red_key"], how="left"
    )
    others = tax_truth.filter(pl.col("category") != "RED_ATTACHED").join(
        own, on="tax_key", how="full", coalesce=True
    )
    pair_errors = ledger.filter(
        pl.col("tax_key").is_not_null() & (pl.col("tax_key") != pl.col("_pk")).fill_null(True)
    ).height
    items = pl.concat(
        [
            ledger.select("category", "predicted"),
            reds.select("category", "predicted"),
            others.select("category", "predicted"),
        ]
    ).with_columns(pl.col("category").fill_null("NONE"), pl.col("predicted").fill_null("NONE"))
    confusion = items.group_by("category", "predicted").len("n").sort("category", "predicted")
    hits = items.filter(pl.col("category") == pl.col("predicted")).group_by("category").len("tp")
    scores = (
        items.group_by("category")
        .len("truth")
        .join(
            items.group_by(pl.col("predicted").alias("category")).len("pred"),
            on="category",
            how="full",
            coalesce=True,
        )
        .join(hits, on="category", how="left")
        .with_columns(pl.col("truth", "pred", "tp").fill_null(0))
        .with_columns(
            (pl.col("tp") / pl.col("pred")).fill_nan(1.0).alias("precision"),
            (pl.col("tp") / pl.col("truth")).fill_nan(1.0).alias("recall"),
        )
        .sort("category")
    )
    typos = ledger.filter(pl.col("corrected_key").is_not_null())
    correct = typos.filter(pl.col("corrected_key") == pl.col("_pc")).height
    return Evaluation(confusion, scores, typos.height, correct, pair_errors)
