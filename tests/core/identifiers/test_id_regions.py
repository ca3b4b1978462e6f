import pytest

from fapiao.core.errors import InvalidComponent, InvalidFormat
from fapiao.core.identifiers import is_region, regions


def test_every_province_level_region_is_known():
    codes = set(regions.PROVINCES)
    assert len(codes) == 34
    assert {"11", "15", "46", "54", "65", "71", "81", "82"} <= codes
    assert regions.by_province_code("15").name == "内蒙古"
    assert regions.by_province_code("82").name_en == "Macao"


def test_cities_belong_to_their_province():
    qingdao = regions.CITIES["3702"]
    assert (qingdao.name, qingdao.name_en, qingdao.province_code) == ("青岛", "Qingdao", "37")
    assert qingdao.is_city
    assert not regions.PROVINCES["37"].is_city
    assert {r.name for r in regions.CITIES.values()} == {"大连", "宁波", "厦门", "青岛", "深圳"}


def test_unknown_province_code_is_rejected_with_bilingual_message():
    with pytest.raises(InvalidComponent) as info:
        regions.by_province_code("99")
    assert "99" in info.value.message
    assert "99" in info.value.message_en


@pytest.mark.parametrize(
    ("code", "name"),
    [("1100", "北京"), ("3702", "青岛"), ("3700", "山东"), ("3701", "山东"), ("4403", "深圳")],
)
def test_four_digit_codes(code, name):
    assert regions.by_code4(code).name == name


@pytest.mark.parametrize("code", ["110", "11000", "11a0"])
def test_four_digit_code_shape(code):
    with pytest.raises(InvalidFormat):
        regions.by_code4(code)


def test_area_code_of_a_planned_city():
    assert regions.by_area_code("370203").name == "青岛"
    assert regions.by_area_code("110108").name == "北京"


@pytest.mark.parametrize(
    ("code", "name", "verified"),
    [
        ("11", "北京", True),
        ("44", "广东", True),
        ("92", "青岛", True),
        ("95", "深圳", True),
        ("91", "大连", False),
        ("93", "宁波", False),
        ("94", "厦门", False),
    ],
)
def test_digital_region_codes(code, name, verified):
    found = regions.by_digital_code(code)
    assert found.region.name == name
    assert found.verified is verified


def test_digital_region_unknown():
    with pytest.raises(InvalidComponent):
        regions.by_digital_code("96")


@pytest.mark.parametrize(
    "name", ["北京", "北京市", "Beijing", "beijing", " BEIJING ", "１１", "1100"]
)
def test_lookup_by_name_or_code(name):
    assert regions.lookup(name).code == "11"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("内蒙古自治区", "15"),
        ("广西壮族自治区", "45"),
        ("宁夏回族自治区", "64"),
        ("新疆维吾尔自治区", "65"),
        ("香港特别行政区", "81"),
        ("Macau", "82"),
        ("Xizang", "54"),
        ("广东省", "44"),
        ("深圳市", "4403"),
        ("Inner Mongolia", "15"),
    ],
)
def test_lookup_full_names(name, code):
    assert regions.lookup(name).code == code


def test_lookup_unknown_name():
    with pytest.raises(InvalidComponent) as info:
        regions.lookup("火星")
    assert "火星" in info.value.message


def test_a_bare_suffix_is_not_a_region():
    with pytest.raises(InvalidComponent):
        regions.lookup("市")


@pytest.mark.parametrize(
    ("identifier", "region", "expected"),
    [
        ("24112000000048542163", "北京", True),  # 数电 number, real OFD sample
        ("24112000000048542163", "上海", False),
        ("011002100511", "Beijing", True),  # 12-digit code, real export row
        ("91110108690017781B", "11", True),  # USCC registered in Beijing
        ("037002100107", "山东", True),
        ("25952000000000000001", "广东", True),  # Shenzhen lies in Guangdong
        ("25952000000000000001", "深圳", True),
        ("25442000000000000001", "深圳", False),  # Guangdong is not all Shenzhen
        ("3702191130", "青岛", True),  # 10-digit code, Qingdao
        ("3700191130", "青岛", False),
        ("83089647", "北京", False),  # an 8-digit number names no region
        ("91440000000000000X", "广东", False),  # invalid tax ID: no region claimed
    ],
)
def test_is_region(identifier, region, expected):
    assert is_region(identifier, region) is expected


def test_is_region_rejects_what_is_no_identifier():
    with pytest.raises(InvalidFormat):
        is_region("hello", "北京")


def test_contains():
    guangdong, shenzhen = regions.PROVINCES["44"], regions.CITIES["4403"]
    assert regions.contains(guangdong, shenzhen)
    assert not regions.contains(shenzhen, guangdong)
    assert regions.contains(shenzhen, shenzhen)
