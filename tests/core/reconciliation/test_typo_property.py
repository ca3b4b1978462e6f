"""Property: any single keying error of a 数电 or legacy number is found and corrected."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from reconcile_cases import AS_OF, COMPANY, T2, booked, legacy, tax_row

from fapiao.core.reconciliation import Category, reconcile

digits = st.text(alphabet="0123456789", min_size=15, max_size=15)


def _damage(value: str, kind: str, i: int, d: str) -> str:
    i %= len(value)
    if kind == "sub":
        return value[:i] + str((int(value[i]) + int(d) + 1) % 10) + value[i + 1 :]
    if kind == "swap":
        i = min(i, len(value) - 2)
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if kind == "drop":
        return value[:i] + value[i + 1 :]
    return value[:i] + d + value[i:]


@settings(max_examples=25, deadline=None)
@given(
    sequence=digits,
    kind=st.sampled_from(["sub", "swap", "drop", "insert"]),
    i=st.integers(0, 30),
    d=st.sampled_from("0123456789"),
    is_digital=st.booleans(),
    wrong_amount=st.booleans(),
)
def test_one_keying_error_is_found(
    sequence: str, kind: str, i: int, d: str, is_digital: bool, wrong_amount: bool
) -> None:
    if is_digital:
        invoice = tax_row(digital_number="25322" + sequence)
        damaged = booked(invoice, digital_number=_damage("25322" + sequence, kind, i, d))
        key = "25322" + sequence
    else:
        invoice = legacy("037002000104", sequence[:8])
        damaged = booked(invoice, number=_damage(sequence[:8], kind, i, d))
        key = f"037002000104-{sequence[:8]}"
    if wrong_amount:
        damaged["gross_amount"] = "9999.99"
    if _key(damaged) == key:  # a swap of two equal digits changes nothing
        return
    rec = reconcile(
        pl.DataFrame([damaged]), pl.DataFrame([invoice, T2]), as_of=AS_OF, company_tax_id=COMPANY
    )
    (result,) = [r for r in rec.iter_results() if r.ledger_row == 0]
    expected = Category.AMOUNT_MISMATCH if wrong_amount else Category.NUMBER_TYPO
    assert result.category is expected
    assert result.corrected_key == key


def _key(row: dict[str, str]) -> str:
    return row["digital_number"] or f"{row['code']}-{row['number']}"
