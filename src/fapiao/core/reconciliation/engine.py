"""Reconciliation (对账) of the company's ledger against the tax bureau's exports.

Identity is the 20-digit 数电 number, else (发票代码, 发票号码).  Exact pairs come from one hash
join; only the residue (keys that matched nothing, and keys whose row disagrees on at least two
of seller, amount and date: a possible key collision) goes through the typo candidates of
:mod:`fapiao.core.reconciliation.candidates`.  Each ledger row and each export row ends in exactly
one result; categories and their precedence are those of issue 4 (see ``categories.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from fapiao.core.invoice import china_today
from fapiao.core.reconciliation.candidates import candidate_pairs
from fapiao.core.reconciliation.classify import classify, matched_results
from fapiao.core.reconciliation.explain import add_suggestions
from fapiao.core.reconciliation.normalize import (
    FIELD_COLUMNS,
    LEDGER_EXTRA_COLUMNS,
    parse_dates,
    parse_fields,
    prepare,
    red_of_expr,
    repaired_key_expr,
    status_expr,
    with_fields,
)
from fapiao.core.reconciliation.result import Reconciliation

_FIELDS = ("_key", "_seller", "_buyer", "_date", "_net", "_tax", "_gross")
_RAW = ("seller_tax_id", "buyer_tax_id", "net_amount", "tax_amount", "gross_amount")
_STATUS_RANK = {"normal": 0, "red_partial": 1, "red_full": 2, "voided": 3}
_U32 = pl.UInt32


def infer_period(dates: pl.Series) -> tuple[dt.date, dt.date] | None:
    """The whole calendar months from the earliest to the latest date (None without dates)."""
    low, high = dates.min(), dates.max()
    if not isinstance(low, dt.date) or not isinstance(high, dt.date):
        return None
    start = low.replace(day=1)
    following = (high.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def combine_exports(exports: pl.DataFrame | Sequence[pl.DataFrame]) -> pl.DataFrame:
    """One export frame from several: rows of the same invoice merged (first non-empty value per
    column, the most advanced 发票状态), so an overlap or a 抵扣勾选 export never counts twice."""
    frames = [exports] if isinstance(exports, pl.DataFrame) else list(exports)
    prepared = [
        prepare(f).with_columns(
            pl.lit(i, _U32).alias("export_index"),
            pl.int_range(pl.len(), dtype=_U32).alias("export_row"),
        )
        for i, f in enumerate(frames)
    ]
    tax = pl.concat(prepared, how="diagonal_relaxed") if prepared else prepare(pl.DataFrame())
    tax = tax.with_columns(_status(tax["status"]))
    duplicated = pl.col("_key").is_not_null() & pl.col("_key").is_duplicated()
    if len(frames) > 1 or tax.select(pl.col("_key").hash().is_duplicated().any()).item():
        tax = tax.with_row_index("_order")
        rank = pl.col("_status").replace_strict(_STATUS_RANK, return_dtype=pl.Int8)
        merged = (
            tax.filter(duplicated)
            .group_by("_key", maintain_order=True)
            .agg(
                pl.col("_status").sort_by(rank, descending=True).first(),
                *[pl.all().exclude("_key", "_status").drop_nulls().first()],
            )
            .select(tax.columns)
        )
        tax = pl.concat([tax.filter(~duplicated), merged]).sort("_order").drop("_order")
    negative = pl.col("gross_amount").str.strip_chars().str.starts_with("-").fill_null(False)
    red = (pl.col("is_positive").fill_null("") == "否") | negative
    tax = tax.with_row_index("_t").with_columns(
        parse_dates(tax["issue_date"]).alias("_date"),
        red.alias("_is_red"),
        pl.when(pl.col("_digital").is_not_null() & pl.col("_number").is_not_null())
        .then(pl.concat_str(["_code", "_number"], separator="-", ignore_nulls=True))
        .alias("_alt_key"),
    )
    red_of = pl.repeat(None, tax.height, dtype=pl.Utf8, eager=True).alias("_red_of")
    if tax["_is_red"].any():
        rows = tax["_is_red"].arg_true()
        red_of = red_of.scatter(rows, tax[rows].select(red_of_expr()).to_series())
    return tax.with_columns(red_of)


def _status(status: pl.Series) -> pl.Series:
    """发票状态 as a short code; the export's four spellings by lookup, anything else by rule."""
    known = {"正常": "normal", "已作废": "voided", "已红冲-全额": "red_full"}
    known["已红冲-部分"] = "red_partial"
    mapped = status.replace_strict(known, default=None, return_dtype=pl.Utf8).alias("_status")
    odd = mapped.is_null()
    if odd.any():
        rows = odd.arg_true()
        fixed = pl.DataFrame({"status": status.gather(rows)}).select(status_expr()).to_series()
        mapped = mapped.scatter(rows, fixed)
    return mapped


