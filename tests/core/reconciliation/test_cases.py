"""The hand-written reconciliation cases: every expected result, and nothing else."""

from __future__ import annotations

import polars as pl
import pytest
from reconcile_cases import CASES, Case

from fapiao.core.reconciliation import reconcile
from fapiao.core.reconciliation.normalize import CANONICAL_COLUMNS


def _key(row: dict[str, str]) -> str:
    digital = row.get("digital_number") or ""
    if digital and digital != "--":
        return digital
    return f"{row['code']}-{row['number']}"


def _frames(case: Case) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    columns = [*CANONICAL_COLUMNS[:11], "operator", "batch", "voucher"]
    ledger = pl.DataFrame(case.ledger, schema=dict.fromkeys(columns, pl.Utf8))
    which = case.exports or [0] * len(case.tax)
    exports = []
    for n in range(max(which, default=0) + 1):
        rows = [r for r, w in zip(case.tax, which, strict=True) if w == n]
        columns = sorted({c for r in rows for c in r})
        exports.append(
            pl.DataFrame(
                [{c: r.get(c) for c in columns} for r in rows],
                schema=dict.fromkeys(columns, pl.Utf8),
            )
        )
    return ledger, exports


def _run(case: Case):
    ledger, exports = _frames(case)
    return reconcile(
        ledger,
        exports,
        as_of=case.as_of,
        period=case.period,
        sync_days=case.sync_days,
        company_tax_id=case.company_tax_id,
    )


def test_there_are_at_least_fifty_cases() -> None:
    assert len(CASES) >= 50
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case) -> None:
    rec = _run(case)
    got = set()
    for r in rec.iter_results():
        tax_key = rec.tax["_key"][r.tax_row] if r.tax_row is not None else None
        red_keys = tuple(sorted(_key(x) for x in r.red))
        got.add((r.category.value, r.action, r.ledger_row, tax_key, r.corrected_key, red_keys))
        assert r.suggestion
        assert r.suggestion_en
        assert "None" not in r.suggestion
    want = {
        (
            e.category,
            e.action,
            e.ledger,
            None if e.tax is None else _key(case.tax[e.tax]),
            e.corrected,
            tuple(sorted(_key(case.tax[i]) for i in e.red)),
        )
        for e in case.expect
    }
    assert got == want
    assert rec.results.height == len(case.expect)
