"""地区 (regions): the province-level divisions of GB/T 2260 and the 计划单列市.

Invoice identifiers name a region in three ways: a 发票代码 by the tax bureau's 4-digit code
(``1100`` Beijing, ``3702`` Qingdao), a 数电 number by a 2-digit code (``11`` Beijing; the
计划单列市 use ``9x``), and a 统一社会信用代码 by the 6-digit GB/T 2260 area code of the
registering authority (characters 3-8).  A 计划单列市 belongs to its province: a Qingdao invoice is
also a Shandong one, but not the other way round.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from fapiao.core.errors import InvalidComponent, InvalidFormat


@dataclass(frozen=True, slots=True)
class Region:
    """地区: a province-level division (2-digit code) or a 计划单列市 (4-digit code)."""

    code: str
    name: str
    name_en: str
    province_code: str

    @property
    def is_city(self) -> bool:
        """计划单列市 (city with independent planning status)."""
        return len(self.code) == 4


@dataclass(frozen=True, slots=True)
class DigitalRegion:
    """The region of a 数电 number's 2-digit code; ``verified`` is False for guessed mappings."""

    code: str
    region: Region
    verified: bool = True


_PROVINCES = (
    ("11", "北京", "Beijing"),
    ("12", "天津", "Tianjin"),
    ("13", "河北", "Hebei"),
    ("14", "山西", "Shanxi"),
    ("15", "内蒙古", "Inner Mongolia"),
    ("21", "辽宁", "Liaoning"),
    ("22", "吉林", "Jilin"),
    ("23", "黑龙江", "Heilongjiang"),
    ("31", "上海", "Shanghai"),
    ("32", "江苏", "Jiangsu"),
    ("33", "浙江", "Zhejiang"),
    ("34", "安徽", "Anhui"),
    ("35", "福建", "Fujian"),
    ("36", "江西", "Jiangxi"),
    ("37", "山东", "Shandong"),
    ("41", "河南", "Henan"),
    ("42", "湖北", "Hubei"),
    ("43", "湖南", "Hunan"),
    ("44", "广东", "Guangdong"),
    ("45", "广西", "Guangxi"),
    ("46", "海南", "Hainan"),
    ("50", "重庆", "Chongqing"),
    ("51", "四川", "Sichuan"),
    ("52", "贵州", "Guizhou"),
    ("53", "云南", "Yunnan"),
    ("54", "西藏", "Tibet"),
    ("61", "陕西", "Shaanxi"),
    ("62", "甘肃", "Gansu"),
    ("63", "青海", "Qinghai"),
    ("64", "宁夏", "Ningxia"),
    ("65", "新疆", "Xinjiang"),
    ("71", "台湾", "Taiwan"),
    ("81", "香港", "Hong Kong"),
    ("82", "澳门", "Macao"),
)

_CITIES = (
    ("2102", "大连", "Dalian"),
    ("3302", "宁波", "Ningbo"),
    ("3502", "厦门", "Xiamen"),
    ("3702", "青岛", "Qingdao"),
    ("4403", "深圳", "Shenzhen"),
)

PROVINCES: dict[str, Region] = {c: Region(c, n, e, c) for c, n, e in _PROVINCES}
"""Province-level regions by 2-digit GB/T 2260 code."""

CITIES: dict[str, Region] = {c: Region(c, n, e, c[:2]) for c, n, e in _CITIES}
"""计划单列市 by 4-digit code."""

_DIGITAL_CITIES = {
    "91": ("2102", False),
    "92": ("3702", True),
    "93": ("3302", False),
    "94": ("3502", False),
    "95": ("4403", True),
}

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def _key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key.removesuffix(suffix)
    return key


_BY_NAME: dict[str, Region] = {}
for _region in (*PROVINCES.values(), *CITIES.values()):
    _BY_NAME[_key(_region.name)] = _region
    _BY_NAME[_key(_region.name_en)] = _region
_BY_NAME["macau"] = PROVINCES["82"]
_BY_NAME["xizang"] = PROVINCES["54"]


def by_province_code(code: str) -> Region:
    """The province-level region of a 2-digit GB/T 2260 code (``"11"`` Beijing)."""
    try:
        return PROVINCES[code]
    except KeyError:
        raise InvalidComponent(
            f"地区代码“{code}”不是已知的省级行政区", f"Region code {code!r} is not a known province"
        ) from None


def by_code4(code: str) -> Region:
    """The region of a 4-digit code: a 计划单列市 (``"3702"``) or else its province (``"3700"``)."""
    if len(code) != 4 or not code.isdigit():
        raise InvalidFormat(
            f"地区代码“{code}”应为 4 位数字", f"Region code {code!r} must be 4 digits"
        )
    return CITIES.get(code) or by_province_code(code[:2])


def by_area_code(code: str) -> Region:
    """The region of a 6-digit GB/T 2260 area code (``"370203"`` is in Qingdao)."""
    return by_code4(code[:4])


def by_digital_code(code: str) -> DigitalRegion:
    """The region of a 数电 number's 2-digit code; 91/93/94 are likely but unverified."""
    if code in _DIGITAL_CITIES:
        city, verified = _DIGITAL_CITIES[code]
        return DigitalRegion(code, CITIES[city], verified)
    return DigitalRegion(code, by_province_code(code))


def by_name(name: str) -> Region:
    """A region by Chinese or English name, with or without 省/市/自治区 (``"北京市"``)."""
    region = _BY_NAME.get(_key(name))
    if region is None:
        raise InvalidComponent(f"未知地区“{name}”", f"Unknown region {name!r}")
    return region


def lookup(name_or_code: str) -> Region:
    """A region by name, 2-digit province code or 4-digit code."""
    text = unicodedata.normalize("NFKC", name_or_code).strip()
    if text.isdigit() and len(text) == 2:
        return by_province_code(text)
    if text.isdigit() and len(text) == 4:
        return by_code4(text)
    return by_name(text)


def region_of(identifier: str) -> Region | None:
    """The region an identifier names: a 数电 number, a 发票代码 or a 纳税人识别号."""
    from fapiao.core.identifiers.describe import describe

    return describe(identifier).region


def contains(outer: Region, inner: Region) -> bool:
    """Whether ``inner`` lies in ``outer`` (a province contains its 计划单列市)."""
    return outer == inner or (not outer.is_city and inner.province_code == outer.code)


def is_region(identifier: str, region_name_or_code: str) -> bool:
    """Whether an identifier belongs to a region: ``is_region("25112000000365404822", "北京")``."""
    wanted = lookup(region_name_or_code)
    found = region_of(identifier)
    return found is not None and contains(wanted, found)
