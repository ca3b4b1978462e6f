"""Synthetic ledgers and exports with ground truth (合成对账数据), for tests and benchmarks.

:func:`generate` writes a 取得发票 export (canonical layout of ``fapiao.core.tabular``) and the
ledger a company would have booked from it, then injects every cause of issue 4 at known rates:
typos of every kind (one substituted digit, a transposition, a dropped or inserted digit,
code/number swapped, Excel damage), typos that also carry an amount or date error, typos that land
on another real number, wrong amounts, dates, buyers and sellers, voided and red-reversed
invoices, duplicates, not-yet-synced, out-of-period, missing-in-tax and missing-in-ledger rows.
The truth frame says, per ledger row and per export-only row, the expected category, the export
key it must pair with, and the corrected key a typo must propose.  Bench and tests share it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

COMPANY_TAX_ID = "91371400MA949RUW2H"
COMPANY_NAME = "德州天诚健康体检管理有限公司"
COMPANY_NAME_VARIANT = "德州天诚健康体检有限公司"
PERIOD = (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
AS_OF = dt.date(2025, 6, 30)
_LAST_EXPORTED = dt.date(2025, 6, 26)
_OPERATORS = ("张三", "李四", "王五", "赵六", "钱七", "孙八")
_RATES = (1300, 600, 900, 300, 100)  # basis points

WEIGHTS: dict[str, float] = {
    "typo": 0.20,
    "typo_amount": 0.04,
    "typo_date": 0.04,
    "collision": 0.04,
    "amount": 0.08,
    "date": 0.06,
    "buyer": 0.04,
    "seller": 0.04,
    "voided": 0.05,
    "voided_unbooked": 0.02,
    "red_full": 0.04,
    "red_partial": 0.03,
    "duplicate": 0.06,
    "not_synced": 0.04,
    "outside": 0.04,
    "missing_in_tax": 0.06,
    "missing_in_ledger": 0.08,
}
"""Share of the injected discrepancies per cause (the total is ``rate`` of the invoices)."""


@dataclass(frozen=True)
class Synthetic:
    """A generated ledger, its export, and the ground truth."""

    ledger: pl.DataFrame
    export: pl.DataFrame
    truth: pl.DataFrame
    as_of: dt.date
    company_tax_id: str


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray[Any, Any]:
    values = rng.integers(0, 10, size=(n, width), dtype=np.int8) + ord("0")
    return values.astype(np.uint8).view(f"S{width}").ravel().astype(str)


def _money(cents: np.ndarray[Any, Any]) -> list[str]:
    return [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()]


def _base(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """``n`` distinct invoices of a 取得发票 export (80 % 数电, 20 % legacy)."""
    digital = rng.random(n) < 0.8
    regions = np.array(["11", "31", "32", "33", "37", "44", "51", "95"])
    dn = np.char.add(
        np.char.add("25", regions[rng.integers(0, len(regions), n)]),
        np.char.add("2", _digits(rng, n, 15)),
    )
    codes_pool = np.char.add(
        np.char.add(
            "0", np.array(["1100", "3700", "3702", "4403"])[rng.integers(0, 4, max(8, n // 500))]
        ),
        np.char.add("25", np.char.add(_digits(rng, max(8, n // 500), 3), "11")),
    )
    code = codes_pool[rng.integers(0, len(codes_pool), n)]
    number = np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8)
    sellers = max(50, n // 20)
    seller_ids = np.char.add(
        "91", np.char.add(_digits(rng, sellers, 6), np.char.add("MA", _digits(rng, sellers, 8)))
    )
    seller_pick = rng.integers(0, sellers, n)
    net = (rng.lognormal(8.0, 1.3, n) * 1).astype(np.int64) + 100
    rate = np.array(_RATES)[rng.integers(0, len(_RATES), n)]
    tax = (net * rate + 5000) // 10000
    days = (_LAST_EXPORTED - PERIOD[0]).days + 1
    dates = np.datetime64(PERIOD[0]) + rng.integers(0, days, n).astype("timedelta64[D]")
    seconds = rng.integers(0, 86400, n)
    times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in seconds.tolist()]
    frame = pl.DataFrame(
        {
            "code": np.where(digital, "", code),
            "number": np.where(digital, "", number),
            "digital_number": np.where(digital, dn, "--"),
            "seller_tax_id": seller_ids[seller_pick],
            "seller_name": [f"供应商{i}有限公司" for i in seller_pick.tolist()],
            "buyer_tax_id": COMPANY_TAX_ID,
            "buyer_name": COMPANY_NAME,
            "issue_date": [
                f"{d} {t}" for d, t in zip(dates.astype(str).tolist(), times, strict=True)
            ],
            "net_amount": _money(net),
            "tax_amount": _money(tax),
            "gross_amount": _money(net + tax),
            "source": np.where(digital, "电子发票服务平台", "增值税发票管理系统"),
            "kind_label": np.where(digital, "数电发票（普通发票）", "增值税电子普通发票"),
            "status": "正常",
            "is_positive": "是",
            "risk_level": "正常",
            "drawer": "开票员",
            "remark": "",
        }
    )
    key = (
        pl.when(pl.col("digital_number") != "--")
        .then(pl.col("digital_number"))
        .otherwise(pl.concat_str(["code", "number"], separator="-"))
    )
    return frame.with_columns(key.alias("_key")).unique("_key", keep="first", maintain_order=True)


def _key_of(row: dict[str, Any]) -> str:
    if row["digital_number"] not in ("", "--", None):
        return str(row["digital_number"])
    return f"{row['code']}-{row['number']}"


class _Typist:
    """Makes one keying error of a given kind, never landing on a known key."""

    def __init__(self, rng: np.random.Generator, known: set[str]) -> None:
        self.rng = rng
        self.known = known

    def damage(self, row: dict[str, Any], kind: str) -> dict[str, Any] | None:
        digital = row["digital_number"] not in ("", "--")
        field = "digital_number" if digital else "number"
        value = str(row[field])
        rng = self.rng
        out = dict(row)
        i = int(rng.integers(0, len(value)))
        if kind == "sub":
            new = value[:i] + str((int(value[i]) + int(rng.integers(1, 10))) % 10) + value[i + 1 :]
        elif kind == "swap":
            j = min(i, len(value) - 2)
            if value[j] == value[j + 1]:
                return None
            new = value[:j] + value[j + 1] + value[j] + value[j + 2 :]
        elif kind == "drop":
            new = value[:i] + value[i + 1 :]
        elif kind == "insert":
            new = value[:i] + str(int(rng.integers(0, 10))) + value[i:]
        elif kind == "sci" and digital:
            new = f"{int(value):.14E}".replace("E+", "E+")
            mantissa, exponent = new.split("E")
            new = f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"
        elif kind == "codeswap" and not digital:
            out["code"], out["number"] = row["number"], row["code"]
            return out if _key_of(out) not in self.known else None
        elif kind == "zeros" and not digital:
            out["code"] = str(row["code"]).lstrip("0")
            if str(row["number"]).startswith("0"):
                out["number"] = str(row["number"]).lstrip("0") or "0"
            return out
        elif kind == "float" and not digital:
            out["number"] = f"{row['number']}.0"
            return out
        else:
            return None
        if new in self.known or new == value:
            return None
        out[field] = new
        self.known.add(new if digital else f"{row['code']}-{new}")
        return out

    def typo(self, row: dict[str, Any], kinds: tuple[str, ...]) -> dict[str, Any]:
        for _ in range(50):
            out = self.damage(row, kinds[int(self.rng.integers(0, len(kinds)))])
            if out is not None:
                return out
        raise RuntimeError("no typo possible")  # pragma: no cover


def _ledger_copy(row: dict[str, Any], operator: str, batch: str, voucher: int) -> dict[str, Any]:
    return {
        "code": row["code"],
        "number": row["number"],
        "digital_number": "" if row["digital_number"] == "--" else row["digital_number"],
        "seller_tax_id": row["seller_tax_id"],
        "seller_name": row["seller_name"],
        "buyer_tax_id": row["buyer_tax_id"],
        "buyer_name": row["buyer_name"],
        "issue_date": str(row["issue_date"])[:10],
        "net_amount": row["net_amount"],
        "tax_amount": row["tax_amount"],
        "gross_amount": row["gross_amount"],
        "operator": operator,
        "batch": batch,
        "voucher": f"记-{voucher:06d}",
    }


def _shift(date_text: str, days: int) -> str:
    day = dt.date.fromisoformat(date_text[:10]) + dt.timedelta(days=days)
    return day.isoformat() + date_text[10:]


def _other_day(date_text: str, rng: np.random.Generator) -> str:
    """Another day inside the exported dates (so the inferred period stays the same)."""
    span = (_LAST_EXPORTED - PERIOD[0]).days
    day = dt.date.fromisoformat(date_text[:10])
    offset = (day - PERIOD[0]).days
    other = PERIOD[0] + dt.timedelta(days=(offset + int(rng.integers(5, span - 5))) % span)
    return other.isoformat() + date_text[10:]


def _cents(text: str) -> int:
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((frac + "00")[:2]))


def _text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def generate(n: int, *, rate: float = 0.03, seed: int = 0) -> Synthetic:
    """A 取得发票 export of about ``n`` invoices, its ledger, and the ground truth.

    ``rate`` of the invoices carry a discrepancy, spread over the causes by :data:`WEIGHTS`.
    Truth columns: ``side`` (ledger/tax), ``row``, ``category``, ``tax_key`` (the export invoice
    the row must pair with, or the blue invoice a red one is attached to), ``corrected_key``.
    """
    rng = np.random.default_rng(seed)
    counts = {k: round(n * rate * w) for k, w in WEIGHTS.items()}
    new_rows = counts["not_synced"] + counts["outside"] + counts["missing_in_tax"]
    base = _base(n + new_rows, rng)
    total = base.height
    order = rng.permutation(total)
    cause = np.full(total, "matched", dtype=object)
    start = 0
    for name, count in counts.items():
        cause[order[start : start + count]] = name
        start += count
    base = base.with_columns(pl.Series("_cause", cause.astype(str)))
    known = set(base["_key"].to_list())
    typist = _Typist(rng, known)
    ledger_only = ("not_synced", "outside", "missing_in_tax")
    unbooked = ("missing_in_ledger", "voided_unbooked")
    sellers = base["seller_tax_id"].unique(maintain_order=True).to_list()
    status = {"voided": "已作废", "voided_unbooked": "已作废", "red_full": "已红冲-全额"}
    status["red_partial"] = "已红冲-部分"
    export = base.filter(~pl.col("_cause").is_in(ledger_only)).with_columns(
        pl.col("_cause").replace_strict(status, default="正常").alias("status")
    )
    plain = export.filter(pl.col("_cause").is_in(["matched", "voided", "red_full", "red_partial"]))
    ledger_plain = plain.select(
        "code",
        "number",
        pl.col("digital_number").replace("--", ""),
        "seller_tax_id",
        "seller_name",
        "buyer_tax_id",
        pl.when(pl.Series(rng.random(plain.height) < 0.05))
        .then(pl.lit(COMPANY_NAME_VARIANT))
        .otherwise(pl.col("buyer_name"))
        .alias("buyer_name"),
        pl.col("issue_date").str.slice(0, 10),
        "net_amount",
        "tax_amount",
        "gross_amount",
        pl.Series(np.array(_OPERATORS)[rng.integers(0, len(_OPERATORS), plain.height)]).alias(
            "operator"
        ),
        pl.concat_str([pl.col("issue_date").str.slice(0, 7), pl.lit("-B1")]).alias("batch"),
        pl.format("记-{}", pl.int_range(pl.len())).alias("voucher"),
        pl.col("_cause")
        .replace_strict(
            {"voided": "VOIDED", "red_full": "RED_REVERSED", "red_partial": "RED_REVERSED"},
            default="MATCHED",
        )
        .alias("_category"),
        pl.col("_key").alias("_tax_key"),
        pl.lit(None, pl.Utf8).alias("_corrected"),
    )
    extra_ledger: list[dict[str, Any]] = []
    extra_export: list[dict[str, Any]] = []
    export_truth: list[dict[str, Any]] = []
    columns = [c for c in export.columns if not c.startswith("_")]
    sloppy = "王五"

    def book(row: dict[str, Any], category: str, corrected: str | None = None, **kw: Any) -> None:
        entry = _ledger_copy(row, sloppy if rng.random() < 0.5 else "张三", "2025-06-B9", 0)
        entry.update(kw)
        entry.update(_category=category, _tax_key=row["_key"], _corrected=corrected)
        extra_ledger.append(entry)

    typo_kinds = ("sub", "swap", "drop", "insert", "sci", "codeswap", "zeros", "float")
    for row in base.filter(~pl.col("_cause").is_in(["matched"])).iter_rows(named=True):
        c, key = row["_cause"], row["_key"]
        if c in ("typo", "typo_amount", "typo_date"):
            damaged = typist.typo(row, typo_kinds if c == "typo" else ("sub", "swap", "drop"))
            ids = {f: damaged[f] for f in ("code", "number", "digital_number")}
            ids["digital_number"] = "" if ids["digital_number"] == "--" else ids["digital_number"]
            more: dict[str, Any] = {}
            category = "NUMBER_TYPO"
            if c == "typo_amount":
                gross = _cents(row["gross_amount"]) + int(rng.integers(1, 50000))
                more = {
                    "gross_amount": _text(gross),
                    "net_amount": _text(gross - _cents(row["tax_amount"])),
                }
                category = "AMOUNT_MISMATCH"
            elif c == "typo_date":
                more = {"issue_date": _shift(row["issue_date"][:10], -int(rng.integers(1, 20)))}
                category = "DATE_MISMATCH"
            book(row, category, key, **ids, **more)
        elif c == "collision":
            neighbour = typist.typo(row, ("sub",))
            other = dict(row)
            other.update(
                code=neighbour["code"],
                number=neighbour["number"],
                digital_number=neighbour["digital_number"],
                seller_tax_id=sellers[int(rng.integers(0, len(sellers)))],
                gross_amount=_text(_cents(row["gross_amount"]) + 12345),
                issue_date=_other_day(row["issue_date"], rng),
            )
            other["_key"] = _key_of(other)
            extra_export.append(other)
            export_truth.append({"category": "MISSING_IN_LEDGER", "tax_key": other["_key"]})
            ids = {f: other[f] for f in ("code", "number", "digital_number")}
            ids["digital_number"] = "" if ids["digital_number"] == "--" else ids["digital_number"]
            book(row, "NUMBER_TYPO", key, **ids)
        elif c == "amount":
            gross = _cents(row["gross_amount"]) + int(rng.choice([-1, 1]) * rng.integers(1, 100000))
            book(row, "AMOUNT_MISMATCH", gross_amount=_text(gross))
        elif c == "date":
            book(
                row,
                "DATE_MISMATCH",
                issue_date=_shift(row["issue_date"][:10], int(rng.integers(1, 25))),
            )
        elif c == "buyer":
            book(row, "BUYER_MISMATCH", buyer_tax_id="91110108675734440R")
        elif c == "seller":
            other_seller = sellers[int(rng.integers(0, len(sellers)))]
            if other_seller == row["seller_tax_id"]:
                other_seller = "91310000MA1FL4TE0B"
            book(row, "SELLER_MISMATCH", seller_tax_id=other_seller)
        elif c == "duplicate":
            book(row, "MATCHED")
            book(row, "DUPLICATE_IN_LEDGER")
            extra_ledger[-1]["_tax_key"] = None
        elif c in ("red_full", "red_partial"):
            red = dict(row)
            fresh = "25372" + "".join(str(d) for d in rng.integers(0, 10, 15))
            gross = _cents(row["gross_amount"])
            part = gross if c == "red_full" else max(1, gross // 3)
            tax_part = _cents(row["tax_amount"]) * part // max(gross, 1)
            blue = (
                f"被红冲蓝字数电发票号码：{key}"
                if row["digital_number"] != "--"
                else f"对应正数发票代码:{row['code']}号码:{row['number']}"
            )
            red.update(
                code="", number="", digital_number=fresh, status="正常", is_positive="否",
                gross_amount=_text(-part), tax_amount=_text(-tax_part),
                net_amount=_text(-(part - tax_part)), remark=blue,
            )  # fmt: skip
            red["_key"] = fresh
            extra_export.append(red)
            export_truth.append({"category": "RED_ATTACHED", "tax_key": key, "red_key": fresh})
        elif c in unbooked:
            category = "VOIDED" if c == "voided_unbooked" else "MISSING_IN_LEDGER"
            export_truth.append({"category": category, "tax_key": key})
        elif c in ledger_only:
            if c == "not_synced":
                date = AS_OF - dt.timedelta(days=int(rng.integers(0, 4)))
                category = "NOT_YET_SYNCED"
            elif c == "outside":
                date = dt.date(2025, 3, 1) + dt.timedelta(days=int(rng.integers(0, 31)))
                category = "OUTSIDE_EXPORT_PERIOD"
            else:
                date = PERIOD[0] + dt.timedelta(days=int(rng.integers(0, 80)))
                category = "MISSING_IN_TAX"
            book(row, category, issue_date=date.isoformat())
            extra_ledger[-1]["_tax_key"] = None

    export = pl.concat(
        [export.select(*columns, "_key"), pl.DataFrame(extra_export).select(*columns, "_key")]
        if extra_export
        else [export.select(*columns, "_key")]
    )
    ledger = pl.concat(
        [ledger_plain, pl.DataFrame(extra_ledger, schema=ledger_plain.schema)]
        if extra_ledger
        else [ledger_plain]
    )
    truth_ledger = ledger.select(
        pl.lit("ledger").alias("side"),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
        pl.col("_category").alias("category"),
        pl.col("_tax_key").alias("tax_key"),
        pl.col("_corrected").alias("corrected_key"),
        pl.lit(None, pl.Utf8).alias("red_key"),
    )
    truth_tax = pl.DataFrame(
        export_truth,
        schema={"category": pl.Utf8, "tax_key": pl.Utf8, "red_key": pl.Utf8},
    ).select(
        pl.lit("tax").alias("side"),
        pl.lit(None, pl.UInt32).alias("row"),
        "category",
        "tax_key",
        pl.lit(None, pl.Utf8).alias("corrected_key"),
        "red_key",
    )
    return Synthetic(
        ledger=ledger.drop("_category", "_tax_key", "_corrected"),
        export=export.drop("_key"),
        truth=pl.concat([truth_ledger, truth_tax]),
        as_of=AS_OF,
        company_tax_id=COMPANY_TAX_ID,
    )


EXPORT_HEADERS: dict[str, str] = {
    "code": "发票代码",
    "number": "发票号码",
    "digital_number": "数电发票号码",
    "seller_tax_id": "销方识别号",
    "seller_name": "销方名称",
    "buyer_tax_id": "购方识别号",
    "buyer_name": "购买方名称",
    "issue_date": "开票日期",
    "net_amount": "金额",
    "tax_amount": "税额",
    "gross_amount": "价税合计",
    "source": "发票来源",
    "kind_label": "发票票种",
    "status": "发票状态",
    "is_positive": "是否正数发票",
    "risk_level": "发票风险等级",
    "drawer": "开票人",
    "remark": "备注",
}
"""Canonical column -> header of the 全量发票查询 export (sheet 发票基础信息)."""

LEDGER_HEADERS: dict[str, str] = {
    **{k: EXPORT_HEADERS[k] for k in list(EXPORT_HEADERS)[:11]},
    "operator": "录入人",
    "batch": "批次",
    "voucher": "凭证号",
}
"""Canonical column -> header of a typical ledger (台账) sheet."""


def export_layout(export: pl.DataFrame) -> pl.DataFrame:
    """The export as the tax bureau lays it out: 序号 first, Chinese headers."""
    body = export.select([pl.col(c).alias(h) for c, h in EXPORT_HEADERS.items()])
    return body.insert_column(0, pl.Series("序号", [str(i + 1) for i in range(body.height)]))


def ledger_layout(ledger: pl.DataFrame) -> pl.DataFrame:
    """The ledger with Chinese headers."""
    return ledger.select([pl.col(c).alias(h) for c, h in LEDGER_HEADERS.items()])
