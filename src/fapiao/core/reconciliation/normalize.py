"""Vectorised cleaning of ledger (台账) and export (全量发票查询导出) columns for reconciliation.

Everything here works on whole polars columns, never row by row: keys (发票代码/发票号码/数电号码)
are NFKC-normalised and stripped of spaces and quotes, money (金额/税额/价税合计) is parsed from its
text into exact integer cents (never through float), dates (开票日期) become ``pl.Date`` (China
time), and 发票状态 becomes a short code (the export layout: shared/reference/formats.md §7).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

CANONICAL_COLUMNS: tuple[str, ...] = (
    "code",
    "number",
    "digital_number",
    "seller_tax_id",
    "seller_name",
    "buyer_tax_id",
    "buyer_name",
    "issue_date",
    "net_amount",
    "tax_amount",
    "gross_amount",
    "source",
    "kind_label",
    "status",
    "is_positive",
    "risk_level",
    "drawer",
    "remark",
)
"""Columns of an export's invoice frame (all Utf8), as ``fapiao.core.tabular`` names them."""

LEDGER_EXTRA_COLUMNS: tuple[str, ...] = ("operator", "batch", "voucher")
"""Optional ledger columns used by the problem localisation (录入人, 导入批次, 凭证号)."""

SCI_PATTERN = r"^\d(\.\d+)?[eE]\+?\d{1,2}$"
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def ensure_columns(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """The frame with every listed column present (missing ones as null Utf8), all cast to Utf8."""
    if frame.width == 0:  # a literal would broadcast to one row
        frame = pl.DataFrame(schema=dict.fromkeys(columns, pl.Utf8))
    missing = [pl.lit(None, dtype=pl.Utf8).alias(c) for c in columns if c not in frame.columns]
    if missing:
        frame = frame.with_columns(missing)
    casts = [pl.col(c).cast(pl.Utf8) for c in frame.columns if frame.schema[c] != pl.Utf8]
    return frame.with_columns(casts) if casts else frame


def clean_id(column: str) -> pl.Expr:
    """An identifier without spaces, quotes or full-width digits; ``--`` and '' become null."""
    expr = pl.col(column).str.normalize("NFKC").str.replace_all(r"[\s'`\"]", "")
    return pl.when(expr.is_in(["", "--", "-"])).then(None).otherwise(expr)


def key_expr(code: pl.Expr, number: pl.Expr, digital: pl.Expr) -> pl.Expr:
    """Identity: the 数电 number, else ``发票代码-发票号码`` (a bare number when code is absent)."""
    legacy = (
        pl.when(code.is_null()).then(number).otherwise(pl.concat_str([code, number], separator="-"))
    )
    return pl.when(digital.is_not_null()).then(digital).otherwise(legacy)


def repaired_key_expr(code: pl.Expr, number: pl.Expr, digital: pl.Expr) -> pl.Expr:
    """The key after undoing Excel damage: a ``.0`` suffix, lost leading zeros."""

    def unfloat(e: pl.Expr) -> pl.Expr:
        return e.str.replace(r"^(\d+)\.0+$", "$1")

    c, n, d = unfloat(code), unfloat(number), unfloat(digital)
    c = (
        pl.when(c.str.len_chars() == 9)
        .then(c.str.zfill(10))
        .when(c.str.len_chars() == 11)
        .then(c.str.zfill(12))
        .otherwise(c)
    )
    n = pl.when(c.is_not_null() & (n.str.len_chars() < 8)).then(n.str.zfill(8)).otherwise(n)
    return key_expr(c, n, d)


def cents_expr(column: str) -> pl.Expr:
    """Exact integer cents from a money text (``1,060.00``, ``¥-3.5``, ``60``); half-up at 0.01."""
    text = (
        pl.col(column)
        .str.normalize("NFKC")
        .str.replace_all(r"[,\s¥$元]", "")
        .str.replace(r"^\((.*)\)$", "-$1")
    )
    negative = text.str.starts_with("-")
    body = text.str.strip_chars_start("+-")
    parts = body.str.split_exact(".", 1)
    whole = parts.struct.field("field_0")
    frac = parts.struct.field("field_1").fill_null("")
    units = pl.when(whole == "").then(pl.lit("0")).otherwise(whole).cast(pl.Int64, strict=False)
    thousandths = pl.concat_str([frac, pl.lit("000")]).str.slice(0, 3).cast(pl.Int64, strict=False)
    cents = units * 100 + (thousandths + 5) // 10
    valid = body.str.contains(r"^\d*(\.\d*)?$") & body.str.contains(r"\d")
    signed = pl.when(negative).then(-cents).otherwise(cents)
    return pl.when(valid).then(signed).otherwise(None).alias(column)


def parse_dates(series: pl.Series) -> pl.Series:
    """开票日期 text as dates (``2025-03-10 10:11:12``, ``2025/3/10``, ``2025年3月10日``,
    ``20250310``, an Excel serial day number); unreadable text becomes null."""
    text = series.cast(pl.Utf8).str.strip_chars()
    fast = text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    todo = fast.is_null() & text.is_not_null()
    if not todo.any():
        return fast
    t = pl.col("t").str.normalize("NFKC")
    ymd = t.str.replace_all(r"[年月/.]", "-").str.extract(r"^(\d{4}-\d{1,2}-\d{1,2})", 1)
    compact = t.str.extract(r"^(\d{8})(?:\D|$)", 1).str.to_date("%Y%m%d", strict=False)
    serial_days = t.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    serial = (pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial_days)).cast(pl.Date)
    slow = (
        pl.DataFrame({"t": text.filter(todo)})
        .select(pl.coalesce(ymd.str.to_date("%Y-%m-%d", strict=False), compact, serial))
        .to_series()
    )
    return fast.scatter(todo.arg_true(), slow)


