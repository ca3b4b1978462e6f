import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import uscc

from fapiao.core.errors import InvalidChecksum, InvalidFormat, InvalidLength
from fapiao.core.identifiers import tax_id

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize(
    ("value", "region", "authority"),
    [
        ("91110108690017781B", "北京", "市场监管（工商）"),  # seller, tax-platform OFD
        ("91460300MAA92DJN95", "海南", "市场监管（工商）"),
        ("52320200509244470T", "江苏", "民政"),  # seller, real 数电 XML
        ("9132020013590404XW", "江苏", "市场监管（工商）"),
        ("92330781MA2EDMFU50", "浙江", "市场监管（工商）"),
        ("913714006968515076", "山东", "市场监管（工商）"),
    ],
)
def test_real_uscc(value, region, authority):
    parts = tax_id.parse(value)
    assert parts.scheme == "uscc"
    assert not parts.is_legacy
    assert parts.region is not None
    assert parts.region.name == region
    assert parts.authority == authority
    assert parts.note is None
    assert not tax_id.is_legacy(value)


def test_uscc_with_unknown_authority_and_area():
    value = "Q1990000" + "000000000"
    value += uscc.calc_check_digit(value)
    parts = tax_id.parse(value)
    assert parts.authority is None
    assert parts.authority_en is None
    assert parts.region is None
    assert parts.area_code == "990000"


def test_compact_uppercases_and_strips():
    assert tax_id.compact(" 9132 0200 1359 0404xw ") == "9132020013590404XW"
    assert tax_id.format("９１１１０１０８６９００１７７８１Ｂ") == "91110108690017781B"


def test_official_sample_ids_are_invalid_on_purpose():
    with pytest.raises(InvalidChecksum) as info:
        tax_id.validate("91440000000000000X")
    assert "“Y”" in info.value.message
    assert "'Y'" in info.value.message_en
    assert not tax_id.is_valid("91440000000000001Y")


def test_uscc_letters_in_area_part():
    with pytest.raises(InvalidFormat) as info:
        tax_id.validate("9144A000000000000X")
    assert "9144A000000000000X" in info.value.message


def test_uscc_forbidden_letter():
    with pytest.raises(InvalidFormat):
        tax_id.validate("91440000MA00000I0X")


@pytest.mark.parametrize("value", ["9144-0000*00000000X", "91440000中00000000"])
def test_bad_characters(value):
    with pytest.raises(InvalidFormat):
        tax_id.validate(value)


@pytest.mark.parametrize("value", ["9144000000000", "9144000000000000000X0"])
def test_bad_lengths(value):
    with pytest.raises(InvalidLength) as info:
        tax_id.validate(value)
    assert "18" in info.value.message_en


def test_legacy_twenty_digits_from_real_ofd():
    parts = tax_id.parse("32040419760706081301")  # seller of the Jiangsu legacy OFD
    assert parts.scheme == "legacy"
    assert parts.is_legacy
    assert parts.region is not None
    assert parts.region.name == "江苏"
    assert parts.note == tax_id.LEGACY_NOTE
    assert tax_id.is_legacy("32040419760706081301")


@pytest.mark.parametrize("value", ["110108600037341", "11010860003734112", "A10108600037341"])
def test_legacy_lengths(value):
    parts = tax_id.parse(value)
    assert parts.is_legacy
    assert parts.scheme == "legacy"


def test_legacy_without_digit_area_has_no_region():
    parts = tax_id.parse("A10108600037341")
    assert parts.area_code is None
    assert parts.region is None


def test_personal_id_as_tax_id():
    base = "11010519491231002"
    value = base + "X"  # the GB 11643 example ID
    parts = tax_id.parse(value)
    assert parts.scheme == "personal_id"
    assert parts.note == tax_id.PERSONAL_NOTE
    assert parts.region is not None
    assert parts.region.name == "北京"


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # wrong check digit
        "110105194913310023",  # month 13
        "990105194912310025",  # unknown area
        "110105180012310020",  # born before 1900
        "11010519491231002",  # 17 characters
        "11010519491231002AX",  # letters
    ],
)
def test_not_personal_ids(value):
    assert not tax_id.is_personal_id(value)


def _uscc_body() -> st.SearchStrategy[str]:
    digits = st.text("0123456789", min_size=8, max_size=8)
    rest = st.text(ALPHABET, min_size=9, max_size=9)
    return st.builds(lambda a, b: a + b, digits, rest)


@given(body=_uscc_body(), position=st.integers(0, 17), replacement=st.sampled_from(ALPHABET))
def test_uscc_check_character(body, position, replacement):
    value = body + uscc.calc_check_digit(body)
    assert tax_id.validate(value) == value
    assert tax_id.format(value) == value
    assert tax_id.parse(tax_id.format(value)).tax_id == value
    if position < 8:
        replacement = str(ALPHABET.index(replacement) % 10)
    assume(replacement != value[position])
    changed = value[:position] + replacement + value[position + 1 :]
    assume(not tax_id.is_personal_id(changed))
    with pytest.raises(InvalidChecksum):
        tax_id.validate(changed)


@pytest.mark.parametrize("value", ["N2110108MA00000000", "Y1110108MA00000000"])
def test_letter_authorities_are_accepted(value):
    body = value[:17]
    number = body + uscc.calc_check_digit(body)
    assert tax_id.is_valid(number)
    assert tax_id.parse(number).authority in {"农业", "其他"}
