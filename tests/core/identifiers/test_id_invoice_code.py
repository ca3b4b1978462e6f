import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.errors import InvalidComponent, InvalidFormat, InvalidLength
from fapiao.core.identifiers import invoice_code, regions
from fapiao.core.invoice import InvoiceKind

REGION4 = sorted({f"{c}00" for c in regions.PROVINCES} | set(regions.CITIES))


@pytest.mark.parametrize(
    ("code", "region", "year", "kind", "name"),
    [
        # real codes: Zhejiang OFD, Jiangsu OFD, export rows (Beijing, Shandong)
        ("033002000211", "浙江", 2020, InvoiceKind.VAT_ORDINARY_ELECTRONIC, "增值税电子普通发票"),
        ("032001600511", "江苏", 2016, InvoiceKind.VAT_ORDINARY_ELECTRONIC, "增值税电子普通发票"),
        ("011002100511", "北京", 2021, InvoiceKind.VAT_ORDINARY_ELECTRONIC, "增值税电子普通发票"),
        ("037002100107", "山东", 2021, InvoiceKind.VAT_ORDINARY_ROLL, "增值税普通发票（卷票）"),
        ("037001700207", "山东", 2017, InvoiceKind.VAT_ORDINARY_ROLL, "增值税普通发票（卷票）"),
        ("044031900112", "深圳", 2019, InvoiceKind.TOLL, "通行费电子普通发票"),
        ("011002000113", "北京", 2020, InvoiceKind.VAT_SPECIAL_ELECTRONIC, "增值税电子专用发票"),
        ("037021900105", "青岛", 2019, InvoiceKind.VAT_ORDINARY_PAPER, "增值税普通发票（折叠票）"),
        ("037021900106", "青岛", 2019, InvoiceKind.VAT_ORDINARY_ROLL, "增值税普通发票（卷票）"),
    ],
)
def test_twelve_digit_codes(code, region, year, kind, name):
    parts = invoice_code.parse(code)
    assert (parts.region.name, parts.year, parts.kind, parts.kind_name) == (
        region,
        year,
        kind,
        name,
    )
    assert parts.ambiguous is None
    assert parts.kinds == {kind}
    assert not parts.is_blockchain
    assert parts.copies is None


def test_code_ending_04_is_ambiguous():
    parts = invoice_code.parse("037002000104")  # real export row
    assert parts.kind is InvoiceKind.VAT_ORDINARY_PAPER
    assert parts.alternative_kind is InvoiceKind.DIGITAL_PAPER_ORDINARY
    assert parts.kinds == {InvoiceKind.VAT_ORDINARY_PAPER, InvoiceKind.DIGITAL_PAPER_ORDINARY}
    assert parts.ambiguous is not None
    assert "数电纸质" in parts.ambiguous[0]
    assert "digital-era paper" in parts.ambiguous[1]


def test_shenzhen_blockchain_code():
    parts = invoice_code.parse("144031909110")
    assert parts.is_blockchain
    assert parts.region.name == "深圳"
    assert parts.kind is InvoiceKind.VAT_ORDINARY_ELECTRONIC
    assert parts.ambiguous is None


@pytest.mark.parametrize(
    ("code", "kind", "copies", "version"),
    [
        ("1100194130", InvoiceKind.VAT_SPECIAL_PAPER, 3, "0"),
        ("4403191160", InvoiceKind.VAT_SPECIAL_PAPER, 6, "0"),
        ("3200172320", InvoiceKind.VAT_ORDINARY_PAPER, 2, "0"),
        ("3700183640", InvoiceKind.VAT_ORDINARY_PAPER, 4, "0"),
        ("1100152221", InvoiceKind.VAT_SPECIAL_PAPER, 2, "1"),
    ],
)
def test_ten_digit_codes(code, kind, copies, version):
    parts = invoice_code.parse(code)
    assert (parts.kind, parts.copies, parts.amount_version) == (kind, copies, version)
    assert parts.batch == code[6]


def test_freight_special_invoice():
    assert invoice_code.parse("1100137230").kind_name == "货物运输业增值税专用发票"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("03300200021", InvalidLength),
        ("0330020002111", InvalidLength),
        ("03300200021A", InvalidFormat),
        ("1100194110", InvalidFormat),  # copies digit 1
        ("1100194135", InvalidFormat),  # amount version 5
        ("1100194430", InvalidComponent),  # kind 4 unknown
        ("9900194130", InvalidComponent),  # region 99
        ("033002000299", InvalidComponent),  # kind 99 unknown
        ("233002000211", InvalidComponent),  # leading 2
        ("099002000211", InvalidComponent),  # region 9900
    ],
)
def test_invalid_codes(code, error):
    with pytest.raises(error) as info:
        invoice_code.validate(code)
    assert info.value.message
    assert info.value.message_en
    assert not invoice_code.is_valid(code)


def test_leading_zero_and_spaces_kept():
    assert invoice_code.compact(" 0330 0200 0211 ") == "033002000211"
    assert invoice_code.format("033002000211") == "033002000211"
    assert invoice_code.is_valid("033002000211")


@given(
    region=st.sampled_from(REGION4),
    year=st.integers(0, 99),
    batch=st.integers(0, 9),
    kind=st.sampled_from(sorted(invoice_code.KINDS_10)),
    copies=st.integers(2, 9),
    version=st.integers(0, 4),
)
def test_ten_digit_round_trip(region, year, batch, kind, copies, version):
    code = f"{region}{year:02d}{batch}{kind}{copies}{version}"
    parts = invoice_code.parse(invoice_code.format(code))
    rebuilt = (
        f"{region}{parts.year % 100:02d}{parts.batch}{parts.kind_digits}"
        f"{parts.copies}{parts.amount_version}"
    )
    assert rebuilt == code == parts.code
    assert parts.kind is invoice_code.KINDS_10[kind][0]


@given(
    region=st.sampled_from(REGION4),
    year=st.integers(0, 99),
    batch=st.integers(0, 999),
    kind=st.sampled_from(sorted(invoice_code.KINDS_12)),
)
def test_twelve_digit_round_trip(region, year, batch, kind):
    code = f"0{region}{year:02d}{batch:03d}{kind}"
    parts = invoice_code.parse(code)
    assert f"0{region}{parts.year % 100:02d}{parts.batch}{parts.kind_digits}" == code
    assert invoice_code.validate(invoice_code.format(code)) == code
    assert (parts.ambiguous is not None) is (kind == "04")