def _row_hash(frame: pl.DataFrame) -> pl.Series:
    """One 64-bit hash per row of the compared texts (tax IDs, amounts) and the parsed date."""
    columns = [*_RAW, "_date"]
    combined = pl.col(columns[0]).hash(seed=0)
    for i, column in enumerate(columns[1:], start=1):
        combined = combined.xor(pl.col(column).hash(seed=i))
    return frame.select(combined).to_series()


def split_clean(lf: pl.DataFrame, tax: pl.DataFrame) -> tuple[pl.DataFrame, ...]:
    """Exact pairs that need no further thought, and the rest of each side.

    A pair is clean when its key is booked once, every compared field agrees (or is absent from
    the ledger), the invoice is 正常 and no red-letter invoice refers to it.  Only the rest goes
    on to duplicate handling, typo candidates and classification.
    """
    keys = lf.select("_l", "_key").join(tax.select("_t", "_key"), on="_key", how="inner")
    # a key booked twice shows as a repeated export row: cheaper than hashing the strings again
    hold = keys["_t"].is_duplicated()
    referenced = tax.filter(pl.col("_is_red"))["_red_of"].drop_nulls()
    if referenced.len():
        hold = hold | keys["_key"].is_in(referenced.implode())
    # equal text is an equal value: compare one hash of the compared texts per row first, and
    # parse only the rows whose texts differ (a different spelling may still be the same value)
    candidate = ~hold & (tax["_status"].gather(keys["_t"]) == "normal")
    left, right = _row_hash(lf).gather(keys["_l"]), _row_hash(tax).gather(keys["_t"])
    clean = candidate & (left == right)
    maybe = candidate & ~clean
    if maybe.any():
        positions = maybe.arg_true()
        lp = parse_fields(lf[keys["_l"].gather(positions)])
        tp = parse_fields(tax[keys["_t"].gather(positions)])
        same = pl.repeat(True, len(positions), eager=True)
        for name in FIELD_COLUMNS:
            same = same & (lp[name] == tp[name]).fill_null(True)
        clean = clean.scatter(positions, same)
    bulk = keys.select("_l", "_t").filter(clean)
    ledger_rest = pl.repeat(True, lf.height, eager=True).scatter(bulk["_l"], False).arg_true()
    tax_rest = pl.repeat(True, tax.height, eager=True).scatter(bulk["_t"], False).arg_true()
    lf, tax = with_fields(lf, ledger_rest), with_fields(tax, tax_rest)
    needed = ["_l", "_code", "_number", "_digital", *_FIELDS]
    return (
        bulk,
        lf,
        tax,
        lf.select(needed)[ledger_rest],
        tax.select("_t", "_alt_key", *_FIELDS)[tax_rest],
    )


def prepare_ledger(ledger: pl.DataFrame) -> pl.DataFrame:
    """The ledger with its working columns, ``_l`` its row number."""
    frame = prepare(ledger, extra=LEDGER_EXTRA_COLUMNS).with_row_index("_l")
    return frame.with_columns(parse_dates(frame["issue_date"]).alias("_date"))


