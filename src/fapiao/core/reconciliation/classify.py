"""Category, differences, confidence and suggestion (处理建议) of every reconciliation result.

Precedence when causes co-occur (issue 4): DUPLICATE_IN_LEDGER (extra copies) > VOIDED /
RED_REVERSED > AMOUNT_MISMATCH > BUYER_MISMATCH > SELLER_MISMATCH > DATE_MISMATCH > NUMBER_TYPO.
Ledger-only rows are NOT_YET_SYNCED (within ``sync_days`` before ``as_of``), else
OUTSIDE_EXPORT_PERIOD, else MISSING_IN_TAX.  All of it is column arithmetic on polars frames.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from fapiao.core.reconciliation.candidates import KIND_RANK
from fapiao.core.reconciliation.categories import ACTIONS, Category

_U32 = pl.UInt32
_FIELDS = ("_key", "_seller", "_buyer", "_date", "_net", "_tax", "_gross")

CATEGORY_DTYPE = pl.Enum([c.value for c in Category])
ACTION_DTYPE = pl.Enum(list(ACTIONS))
KIND_DTYPE = pl.Enum(list(KIND_RANK))

RESULT_SCHEMA: dict[str, pl.DataType] = {
    "category": CATEGORY_DTYPE,
    "action": ACTION_DTYPE,
    "ledger_row": _U32(),
    "tax_row": _U32(),
    "duplicate_of": _U32(),
    "red_rows": pl.List(_U32()),
    "match_kind": KIND_DTYPE,
    "corrected_key": pl.Utf8(),
    "confidence": pl.Float64(),
    "pending": pl.Boolean(),
    "net_delta": pl.Int64(),
    "tax_delta": pl.Int64(),
    "gross_delta": pl.Int64(),
    "date_differs": pl.Boolean(),
    "buyer_differs": pl.Boolean(),
    "seller_differs": pl.Boolean(),
    "key_differs": pl.Boolean(),
}
"""Columns of ``Reconciliation.results`` (plus ``suggestion`` and ``suggestion_en``, null when
the action is ``none``).  Deltas are ledger minus export in cents, null when equal or absent."""


def matched_results(pairs: pl.DataFrame) -> pl.DataFrame:
    """MATCHED results for clean exact pairs ``(_l, _t)``: constants, no per-row text."""
    columns = {
        "category": pl.lit(Category.MATCHED.value, CATEGORY_DTYPE),
        "action": pl.lit("none", ACTION_DTYPE),
        "ledger_row": pl.col("_l"),
        "tax_row": pl.col("_t"),
        "match_kind": pl.lit("exact", KIND_DTYPE),
        "confidence": pl.lit(1.0),
        "pending": pl.lit(False),
    }
    flags = ("date_differs", "buyer_differs", "seller_differs", "key_differs")
    return pairs.select(
        *[
            columns.get(name, pl.lit(False) if name in flags else pl.lit(None, dtype)).alias(name)
            for name, dtype in RESULT_SCHEMA.items()
        ],
        pl.lit(None, pl.Utf8).alias("suggestion"),
        pl.lit(None, pl.Utf8).alias("suggestion_en"),
    )


_KIND_CONFIDENCE = {
    "exact": 1.0,
    "alt": 1.0,
    "excel": 0.98,
    "sub": 0.95,
    "swap": 0.95,
    "drop": 0.93,
    "insert": 0.93,
    "codeswap": 0.95,
    "sci": 0.9,
}


def _lit(value: str) -> pl.Expr:
    return pl.lit(value, pl.Utf8)


def _effective_status() -> pl.Expr:
    """发票状态, with a normal-status blue invoice that has unbooked reds counted as reversed."""
    has_red = pl.col("red_rows").list.len().fill_null(0) > 0
    full = (-pl.col("_red_gross")) >= pl.col("_gross_x")
    lagging = pl.when(full).then(_lit("red_full")).otherwise(_lit("red_partial"))
    return (
        pl.when((pl.col("_status_x") == "normal") & has_red)
        .then(lagging)
        .otherwise(pl.col("_status_x"))
    )


def _pairs(pairs: pl.DataFrame) -> pl.DataFrame:
    """Results for ledger rows paired with an export row."""
    net = pl.col("_net") - pl.col("_net_x")
    tax = pl.col("_tax") - pl.col("_tax_x")
    gross = pl.col("_gross") - pl.col("_gross_x")
    amount = (
        (net != 0).fill_null(False) | (tax != 0).fill_null(False) | (gross != 0).fill_null(False)
    )
    date = (pl.col("_date") != pl.col("_date_x")).fill_null(False)
    buyer = (pl.col("_buyer") != pl.col("_buyer_x")).fill_null(False)
    seller = (pl.col("_seller") != pl.col("_seller_x")).fill_null(False)
    key = ~pl.col("_kind").is_in(["exact", "alt"])
    status = pl.col("_eff")
    category = (
        pl.when(status == "voided")
        .then(_lit(Category.VOIDED))
        .when(status.is_in(["red_full", "red_partial"]))
        .then(_lit(Category.RED_REVERSED))
        .when(amount)
        .then(_lit(Category.AMOUNT_MISMATCH))
        .when(buyer)
        .then(_lit(Category.BUYER_MISMATCH))
        .when(seller)
        .then(_lit(Category.SELLER_MISMATCH))
        .when(date)
        .then(_lit(Category.DATE_MISMATCH))
        .when(key)
        .then(_lit(Category.NUMBER_TYPO))
        .otherwise(_lit(Category.MATCHED))
    )
    action = (
        pl.when(status.is_in(["voided", "red_full"]))
        .then(_lit("reverse_booking"))
        .when(status == "red_partial")
        .then(_lit("adjust_booking"))
        .when(amount)
        .then(_lit("correct_amount"))
        .when(buyer)
        .then(_lit("check_buyer"))
        .when(seller)
        .then(_lit("correct_seller"))
        .when(date)
        .then(_lit("correct_date"))
        .when(key)
        .then(_lit("correct_number"))
        .otherwise(_lit("none"))
    )
    base = pl.col("_kind").replace_strict(_KIND_CONFIDENCE, return_dtype=pl.Float64)
    confidence = (
        base
        * pl.when(pl.col("_fit") >= 3).then(1.0).when(pl.col("_fit") == 2).then(0.9).otherwise(0.7)
        * pl.when(pl.col("_ambiguous")).then(0.6).otherwise(1.0)
    )
    return pairs.with_columns(_effective_status().alias("_eff")).select(
        category.alias("category"),
        action.alias("action"),
        pl.col("_l").alias("ledger_row"),
        pl.col("_t").alias("tax_row"),
        pl.lit(None, _U32).alias("duplicate_of"),
        pl.col("red_rows"),
        pl.col("_kind").alias("match_kind"),
        pl.when(key).then(pl.col("_key_x")).alias("corrected_key"),
        confidence.round(3).alias("confidence"),
        pl.lit(False).alias("pending"),
        net.alias("net_delta"),
        tax.alias("tax_delta"),
        gross.alias("gross_delta"),
        date.alias("date_differs"),
        buyer.alias("buyer_differs"),
        seller.alias("seller_differs"),
        key.alias("key_differs"),
    )


def _ledger_only(
    rows: pl.DataFrame,
    *,
    as_of: dt.date,
    period: tuple[dt.date, dt.date] | None,
    sync_days: int,
) -> pl.DataFrame:
    date = pl.col("_date")
    pending = date.is_between(as_of - dt.timedelta(days=sync_days), as_of).fill_null(False)
    outside = (
        ((date < period[0]) | (date > period[1])).fill_null(False) if period else pl.lit(False)
    )
    category = (
        pl.when(pending)
        .then(_lit(Category.NOT_YET_SYNCED))
        .when(outside)
        .then(_lit(Category.OUTSIDE_EXPORT_PERIOD))
        .otherwise(_lit(Category.MISSING_IN_TAX))
    )
    action = (
        pl.when(pending)
        .then(_lit("recheck_next_export"))
        .when(outside)
        .then(_lit("reexport_period"))
        .otherwise(_lit("contact_issuer"))
    )
    return rows.select(
        category.alias("category"),
        action.alias("action"),
        pl.col("_l").alias("ledger_row"),
        pl.when(pending).then(0.9).when(outside).then(0.9).otherwise(0.8).alias("confidence"),
        pending.alias("pending"),
    )


def _tax_only(rows: pl.DataFrame, company_tax_id: str | None) -> pl.DataFrame:
    status = pl.col("_eff")
    company = _lit(company_tax_id or "\x00")
    category = (
        pl.when(status == "voided")
        .then(_lit(Category.VOIDED))
        .when(status.is_in(["red_full", "red_partial"]))
        .then(_lit(Category.RED_REVERSED))
        .otherwise(_lit(Category.MISSING_IN_LEDGER))
    )
    action = (
        pl.when(status.is_in(["voided", "red_full"]))
        .then(_lit("no_action"))
        .when(status == "red_partial")
        .then(_lit("book_remaining"))
        .when(pl.col("_is_red"))
        .then(_lit("book_red_invoice"))
        .when(pl.col("_buyer") == company)
        .then(_lit("book_purchase"))
        .when(pl.col("_seller") == company)
        .then(_lit("book_sale"))
        .otherwise(_lit("book_invoice"))
    )
    return (
        rows.with_columns(pl.col("_gross").alias("_gross_x"), pl.col("_status").alias("_status_x"))
        .with_columns(_effective_status().alias("_eff"))
        .select(
            category.alias("category"),
            action.alias("action"),
            pl.col("_t").alias("tax_row"),
            pl.col("red_rows"),
            pl.lit(0.9).alias("confidence"),
            pl.lit(False).alias("pending"),
        )
    )


def classify(
    lf: pl.DataFrame,
    tax: pl.DataFrame,
    parts: dict[str, pl.DataFrame],
    reds: pl.DataFrame,
    tax_only: pl.DataFrame,
    *,
    as_of: dt.date,
    period: tuple[dt.date, dt.date] | None,
    sync_days: int,
    company_tax_id: str | None,
) -> pl.DataFrame:
    """Every result as one row of ``RESULT_SCHEMA`` (suggestions are added by ``explain``)."""
    lw = lf.select("_l", *_FIELDS)
    tw = tax.select("_t", *_FIELDS, "_status")
    p = parts["pairs"]
    left = lw.select(pl.all().gather(p["_l"])).drop("_l")
    right = tw.select(pl.all().gather(p["_t"])).drop("_t").rename(lambda c: f"{c}_x")
    paired = p.hstack(left).hstack(right).join(reds, on="_t", how="left")
    ledger_only = lw[parts["ledger_only"]["_l"]]
    tax_rows = tax.select("_t", "_seller", "_buyer", "_gross", "_status", "_is_red")[
        tax_only["_t"]
    ].join(reds, on="_t", how="left")
    dups = parts["duplicates"].select(
        _lit(Category.DUPLICATE_IN_LEDGER).alias("category"),
        _lit("remove_duplicate").alias("action"),
        pl.col("_l").alias("ledger_row"),
        pl.col("_first").alias("duplicate_of"),
        pl.lit(0.95).alias("confidence"),
        pl.lit(False).alias("pending"),
    )
    frames = [
        _pairs(paired),
        _ledger_only(ledger_only, as_of=as_of, period=period, sync_days=sync_days),
        dups,
        _tax_only(tax_rows, company_tax_id),
    ]
    schema = pl.Schema(RESULT_SCHEMA)
    aligned = [
        f.with_columns(
            [pl.lit(None, dtype).alias(c) for c, dtype in schema.items() if c not in f.columns]
        ).select([pl.col(c).cast(dtype) for c, dtype in schema.items()])
        for f in frames
    ]
    return pl.concat(aligned).sort(["ledger_row", "tax_row"], nulls_last=True)
