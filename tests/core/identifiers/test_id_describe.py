import json

import pytest

from fapiao.core.errors import InvalidFormat
from fapiao.core.identifiers import describe
from fapiao.core.identifiers.describe import MAYBE_CHECK_CODE
from fapiao.core.invoice import InvoiceKind


def test_digital_number():
    found = describe("24112000000048542163")
    assert found.identifier_type == "digital_number"
    assert found.valid
    assert found.region is not None
    assert found.region.name == "北京"
    assert found.year == 2024
    assert found.channel == "2"
    assert MAYBE_CHECK_CODE[0] in found.notes
    assert MAYBE_CHECK_CODE[1] in found.notes_en
    lines = found.lines()
    assert lines[0] == "类型 Type: 数电票号码 Digital invoice number"
    assert "地区 Region: 北京 Beijing" in lines
    assert "年份 Year: 2024" in lines
    assert any(line.startswith("渠道 Channel: 2 电子发票服务平台") for line in lines)


def test_digital_number_with_unverified_region_and_unknown_channel():
    found = describe("25910000000000000001")
    assert not found.region_verified
    lines = found.lines()
    assert "地区 Region: 大连 Dalian（未核实 unverified）" in lines
    assert "渠道 Channel: 0 未知 unknown" in lines


def test_far_future_year_is_read_as_check_code():
    found = describe("89110000000000000001")
    assert found.identifier_type == "check_code"


def test_grouped_in_fives_is_a_check_code():
    found = describe("24112 00000 04854 2163 ".replace("2163 ", "21630"))
    assert found.identifier_type == "check_code"
    assert found.formatted == "24112 00000 04854 21630"


def test_check_code():
    found = describe("16197833567414507415")
    assert found.identifier_type == "check_code"
    assert found.region is None
    assert "507415" in found.notes[0]
    assert "有效 Valid: 是 yes" in found.lines()


def test_invoice_number():
    found = describe("０１９７０１７９")
    assert (found.identifier_type, found.value, found.valid) == ("invoice_number", "01970179", True)
    assert found.lines() == [
        "类型 Type: 发票号码 Invoice number",
        "号码 Value: 01970179",
        "有效 Valid: 是 yes",
    ]


def test_ambiguous_code():
    found = describe("037002000104")
    assert found.ambiguous
    assert found.invoice_kind is InvoiceKind.VAT_ORDINARY_PAPER
    assert any("数电纸质" in note for note in found.notes)
    assert "种类 Kind: 增值税普通发票（折叠票） VAT ordinary invoice (folded)" in found.lines()


def test_invalid_code_is_described_not_raised():
    found = describe("033002000299")
    assert found.identifier_type == "invoice_code"
    assert not found.valid
    assert found.error_code == "invalid_component"
    assert "有效 Valid: 否 no" in found.lines()


def test_tax_ids():
    found = describe("91110108690017781B")
    assert found.identifier_type == "tax_id"
    assert found.kind_name == "市场监管（工商）"
    legacy = describe("32040419760706081301")
    assert legacy.identifier_type == "tax_id"
    assert legacy.notes
    bad = describe("91440000000000000X")
    assert not bad.valid
    assert bad.error_code == "invalid_checksum"
    assert describe("110108600037341").identifier_type == "tax_id"


def test_as_dict_is_json_ready():
    data = describe("037002000104").as_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text)["region"] == {"code": "37", "name": "山东", "name_en": "Shandong"}
    assert data["invoice_kind"] == "vat_ordinary_paper"
    assert data["type_name"] == "发票代码"
    assert data["ambiguous"] is True
    empty = describe("01970179").as_dict()
    assert empty["region"] is None
    assert empty["invoice_kind"] is None
    assert empty["notes"] == []


@pytest.mark.parametrize("value", ["hello", "1234", "123456789", "发票", "12345678901234567890123"])
def test_not_an_identifier(value):
    with pytest.raises(InvalidFormat) as info:
        describe(value)
    assert value in info.value.message
