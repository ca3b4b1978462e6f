"""Candidate pairs for keys that did not match exactly (号码录入错误的候选).

Only the unmatched residue comes here.  Each side emits key *variants* and the two sides are
hash-joined on them, so the work stays linear: each digit masked in turn (one substituted digit),
each adjacent pair swapped (a transposition), each digit deleted (one dropped or one inserted
digit), 发票代码 and 发票号码 swapped, and the Excel repairs (``.0`` suffix, lost leading zeros,
a 20-digit number shown in scientific notation).  No variant uses amount, date or seller, so a
typo that comes with a wrong amount is still a candidate; those fields only rank the candidates.
"""

from __future__ import annotations

import polars as pl

from fapiao.core.reconciliation.normalize import SCI_PATTERN

KIND_RANK: dict[str, int] = {
    "exact": 0,
    "alt": 0,
    "excel": 1,
    "sub": 2,
    "swap": 2,
    "drop": 2,
    "insert": 2,
    "codeswap": 2,
    "sci": 3,
}
"""Variant kinds, most certain first; ``exact``/``alt`` are not typos."""

_VARIANT_SCHEMA = {"_v": pl.Utf8, "_kind": pl.Utf8}


def _per_position(keys: pl.DataFrame, id_col: str, build: str) -> pl.DataFrame:
    """One row per (key, position) variant: ``mask``, ``swap`` or ``delete`` the digit there."""
    if keys.height == 0:
        return keys.select(id_col, pl.lit(None, pl.Utf8).alias("_v"))
    longest = keys["_key"].str.len_chars().max()
    width = longest if isinstance(longest, int) else 0
    key = pl.col("_key")
    frames = []
    for i in range(width):
        here = key.str.slice(i, 1)
        head, tail = key.str.slice(0, i), key.str.slice(i + 1)
        ok = here.str.contains(r"^\d$")
        if build == "mask":
            variant = pl.concat_str([head, pl.lit("?"), tail])
        elif build == "delete":
            variant = pl.concat_str([head, tail])
        else:
            after = key.str.slice(i + 1, 1)
            ok = ok & after.str.contains(r"^\d$") & (after != here)
            variant = pl.concat_str([head, after, here, key.str.slice(i + 2)])
        frames.append(
            keys.filter(ok & (key.str.len_chars() > i)).select(id_col, variant.alias("_v"))
        )
    return pl.concat(frames)


def _sci_value(digits: pl.Expr, m: int) -> pl.Expr:
    """A digit string rounded half-up to ``m`` significant digits (the leading ``m`` as Int64)."""
    head = digits.str.slice(0, m).cast(pl.Int64, strict=False)
    nxt = digits.str.slice(m, 1).cast(pl.Int64, strict=False).fill_null(0)
    return pl.when(nxt >= 5).then(head + 1).otherwise(head)


def candidate_pairs(ledger: pl.DataFrame, tax: pl.DataFrame) -> pl.DataFrame:
    """Pairs ``(_l, _t, _kind)`` whose keys are one typo (or an Excel repair) apart.

    ``ledger`` needs ``_l, _key, _rkey, _raw_id``; ``tax`` needs ``_t, _key, _alt_key``.
    """
    lk = ledger.filter(pl.col("_key").is_not_null()).select("_l", "_key")
    tk = tax.filter(pl.col("_key").is_not_null()).select("_t", "_key")
    exact_t = tk.rename({"_key": "_v"})
    pieces: list[pl.DataFrame] = []

    def add(left: pl.DataFrame, right: pl.DataFrame, kind: str) -> None:
        joined = left.join(right, on="_v", how="inner").select(
            "_l", "_t", pl.lit(kind).alias("_kind")
        )
        pieces.append(joined)

    add(lk.rename({"_key": "_v"}), exact_t, "exact")
    alt = tax.filter(pl.col("_alt_key").is_not_null()).select("_t", pl.col("_alt_key").alias("_v"))
    add(lk.rename({"_key": "_v"}), alt, "alt")
    repaired = ledger.filter(
        pl.col("_rkey").is_not_null() & (pl.col("_rkey") != pl.col("_key"))
    ).select("_l", pl.col("_rkey").alias("_v"))
    add(repaired, exact_t, "excel")
    add(_per_position(lk, "_l", "mask"), _per_position(tk, "_t", "mask"), "sub")
    add(_per_position(lk, "_l", "swap"), exact_t, "swap")
    add(_per_position(lk, "_l", "delete"), exact_t, "insert")
    add(lk.rename({"_key": "_v"}), _per_position(tk, "_t", "delete"), "drop")
    swapped = ledger.filter(pl.col("_key").str.contains(r"^\d+-\d+$")).select(
        "_l",
        pl.concat_str(
            [pl.col("_key").str.extract(r"-(\d+)$", 1), pl.col("_key").str.extract(r"^(\d+)-", 1)],
            separator="-",
        ).alias("_v"),
    )
    add(swapped, exact_t, "codeswap")
    pieces.extend(_scientific(ledger, tk))
    pairs = pl.concat(pieces)
    return (
        pairs.with_columns(pl.col("_kind").replace_strict(KIND_RANK).alias("_krank"))
        .sort("_krank")
        .unique(["_l", "_t"], keep="first", maintain_order=True)
    )


def _scientific(ledger: pl.DataFrame, tk: pl.DataFrame) -> list[pl.DataFrame]:
    """Pairs for 数电 numbers that Excel turned into ``2.53220000003654E+19``."""
    sci = ledger.filter(pl.col("_raw_id").str.contains(SCI_PATTERN)).select(
        "_l",
        pl.col("_raw_id").str.extract(r"^(\d)", 1).alias("_a"),
        pl.col("_raw_id").str.extract(r"^\d\.(\d+)", 1).fill_null("").alias("_b"),
        pl.col("_raw_id").str.extract(r"[eE]\+?(\d+)$", 1).cast(pl.Int64).alias("_e"),
    )
    if sci.height == 0:
        return []
    sci = sci.with_columns(
        pl.concat_str(["_a", "_b"]).str.strip_chars_end("0").alias("_m")
    ).with_columns(pl.col("_m").str.len_chars().cast(pl.Int64).alias("_n"))
    out = []
    for (n, e), group in sci.group_by(["_n", "_e"]):
        size, digits = int(str(e)) + 1, int(str(n))
        if digits > 18 or digits < 1:
            continue
        value = pl.col("_m").cast(pl.Int64, strict=False)
        near = pl.concat_list([value - 1, value, value + 1])  # binary floats blur the last digit
        left = group.select("_l", near.alias("_sv")).explode("_sv", empty_as_null=True)
        right = tk.filter(
            (pl.col("_key").str.len_chars() == size) & pl.col("_key").str.contains(r"^\d+$")
        ).select("_t", _sci_value(pl.col("_key"), digits).alias("_sv"))
        out.append(
            left.join(right, on="_sv", how="inner").select("_l", "_t", pl.lit("sci").alias("_kind"))
        )
    return out
