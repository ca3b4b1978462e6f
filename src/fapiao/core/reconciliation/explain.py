"""Suggestions (处理建议) in Chinese and English that name the values involved.

Built column-wise from templates, only for the results that need more than "no action".
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from fapiao.core.reconciliation.normalize import cents_text

_DASH = "—"


def _s(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Utf8).fill_null(_DASH)


def _t(*parts: str | pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in parts])


def _amount_parts(lang: str) -> pl.Expr:
    names = {
        "zh": (("net", "金额"), ("tax", "税额"), ("gross", "价税合计")),
        "en": (("net", "net"), ("tax", "tax"), ("gross", "gross")),
    }[lang]
    items = []
    for field, label in names:
        delta = pl.col(f"{field}_delta")
        ledger_value, tax_value = _s(pl.col(f"_l_{field}")), _s(pl.col(f"_t_{field}"))
        if lang == "zh":
            text = _t(
                label,
                " 台账 ",
                ledger_value,
                " / 发票 ",
                tax_value,
                "（差额 ",
                cents_text(delta),
                "）",
            )
        else:
            text = _t(
                label,
                " ledger ",
                ledger_value,
                " / invoice ",
                tax_value,
                " (delta ",
                cents_text(delta),
                ")",
            )
        items.append(pl.when(delta != 0).then(text))
    return pl.concat_str(items, separator="；" if lang == "zh" else "; ", ignore_nulls=True)


def _templates(
    period: tuple[dt.date, dt.date] | None, sync_days: int
) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    lkey, tkey = _s(pl.col("_l_key")), _s(pl.col("_t_key"))
    ld, td = _s(pl.col("_l_date")), _s(pl.col("_t_date"))
    reds = _s(pl.col("_reds"))
    ps = str(period[0]) if period else _DASH
    pe = str(period[1]) if period else _DASH
    first = _s(pl.col("duplicate_of") + 1)
    fix_zh = (
        pl.when(pl.col("key_differs"))
        .then(_t("发票号码应为 ", tkey, "（台账录入 ", lkey, "）；"))
        .otherwise(pl.lit(""))
    )
    fix_en = (
        pl.when(pl.col("key_differs"))
        .then(_t("the invoice number should be ", tkey, " (ledger has ", lkey, "); "))
        .otherwise(pl.lit(""))
    )
    voided = pl.col("_t_status") == "voided"
    return {
        "correct_amount": (
            _t(fix_zh, "金额与发票不符：", _amount_parts("zh"), "；请按发票更正台账"),
            _t(
                fix_en,
                "amount differs from the invoice: ",
                _amount_parts("en"),
                "; correct the ledger",
            ),
        ),
        "check_buyer": (
            _t(
                fix_zh,
                "购方税号不符：台账 ",
                _s(pl.col("_l_buyer")),
                "，发票 ",
                _s(pl.col("_t_buyer")),
                "；发票可能开给了其他纳税人（请联系销方重开），或台账录入有误",
            ),
            _t(
                fix_en,
                "buyer tax ID differs: ledger ",
                _s(pl.col("_l_buyer")),
                ", invoice ",
                _s(pl.col("_t_buyer")),
                "; issued to another taxpayer (ask the seller to reissue) or keyed wrong",
            ),
        ),
        "correct_seller": (
            _t(
                fix_zh,
                "销方税号不符：台账 ",
                _s(pl.col("_l_seller")),
                "，发票 ",
                _s(pl.col("_t_seller")),
                "；请更正台账",
            ),
            _t(
                fix_en,
                "seller tax ID differs: ledger ",
                _s(pl.col("_l_seller")),
                ", invoice ",
                _s(pl.col("_t_seller")),
                "; correct the ledger",
            ),
        ),
        "correct_date": (
            _t(fix_zh, "开票日期不符：台账 ", ld, "，发票 ", td, "；请更正台账"),
            _t(fix_en, "issue date differs: ledger ", ld, ", invoice ", td, "; correct the ledger"),
        ),
        "correct_number": (
            _t(
                "发票号码录入有误：台账为 ",
                lkey,
                "，应为 ",
                tkey,
                "；请更正台账",
                pl.when(pl.col("match_kind").is_in(["excel", "sci"]))
                .then(pl.lit("（Excel 已改写号码：请将号码列设为文本）"))
                .otherwise(pl.lit("")),
            ),
            _t(
                "invoice number keyed wrong: ledger has ",
                lkey,
                ", should be ",
                tkey,
                "; correct the ledger",
                pl.when(pl.col("match_kind").is_in(["excel", "sci"]))
                .then(pl.lit(" (Excel rewrote it: format the column as text)"))
                .otherwise(pl.lit("")),
            ),
        ),
        "reverse_booking": (
            pl.when(voided)
            .then(_t("发票 ", tkey, " 已作废；请冲销该笔入账"))
            .otherwise(_t("发票 ", tkey, " 已全额红冲（红字发票 ", reds, "）；请冲销该笔入账")),
            pl.when(voided)
            .then(_t("invoice ", tkey, " was voided; reverse the booking"))
            .otherwise(
                _t(
                    "invoice ",
                    tkey,
                    " was fully reversed (red invoice ",
                    reds,
                    "); reverse the booking",
                )
            ),
        ),
        "adjust_booking": (
            _t("发票 ", tkey, " 已部分红冲（红字发票 ", reds, "）；请按红字发票调整入账"),
            _t(
                "invoice ",
                tkey,
                " was partly reversed (red invoice ",
                reds,
                "); adjust the booking",
            ),
        ),
        "no_action": (
            _t(
                "发票 ",
                tkey,
                pl.when(voided).then(pl.lit(" 已作废")).otherwise(pl.lit(" 已红冲")),
                "且未入账；无需处理",
            ),
            _t(
                "invoice ",
                tkey,
                pl.when(voided).then(pl.lit(" was voided")).otherwise(pl.lit(" was reversed")),
                " and never booked; no action needed",
            ),
        ),
        "book_remaining": (
            _t("发票 ", tkey, " 已部分红冲（红字发票 ", reds, "）且未入账；请按剩余金额入账"),
            _t(
                "invoice ",
                tkey,
                " was partly reversed (red invoice ",
                reds,
                ") and not booked; book the remaining amount",
            ),
        ),
        "recheck_next_export": (
            _t(
                "发票 ",
                lkey,
                " 开票日期 ",
                ld,
                "，在 ",
                str(sync_days),
                " 天同步期内，税务系统可能尚未同步；请在下次导出后复核",
            ),
            _t(
                "invoice ",
                lkey,
                " issued ",
                ld,
                ", within the ",
                str(sync_days),
                "-day sync window; re-check against the next export",
            ),
        ),
        "reexport_period": (
            _t(
                "发票 ",
                lkey,
                " 开票日期 ",
                ld,
                " 不在导出期间 ",
                ps,
                " 至 ",
                pe,
                " 内；请重新导出覆盖该日期的发票后再对账",
            ),
            _t(
                "invoice ",
                lkey,
                " issued ",
                ld,
                " is outside the export period ",
                ps,
                " to ",
                pe,
                "; re-export covering that date",
            ),
        ),
        "remove_duplicate": (
            _t("发票 ", lkey, " 重复入账（首次入账为台账第 ", first, " 条）；请删除重复记录"),
            _t(
                "invoice ",
                lkey,
                " booked again (first booked as ledger record ",
                first,
                "); remove the duplicate",
            ),
        ),
        "contact_issuer": (
            _t(
                "税务系统中找不到发票 ",
                lkey,
                "（销方 ",
                _s(pl.col("_l_seller")),
                "，价税合计 ",
                _s(pl.col("_l_gross")),
                "）；请联系开票方核实，该发票可能不真实",
            ),
            _t(
                "invoice ",
                lkey,
                " (seller ",
                _s(pl.col("_l_seller")),
                ", gross ",
                _s(pl.col("_l_gross")),
                ") is not in the tax system; contact the issuer, it may not be genuine",
            ),
        ),
        "book_purchase": (
            _t(
                "进项发票 ",
                tkey,
                "（销方 ",
                _s(pl.col("_t_seller")),
                "，价税合计 ",
                _s(pl.col("_t_gross")),
                "）未入账，将无法抵扣；请入账",
            ),
            _t(
                "purchase invoice ",
                tkey,
                " (seller ",
                _s(pl.col("_t_seller")),
                ", gross ",
                _s(pl.col("_t_gross")),
                ") is not booked and loses its deduction; book it",
            ),
        ),
        "book_sale": (
            _t(
                "销项发票 ",
                tkey,
                "（购方 ",
                _s(pl.col("_t_buyer")),
                "，价税合计 ",
                _s(pl.col("_t_gross")),
                "）未入账，属于未申报收入；请入账",
            ),
            _t(
                "sales invoice ",
                tkey,
                " (buyer ",
                _s(pl.col("_t_buyer")),
                ", gross ",
                _s(pl.col("_t_gross")),
                ") is not booked: unreported revenue; book it",
            ),
        ),
        "book_invoice": (
            _t("发票 ", tkey, "（价税合计 ", _s(pl.col("_t_gross")), "）未入账；请核实并入账"),
            _t(
                "invoice ",
                tkey,
                " (gross ",
                _s(pl.col("_t_gross")),
                ") is not booked; check and book it",
            ),
        ),
        "book_red_invoice": (
            _t("红字发票 ", tkey, "（价税合计 ", _s(pl.col("_t_gross")), "）未入账；请入账冲减"),
            _t(
                "red-letter invoice ",
                tkey,
                " (gross ",
                _s(pl.col("_t_gross")),
                ") is not booked; book the reversal",
            ),
        ),
    }


def _side(frame: pl.DataFrame, rows: pl.Series, index: str, prefix: str) -> pl.DataFrame:
    """The rows' values as display text; only those rows are read from the wide frame."""
    columns = [index, "_key", "_date", "_seller", "_buyer", "_net", "_tax", "_gross"]
    columns += ["_status"] if prefix == "_t_" else []
    return frame.select(columns)[rows.drop_nulls().unique()].select(
        pl.col(index),
        pl.col("_key").alias(f"{prefix}key"),
        pl.col("_date").cast(pl.Utf8).alias(f"{prefix}date"),
        pl.col("_seller").alias(f"{prefix}seller"),
        pl.col("_buyer").alias(f"{prefix}buyer"),
        cents_text(pl.col("_net")).alias(f"{prefix}net"),
        cents_text(pl.col("_tax")).alias(f"{prefix}tax"),
        cents_text(pl.col("_gross")).alias(f"{prefix}gross"),
        *([pl.col("_status").alias("_t_status")] if prefix == "_t_" else []),
    )