def _agreement(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds ``_fit`` (how many of seller, amount, date agree; unknown counts as agreeing)."""
    seller = (pl.col("_seller") == pl.col("_seller_x")).fill_null(True)
    amount = (pl.col("_gross") == pl.col("_gross_x")).fill_null(True)
    date = (pl.col("_date") == pl.col("_date_x")).fill_null(True)
    buyer = (pl.col("_buyer") == pl.col("_buyer_x")).fill_null(True)
    return frame.with_columns(
        (seller.cast(pl.Int8) + amount.cast(pl.Int8) + date.cast(pl.Int8)).alias("_fit"),
        buyer.alias("_buyer_eq"),
    )


def _with_tax_fields(pairs: pl.DataFrame, lw: pl.DataFrame, tw: pl.DataFrame) -> pl.DataFrame:
    """Pairs ``(_l, _t)`` with both rows' comparable fields (export ones suffixed ``_x``)."""
    left = lw.select(pl.all().gather(pairs["_l"]))
    right = tw.select(pl.all().gather(pairs["_t"])).rename(lambda c: f"{c}_x")
    return pairs.hstack(left.drop("_l")).hstack(right.drop("_t_x"))


def _assign(cand: pl.DataFrame) -> pl.DataFrame:
    """One-to-one pairs, best score first (greedy by rounds; the residue is small)."""
    cand = cand.sort(["_score", "_l", "_t"], descending=[True, False, False])
    accepted = []
    while cand.height:
        best = cand.unique("_l", keep="first", maintain_order=True).unique(
            "_t", keep="first", maintain_order=True
        )
        accepted.append(best)
        taken = pl.col("_l").is_in(best["_l"].implode()) | pl.col("_t").is_in(best["_t"].implode())
        cand = cand.filter(~taken)  # a filter keeps the order the next round relies on
    if not accepted:
        return cand
    return pl.concat(accepted)


def match(
    ledger: pl.DataFrame, tax: pl.DataFrame, lf: pl.DataFrame, tf: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """Pairs (exact and typo), duplicate copies, and the unpaired rows of each side.

    ``ledger`` and ``tax`` are the rows to match; ``lf`` and ``tf`` the whole prepared frames
    (``_l`` and ``_t`` are row positions in them).
    """
    lw = ledger.select("_l", *_FIELDS)
    tw = tax.select("_t", *_FIELDS)
    exact = _agreement(
        lw.join(
            tw.rename(lambda c: f"{c}_x"), left_on="_key", right_on="_key_x", how="left"
        ).rename({"_t_x": "_t"})
    )
    dup_mask = pl.col("_key").is_not_null() & pl.col("_key").is_duplicated()
    copies = (
        exact.filter(dup_mask)
        .sort(["_key", "_fit", "_l"], descending=[False, True, False])
        .select(
            "_l",
            pl.int_range(pl.len(), dtype=_U32).over("_key").alias("_copy"),
            pl.col("_l").first().over("_key").alias("_first"),
        )
    )
    exact = exact.join(copies, on="_l", how="left").with_columns(pl.col("_copy").fill_null(0))
    suspect = pl.col("_t").is_not_null() & (pl.col("_fit") <= 1)
    claimed = exact.filter(pl.col("_t").is_not_null() & (pl.col("_copy") == 0) & ~suspect)
    extra = pl.col("_copy") > 0
    extras = exact.filter(extra & (pl.col("_t").is_null() | ~suspect))
    residue = exact.filter((pl.col("_t").is_null() & ~extra) | suspect).select(
        "_l", "_copy", "_first"
    )
    free_tax = tax.join(claimed.select("_t"), on="_t", how="anti")

    cand = candidate_pairs(
        ledger.join(residue.select("_l"), on="_l", how="semi").select(
            "_l",
            "_key",
            repaired_key_expr(pl.col("_code"), pl.col("_number"), pl.col("_digital")).alias(
                "_rkey"
            ),
            pl.coalesce("_digital", "_number").alias("_raw_id"),
        ),
        free_tax.select("_t", "_key", "_alt_key"),
    )
    full_l, full_t = lf.select("_l", *_FIELDS), tf.select("_t", *_FIELDS)
    cand = _agreement(_with_tax_fields(cand.select("_l", "_t", "_kind", "_krank"), full_l, full_t))
    exactish = pl.col("_kind").is_in(["exact", "alt"])
    score = (
        pl.col("_fit").cast(pl.Int32) * 100
        + pl.col("_buyer_eq").cast(pl.Int32) * 10
        + (9 - pl.col("_krank").cast(pl.Int32))
    )
    cand = cand.filter(exactish | (pl.col("_fit") >= 2)).with_columns(score.alias("_score"))
    cand = cand.with_columns(
        ((pl.col("_score") == pl.col("_score").max().over("_l")).sum().over("_l") > 1).alias(
            "_ambiguous"
        )
    )
    fuzzy = _assign(cand)
    pairs = pl.concat(
        [
            claimed.select(
                "_l",
                "_t",
                pl.lit("exact").alias("_kind"),
                "_fit",
                pl.lit(False).alias("_ambiguous"),
            ),
            fuzzy.select("_l", "_t", "_kind", "_fit", "_ambiguous"),
        ]
    )
    unpaired = residue.join(fuzzy.select("_l"), on="_l", how="anti")
    duplicates = pl.concat(
        [extras.select("_l", "_first"), unpaired.filter(pl.col("_copy") > 0).select("_l", "_first")]
    )
    return {
        "pairs": pairs,
        "duplicates": duplicates,
        "ledger_only": unpaired.filter(pl.col("_copy") == 0).select("_l"),
        "tax_only": tax.join(pairs.select("_t"), on="_t", how="anti").select("_t"),
    }


def attach_reds(tax: pl.DataFrame, tax_only: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Unbooked red-letter invoices grouped under the blue invoice they reverse.

    Returns ``(reds, tax_only)``: per blue ``_t`` its ``red_rows`` and ``_red_gross`` (a sum of
    cents), and the export-only rows left once the attached reds are taken out.
    """
    reds = (
        tax.select("_t", "_is_red", "_red_of", "_gross")[tax_only["_t"]]
        .filter(pl.col("_is_red") & pl.col("_red_of").is_not_null())
        .select(pl.col("_t").alias("_red"), "_red_of", "_gross")
    )
    blues = tax.select(pl.col("_t"), pl.col("_key").alias("_red_of")).filter(
        pl.col("_red_of").is_in(reds["_red_of"].implode())
    )
    reds = reds.join(blues, on="_red_of", how="inner").filter(pl.col("_t") != pl.col("_red"))
    grouped = reds.group_by("_t").agg(
        pl.col("_red").sort().alias("red_rows"), pl.col("_gross").sum().alias("_red_gross")
    )
    rest = tax_only.join(reds.select(pl.col("_red").alias("_t")), on="_t", how="anti")
    return grouped, rest


def reconcile(
    ledger: pl.DataFrame,
    exports: pl.DataFrame | Sequence[pl.DataFrame],
    *,
    as_of: dt.date | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    sync_days: int = 3,
    company_tax_id: str | None = None,
) -> Reconciliation:
    """对账: classify every ledger row and every export row, with differences and suggestions.

    ``ledger`` and each export are frames in the canonical layout of ``fapiao.core.tabular``
    (Utf8 columns ``code, number, digital_number, seller_tax_id, …, gross_amount, status``);
    ``period`` defaults to the whole months the exports cover; ``as_of`` to today in China.
    """
    as_of = as_of or china_today()
    lf = prepare_ledger(ledger)
    tax = combine_exports(exports)
    covered = period or infer_period(tax["_date"])
    bulk, lf, tax, ledger_rest, tax_rest = split_clean(lf, tax)
    parts = match(ledger_rest, tax_rest, lf, tax)
    reds, tax_only = attach_reds(tax, parts["tax_only"])
    results = classify(
        lf,
        tax,
        parts,
        reds,
        tax_only,
        as_of=as_of,
        period=covered,
        sync_days=sync_days,
        company_tax_id=(company_tax_id or "").strip().upper() or None,
    )
    results = add_suggestions(results, lf, tax, period=covered, sync_days=sync_days)
    results = pl.concat([matched_results(bulk), results])
    return Reconciliation(
        results=results,
        ledger=lf,
        tax=tax,
        as_of=as_of,
        period=covered,
        sync_days=sync_days,
        company_tax_id=company_tax_id,
    )
