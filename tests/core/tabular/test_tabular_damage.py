"""Excel damage to identifiers: scientific notation, trailing .0, lost leading zeros."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tabular_helpers import xlsx_bytes

from fapiao.core.findings import Severity
from fapiao.core.tabular import ColumnSpec, FieldKind, TableSpec, read_table
from fapiao.core.tabular.specs import LEDGER

HEADER = ["发票代码", "发票号码", "数电发票号码", "销方识别号", "金额"]


def _read(*rows: list[object]) -> tuple[list[dict[str, str | None]], list[tuple[str, int, str]]]:
    table = read_table(xlsx_bytes({"台账": [HEADER, *rows]}), spec=LEDGER)
    findings = [(f.code, int(f.values["row"]), f.field or "") for f in table.findings]
    return table.frame.to_dicts(), findings


def test_numbers_stored_as_numbers_are_read_as_digit_strings() -> None:
    frame, findings = _read([37002100107.0, 61515362.0, None, None, 116.5])
    assert frame[0]["number"] == "61515362"
    assert frame[0]["code"] == "037002100107"  # 12-digit code lost its 0
    assert findings == [("tabular.leading_zeros_restored", 2, "code")]


def test_scientific_notation_strings_are_errors_and_not_kept() -> None:
    frame, findings = _read(["011002100511", "61515362", "2.53220E+19", None, 1])
    assert frame[0]["digital_number"] is None
    assert findings == [("tabular.scientific_notation", 2, "digital_number")]


def test_long_numbers_stored_as_numbers_lost_digits() -> None:
    table = read_table(
        xlsx_bytes(
            {
                "台账": [
                    HEADER,
                    [None, None, 25322000000365404822, 913714007242636666, 250],
                    [None, None, "25322000000365404822", "913714007242636666", 250],
                ]
            }
        ),
        spec=LEDGER,
    )
    assert table.frame.get_column("digital_number").to_list() == [None, "25322000000365404822"]
    assert table.frame.get_column("seller_tax_id").to_list() == [None, "913714007242636666"]
    errors = [f for f in table.findings if f.severity is Severity.ERROR]
    assert [(f.code, f.field) for f in errors] == [
        ("tabular.scientific_notation", "digital_number"),
        ("tabular.scientific_notation", "seller_tax_id"),
    ]
    assert errors[0].values["value"] == "2.53220000003654E+19"
    assert "2.53220000003654E+19" in errors[0].message
    assert "第 2 行「数电发票号码」" in errors[0].message
    assert "Row 2, column '数电发票号码'" in errors[0].message_en


def test_lost_leading_zeros_restored_when_certain() -> None:
    frame, findings = _read(["37002100107", "1970179", None, None, 1])
    assert (frame[0]["code"], frame[0]["number"]) == ("037002100107", "01970179")
    assert findings == [
        ("tabular.leading_zeros_restored", 2, "code"),
        ("tabular.leading_zeros_restored", 2, "number"),
    ]


def test_lost_leading_zeros_not_guessed_when_uncertain() -> None:
    frame, findings = _read(["370021001", "61515362", None, None, 1])
    assert frame[0]["code"] == "370021001"  # 9 digits: neither 10 nor 12 by one lost zero
    assert findings == [("tabular.leading_zeros_lost", 2, "code")]


def test_ambiguous_expected_lengths_are_not_repaired() -> None:
    column = ColumnSpec(
        "ref",
        ("编号",),
        kind=FieldKind.IDENTIFIER,
        lengths=frozenset({8, 10}),
        pad_lengths=frozenset({8, 10}),
    )
    table = read_table("编号\n1234567\n".encode(), spec=TableSpec("t", (column,)))
    assert table.frame.get_column("ref").to_list() == ["1234567"]
    assert [f.code for f in table.findings] == ["tabular.leading_zeros_lost"]
    assert table.findings[0].severity is Severity.ERROR


def test_trailing_zero_decimal_is_dropped_with_an_info() -> None:
    frame, findings = _read(["037002100107.0", "61515362.0", None, None, 1])
    assert (frame[0]["code"], frame[0]["number"]) == ("037002100107", "61515362")
    assert findings == [
        ("tabular.trailing_zero_decimal", 2, "code"),
        ("tabular.trailing_zero_decimal", 2, "number"),
    ]


def test_trailing_zero_then_lost_zero() -> None:
    frame, findings = _read(["37002100107.0", "1970179.0", None, None, 1])
    assert (frame[0]["code"], frame[0]["number"]) == ("037002100107", "01970179")
    assert sorted(code for code, _, _ in findings) == [
        "tabular.leading_zeros_restored",
        "tabular.leading_zeros_restored",
        "tabular.trailing_zero_decimal",
        "tabular.trailing_zero_decimal",
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("'011002100511", "011002100511"),  # Excel's text prefix
        ('="011002100511"', "011002100511"),  # the formula trick of CSV exports
        ("\t011002100511", "011002100511"),  # the tab trick
        ("０１１００２１００５１１", "011002100511"),  # full-width digits
    ],
)
def test_text_tricks_around_identifiers_are_undone(cell: str, expected: str) -> None:
    table = read_table(f"发票代码,发票号码\n{cell},61515362\n".encode(), spec=LEDGER)
    assert table.frame.get_column("code").to_list() == [expected]
    assert table.findings == []


def test_letters_in_tax_ids_are_left_alone() -> None:
    frame, findings = _read([None, "61515362", None, "91371400MA949RUW2H", 1])
    assert frame[0]["seller_tax_id"] == "91371400MA949RUW2H"
    assert findings == []


def test_rows_are_counted_in_the_sheet() -> None:
    frame, findings = _read(
        ["011002100511", "61515362", None, None, 1],
        [None, None, None, None, None],
        ["011002100511", "1970179", None, None, 1],
    )
    assert len(frame) == 2
    assert findings == [("tabular.leading_zeros_restored", 4, "number")]


@given(st.integers(min_value=0, max_value=99_999_999))
@settings(max_examples=200, deadline=None)
def test_eight_digit_numbers_survive_a_numeric_round_trip(value: int) -> None:
    number = f"{value:08d}"
    table = read_table(f"发票号码\n{value}\n".encode(), spec=LEDGER)
    assert table.frame.get_column("number").to_list() == [number]
    codes = [f.code for f in table.findings]
    assert codes == (["tabular.leading_zeros_restored"] if number.startswith("0") else [])


@given(st.from_regex(r"0[1-9][0-9]{10}", fullmatch=True))
@settings(max_examples=20, deadline=None)
def test_twelve_digit_codes_stored_as_numbers_come_back(code: str) -> None:
    table = read_table(
        xlsx_bytes({"S": [["发票代码", "发票号码"], [float(code), "61515362"]]}), spec=LEDGER
    )
    (row,) = table.rows()
    assert row == (2, {"code": code, "number": "61515362"})
    assert [f.code for f in table.row_findings(2)] == ["tabular.leading_zeros_restored"]
    assert table.row_findings(3) == []
