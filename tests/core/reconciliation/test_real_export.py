"""The real 全量发票查询 export reconciled against a ledger made from it, with typos keyed in."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from fapiao.config import samples_dir
from fapiao.core.reconciliation import Category, reconcile

EXPORT = samples_dir() / "export" / "全量发票查询导出-取得发票-2021.xlsx"
COMPANY = "91371400MA949RUW2H"
OFFICIAL_NAME = "德州天诚健康体检管理有限公司"


def _typo(value: str, kind: int) -> str:
    if kind == 0:  # one digit substituted
        return value[:5] + str((int(value[5]) + 3) % 10) + value[6:]
    if kind == 1:  # two adjacent digits swapped
        i = next(i for i in range(len(value) - 1) if value[i] != value[i + 1])
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if kind == 2:  # one digit dropped
        return value[:3] + value[4:]
    return value + ".0"  # Excel float


@pytest.mark.samples
def test_real_export_typos_found_and_name_variants_matched() -> None:
    if not EXPORT.exists():
        pytest.skip(f"real sample export not found at {EXPORT} (set FAPIAO_SAMPLES_DIR)")
    from fapiao.core.tabular.export import read_tax_export

    invoices = read_tax_export(EXPORT).invoices
    keys = set((invoices["code"] + "-" + invoices["number"]).to_list())
    ledger = invoices.select(
        "code", "number", "digital_number", "seller_tax_id", "seller_name", "buyer_tax_id",
        pl.lit(OFFICIAL_NAME).alias("buyer_name"), pl.col("issue_date").str.slice(0, 10),
        "net_amount", "tax_amount", "gross_amount",
    )  # fmt: skip
    numbers = ledger["number"].to_list()
    codes = ledger["code"].to_list()
    typos: dict[int, str] = {}
    for row in range(1, ledger.height, 3):
        damaged = _typo(numbers[row], (row // 3) % 4)
        if f"{codes[row]}-{damaged}" in keys:
            continue
        typos[row] = f"{codes[row]}-{numbers[row]}"
        numbers[row] = damaged
    swapped = max(set(range(ledger.height)) - set(typos))
    codes[swapped], numbers[swapped] = numbers[swapped], codes[swapped]
    typos[swapped] = f"{numbers[swapped]}-{codes[swapped]}"
    ledger = ledger.with_columns(pl.Series("number", numbers), pl.Series("code", codes))
    assert len(typos) >= 10

    rec = reconcile(ledger, invoices, as_of=dt.date(2022, 1, 20), company_tax_id=COMPANY)

    by_row = {r.ledger_row: r for r in rec.iter_results() if r.ledger_row is not None}
    assert len(by_row) == ledger.height
    for row, key in typos.items():
        assert by_row[row].category is Category.NUMBER_TYPO, (row, by_row[row])
        assert by_row[row].corrected_key == key
        assert key in by_row[row].suggestion
    others = [r for i, r in by_row.items() if i not in typos]
    assert all(r.category is Category.MATCHED for r in others)
    renamed = [r for r in others if any(d.field == "buyer_name" for d in r.differences)]
    assert renamed  # the export's 德州天诚健康体检有限公司 differs in name only
    assert all(d.severity == "info" for r in renamed for d in r.differences)
    assert rec.results.height == ledger.height  # every export row paired, none left over
    assert rec.period == (dt.date(2021, 9, 1), dt.date(2021, 12, 31))
