"""Problem localisation (问题定位): where the differences come from.

Problems (results that are neither MATCHED nor pending) counted by operator (录入人), import batch
(导入批次), ISO week of the issue date, seller (销方) and category, so a manager sees whether one
person, one batch or one supplier produces most of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from fapiao.core.reconciliation.result import Reconciliation

DIMENSIONS = ("operator", "batch", "week", "seller", "category")
_NONE = "（未填）"


def localise(rec: Reconciliation) -> dict[str, pl.DataFrame]:
    """One table per dimension: value, problem count, share of all problems, commonest category."""
    problems = rec.problems()
    ledger = rec.ledger.select(
        pl.col("_l").alias("ledger_row"),
        pl.col("operator").alias("_op"),
        pl.col("batch").alias("_batch"),
        pl.col("_date").alias("_ld"),
        pl.col("_seller").alias("_ls"),
        pl.col("seller_name").alias("_lsn"),
    )
    tax = rec.tax.select(
        pl.col("_t").alias("tax_row"),
        pl.col("_date").alias("_td"),
        pl.col("_seller").alias("_ts"),
        pl.col("seller_name").alias("_tsn"),
    )
    frame = (
        problems.select(pl.col("category").cast(pl.Utf8), "ledger_row", "tax_row")
        .join(ledger, on="ledger_row", how="left")
        .join(tax, on="tax_row", how="left")
        .select(
            "category",
            pl.col("_op").fill_null(_NONE).alias("operator"),
            pl.col("_batch").fill_null(_NONE).alias("batch"),
            pl.coalesce("_ld", "_td").dt.strftime("%G-W%V").fill_null(_NONE).alias("week"),
            pl.concat_str(
                [pl.coalesce("_ls", "_ts"), pl.coalesce("_lsn", "_tsn")],
                separator=" ",
                ignore_nulls=True,
            )
            .fill_null(_NONE)
            .alias("seller"),
        )
    )
    total = max(frame.height, 1)
    tables = {}
    for dim in DIMENSIONS:
        counts = (
            frame.group_by(dim, "category").len("n")
            if dim != "category"
            else (frame.group_by("category").len("n").with_columns(pl.col("category").alias("_c")))
        )
        if dim == "category":
            tables[dim] = (
                counts.with_columns((pl.col("n") / total).round(4).alias("share"))
                .sort(["n", "category"], descending=[True, False])
                .select(
                    "category",
                    pl.col("n").alias("count"),
                    "share",
                    pl.col("_c").alias("top_category"),
                )
            )
            continue
        top = (
            counts.sort(["n", "category"], descending=[True, False])
            .group_by(dim, maintain_order=True)
            .first()
            .select(dim, pl.col("category").alias("top_category"))
        )
        tables[dim] = (
            counts.group_by(dim)
            .agg(pl.col("n").sum().alias("count"))
            .join(top, on=dim, how="left")
            .with_columns((pl.col("count") / total).round(4).alias("share"))
            .sort(["count", dim], descending=[True, False])
            .select(dim, "count", "share", "top_category")
        )
    return tables