def add_suggestions(
    results: pl.DataFrame,
    ledger: pl.DataFrame,
    tax: pl.DataFrame,
    *,
    period: tuple[dt.date, dt.date] | None,
    sync_days: int,
) -> pl.DataFrame:
    """``results`` with ``suggestion`` and ``suggestion_en`` columns."""
    results = results.with_row_index("_r")
    plain = results.filter(pl.col("action") == "none").with_columns(
        pl.lit(None, pl.Utf8).alias("suggestion"), pl.lit(None, pl.Utf8).alias("suggestion_en")
    )
    todo = results.filter(pl.col("action") != "none")
    reds = todo.select("_r", "red_rows").explode("red_rows", empty_as_null=True)
    reds = reds.drop_nulls("red_rows")
    red_text = (
        reds.with_columns(tax["_key"].gather(reds["red_rows"]).alias("_key"))
        .group_by("_r")
        .agg(pl.col("_key").str.join("、").alias("_reds"))
    )
    ledger_side = _side(ledger, todo["ledger_row"], "_l", "_l_")
    tax_side = _side(tax, todo["tax_row"], "_t", "_t_")
    todo = (
        todo.join(ledger_side, left_on="ledger_row", right_on="_l", how="left")
        .join(tax_side, left_on="tax_row", right_on="_t", how="left")
        .join(red_text, on="_r", how="left")
    )
    templates = _templates(period, sync_days)
    done = [plain]
    for (action,), group in todo.group_by(pl.col("action").cast(pl.Utf8)):
        text, text_en = templates[str(action)]
        done.append(
            group.with_columns(text.alias("suggestion"), text_en.alias("suggestion_en")).select(
                plain.columns
            )
        )
    return pl.concat(done).sort("_r").drop("_r")
