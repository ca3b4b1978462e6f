import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.errors import InvalidComponent, InvalidFormat, InvalidLength
from fapiao.core.identifiers import digital_number, regions

REGION_CODES = sorted(set(regions.PROVINCES) | {"91", "92", "93", "94", "95"})


def test_real_number_from_xml_sample():
    parts = digital_number.parse("25322000000365404822")
    assert parts.year == 2025
    assert parts.region.region.name == "江苏"
    assert parts.channel == "2"
    assert parts.channel_name == "电子发票服务平台"
    assert parts.sequence == "000000365404822"
    assert parts.notes == ()


def test_official_sample_has_an_unobserved_channel():
    parts = digital_number.parse("23440000000000100001")
    assert parts.channel == "0"
    assert parts.channel_name is None
    assert parts.channel_name_en is None
    assert "0" in parts.notes[0][0]
    assert "'0'" in parts.notes[0][1]


def test_unverified_region_is_noted():
    parts = digital_number.parse("24912000000000000001")
    assert parts.region.region.name == "大连"
    assert not parts.region.verified
    assert any("91" in note for note, _ in parts.notes)


@pytest.mark.parametrize(
    ("channel", "name_en"),
    [("2", "platform"), ("7", "Leqi"), ("9", "Railway"), ("4", "unconfirmed")],
)
def test_channels(channel, name_en):
    parts = digital_number.parse(f"2511{channel}000000000000001")
    assert name_en in (parts.channel_name_en or "")


def test_spaces_and_full_width_digits():
    assert digital_number.compact(" 2532 2000 0003 6540 4822 ") == "25322000000365404822"
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "25322000000365404822")
    assert digital_number.validate(full_width) == "25322000000365404822"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("2532200000036540482", InvalidLength),
        ("2532200000036540482A", InvalidFormat),
        ("20322000000365404822", InvalidComponent),  # year 2020: before 数电
        ("25002000000365404822", InvalidComponent),  # region 00
        ("25962000000365404822", InvalidComponent),  # region 96
    ],
)
def test_invalid(value, error):
    with pytest.raises(error) as info:
        digital_number.validate(value)
    assert info.value.message
    assert info.value.message_en
    assert not digital_number.is_valid(value)


@given(
    year=st.integers(21, 99),
    region=st.sampled_from(REGION_CODES),
    channel=st.sampled_from("0123456789"),
    sequence=st.from_regex(r"\A[0-9]{15}\Z"),
)
def test_parse_format_round_trip(year, region, channel, sequence):
    number = f"{year:02d}{region}{channel}{sequence}"
    assert digital_number.is_valid(number)
    assert digital_number.validate(digital_number.format(number)) == number
    parts = digital_number.parse(" ".join(number[i : i + 4] for i in range(0, 20, 4)))
    assert parts.number == number
    assert f"{parts.year % 100:02d}{parts.region.code}{parts.channel}{parts.sequence}" == number
