"""The identifiers of the real sample files (read in place from ``FAPIAO_SAMPLES_DIR``)."""

import re
import zipfile

import pytest

from fapiao.config import samples_dir
from fapiao.core.identifiers import describe, is_region, tax_id

pytestmark = pytest.mark.samples


def _samples():
    folder = samples_dir()
    if not folder.is_dir():
        pytest.skip(f"real sample files not found at {folder} (set FAPIAO_SAMPLES_DIR)")
    return folder


def _xml_values(text: str, tag: str) -> str:
    match = re.search(rf"<{tag}>([^<]*)</{tag}>", text)
    assert match, tag
    return match.group(1)


def test_digital_xml_numbers_and_tax_ids():
    path = next((_samples() / "xml").glob("无锡市*.xml"))
    text = path.read_text(encoding="utf-8")
    number = _xml_values(text, "EIid")
    assert number in path.name
    found = describe(number)
    assert (found.identifier_type, found.year, found.channel) == ("digital_number", 2025, "2")
    assert is_region(number, "江苏")
    assert tax_id.is_valid(_xml_values(text, "SellerIdNum"))
    assert tax_id.is_valid(_xml_values(text, "BuyerIdNum"))


def test_official_sample_tax_ids_are_invalid():
    text = (_samples() / "xml" / "official-mof-sample-special.xml").read_text(encoding="utf-8")
    assert describe(_xml_values(text, "EIid")).region.name == "广东"
    assert not tax_id.is_valid(_xml_values(text, "SellerIdNum"))


def _custom_data(name: str) -> dict[str, str]:
    with zipfile.ZipFile(_samples() / "ofd" / name) as archive:
        text = archive.read("OFD.xml").decode("utf-8")
    return dict(re.findall(r'CustomData Name="([^"]+)">([^<]*)<', text))


@pytest.mark.parametrize(
    ("name", "region"),
    [("zhejiang-legacy-ordinary.ofd", "浙江"), ("jiangsu-legacy-ordinary.ofd", "江苏")],
)
def test_legacy_ofd_identifiers(name, region):
    data = _custom_data(name)
    code = describe(data["发票代码"])
    assert code.identifier_type == "invoice_code"
    assert code.region is not None
    assert code.region.name == region
    assert describe(data["发票号码"]).identifier_type == "invoice_number"
    check = describe(data["校验码"])  # printed in groups of five
    assert check.identifier_type == "check_code"
    assert check.formatted == data["校验码"]
    for key in ("购买方纳税人识别号", "销售方纳税人识别号"):
        assert tax_id.is_valid(data[key])


def test_digital_ofd_number():
    data = _custom_data("digital-special-taxplatform.ofd")
    assert is_region(data["发票号码"], "北京")
    assert describe(data["销售方纳税人识别号"]).valid