def status_expr(column: str = "status") -> pl.Expr:
    """发票状态 as ``normal``, ``voided`` (已作废), ``red_full`` (已红冲-全额), ``red_partial``."""
    s = pl.col(column).fill_null("")
    return (
        pl.when(s.str.contains("作废"))
        .then(pl.lit("voided"))
        .when(s.str.contains("红冲") & s.str.contains("部分"))
        .then(pl.lit("red_partial"))
        .when(s.str.contains("红冲"))
        .then(pl.lit("red_full"))
        .otherwise(pl.lit("normal"))
    )


def red_of_expr(remark: str = "remark") -> pl.Expr:
    """The key of the blue invoice a red-letter invoice reverses, read from its 备注."""
    text = pl.col(remark).fill_null("").str.replace_all(r"\s", "")
    digital = text.str.extract(r"(?:蓝字|原)?(?:数电)?(?:发票|票)?号码[:：]?(\d{20})", 1)
    code = text.str.extract(r"对应正数发票代码[:：]?(\d{10,12})", 1)
    number = text.str.extract(r"号码[:：]?(\d{8})(?:\D|$)", 1)
    legacy = pl.when(code.is_not_null() & number.is_not_null()).then(
        pl.concat_str([code, number], separator="-")
    )
    return pl.coalesce(digital, legacy)


