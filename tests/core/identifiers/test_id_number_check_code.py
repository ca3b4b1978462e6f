import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.errors import InvalidFormat, InvalidLength
from fapiao.core.identifiers import check_code, invoice_number


def test_invoice_number_keeps_leading_zeros():
    parts = invoice_number.parse("01970179")  # real export row
    assert parts.number == "01970179"
    assert parts.sequence == 1970179
    assert invoice_number.format(" 0197 0179 ") == "01970179"


@pytest.mark.parametrize(
    ("value", "error"),
    [("1970179", InvalidLength), ("0197017X", InvalidFormat), ("", InvalidFormat)],
)
def test_invalid_invoice_numbers(value, error):
    with pytest.raises(error):
        invoice_number.validate(value)
    assert not invoice_number.is_valid(value)


def test_check_code_from_real_ofd():
    parts = check_code.parse("16197 83356 74145 07415")
    assert parts.check_code == "16197833567414507415"
    assert parts.last6 == "507415"
    assert check_code.last6("01897109054748898321") == "898321"
    assert check_code.format("01897109054748898321") == "01897 10905 47488 98321"
    assert check_code.is_valid("01897 10905 47488 98321")


@pytest.mark.parametrize(
    ("value", "error"),
    [("1619783356741450741", InvalidLength), ("1619783356741450741X", InvalidFormat)],
)
def test_invalid_check_codes(value, error):
    with pytest.raises(error) as info:
        check_code.validate(value)
    assert value in info.value.message
    assert not check_code.is_valid(value)


@given(st.from_regex(r"\A[0-9]{8}\Z"))
def test_invoice_number_round_trip(number):
    assert invoice_number.validate(invoice_number.format(number)) == number
    assert f"{invoice_number.parse(number).sequence:08d}" == number


@given(st.from_regex(r"\A[0-9]{20}\Z"))
def test_check_code_round_trip(code):
    printed = check_code.format(code)
    assert len(printed.split()) == 4
    assert check_code.parse(printed).check_code == code
    assert check_code.parse(printed).last6 == code[-6:]


def test_valid_invoice_number():
    assert invoice_number.is_valid("83089647")