def cents_text(expr: pl.Expr) -> pl.Expr:
    """Integer cents as plain decimal text (``-1060.05``)."""
    absolute = expr.abs()
    body = pl.concat_str(
        [(absolute // 100).cast(pl.Utf8), pl.lit("."), (absolute % 100).cast(pl.Utf8).str.zfill(2)]
    )
    return pl.when(expr < 0).then(pl.concat_str([pl.lit("-"), body])).otherwise(body)


_IDS = {
    "code": "_code",
    "number": "_number",
    "digital_number": "_digital",
    "seller_tax_id": "_seller",
    "buyer_tax_id": "_buyer",
}
_AMOUNTS = {"net_amount": "_net", "tax_amount": "_tax", "gross_amount": "_gross"}
_CLEAN_ID = r"^([0-9A-Z]{3,}|--|)$"
_CLEAN_AMOUNT = r"^-?\d+(\.\d{1,2})?$"


def _id(column: str) -> pl.Expr:
    general = clean_id(column)
    return general.str.to_uppercase() if column.endswith("tax_id") else general


def _two_paths(
    frame: pl.DataFrame, fast: dict[str, pl.Expr], slow: dict[str, pl.Expr]
) -> pl.DataFrame:
    """Columns computed by ``fast`` where the text is clean, by ``slow`` on the rows that are not.

    Clean text (what the tabular reader and most programs produce) needs no NFKC and its money
    parses by an exact decimal cast; only the few damaged rows take the general path.
    """
    patterns = {c: _CLEAN_ID if c in _IDS else _CLEAN_AMOUNT for c in fast}
    flags = frame.select(
        [(~pl.col(c).str.contains(patterns[c])).fill_null(False).alias(c) for c in fast]
    )
    out = frame.select([expr.alias(c) for c, expr in fast.items()])
    columns = []
    for c in fast:
        series = out[c]
        dirty = flags[c]
        if dirty.any():
            fixed = frame.filter(dirty).select(slow[c]).to_series()
            series = series.scatter(dirty.arg_true(), fixed.cast(series.dtype))
        columns.append(series)
    return pl.DataFrame(columns)


_KEYS = {c: _IDS[c] for c in ("code", "number", "digital_number")}
_PARTIES = {c: _IDS[c] for c in ("seller_tax_id", "buyer_tax_id")}
FIELD_COLUMNS = ("_seller", "_buyer", "_net", "_tax", "_gross", "_date")
"""Parsed comparison columns; :func:`parse_fields` fills them only for rows that need them."""


def _fast_id(column: str) -> pl.Expr:
    return pl.when(pl.col(column).str.len_bytes() > 2).then(pl.col(column))


def prepare(frame: pl.DataFrame, *, extra: tuple[str, ...] = ()) -> pl.DataFrame:
    """The frame with its identity columns (``_code``, ``_number``, ``_digital``, ``_key``)."""
    frame = ensure_columns(frame, CANONICAL_COLUMNS + extra)
    fast = {c: _fast_id(c) for c in _KEYS}
    slow = {c: _id(c) for c in _KEYS}
    parsed = _two_paths(frame, fast, slow).rename(_KEYS)
    code, number, digital = parsed["_code"], parsed["_number"], parsed["_digital"]
    key = pl.select(key_expr(pl.lit(code), pl.lit(number), pl.lit(digital))).to_series()
    return frame.hstack([*parsed.get_columns(), key.alias("_key")])


def parse_fields(frame: pl.DataFrame) -> pl.DataFrame:
    """The comparison columns (tax IDs, cents, date) of ``frame``'s rows, exact from text."""
    fast: dict[str, pl.Expr] = {c: _fast_id(c) for c in _PARTIES}
    fast |= {
        c: (pl.col(c).cast(pl.Decimal(38, 2), strict=False) * 100).cast(pl.Int64) for c in _AMOUNTS
    }
    slow = {c: _id(c) for c in _PARTIES} | {c: cents_expr(c) for c in _AMOUNTS}
    out = _two_paths(frame, fast, slow).rename(_PARTIES | _AMOUNTS)
    return out.with_columns(
        pl.coalesce(pl.col("_gross"), pl.col("_net") + pl.col("_tax")).alias("_gross"),
        parse_dates(frame["issue_date"]).alias("_date"),
    ).select(FIELD_COLUMNS)


def with_fields(frame: pl.DataFrame, rows: pl.Series) -> pl.DataFrame:
    """``frame`` with :data:`FIELD_COLUMNS` parsed at ``rows`` (positions) and null elsewhere."""
    parsed = parse_fields(frame[rows])
    columns = []
    for name in FIELD_COLUMNS:
        values = parsed[name]
        if name in frame.columns:
            base = frame[name]
        else:
            base = pl.repeat(None, frame.height, dtype=values.dtype, eager=True).alias(name)
        columns.append(base.scatter(rows, values) if len(rows) else base)
    return frame.with_columns(columns)
