"""演示目录 (demo catalogue): fictitious sellers and buyers, and the items they invoice.

Every name here is made up.  Tax IDs are built as 统一社会信用代码 (GB 32100-2015) on the party's
GB/T 2260 area code, with the check character computed by :mod:`fapiao.core.identifiers.tax_id`'s
own rule, so every one validates.  Items carry the tax category in asterisks
(``*住宿服务*住宿费``), a 税收分类编码 and the rate a general taxpayer charges today.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from stdnum.cn import uscc

from fapiao.core.identifiers import tax_id as tax_id_rules

_BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True, slots=True)
class Item:
    """A 货物或应税劳务 a party invoices: name with tax category, code, rate, unit, prices."""

    name: str
    tax_code: str
    rate: Decimal
    unit: str
    low: int  # price range in yuan (inclusive of tax when ``inclusive``)
    high: int
    inclusive: bool = False  # priced 含税 (hotels, meals): round gross, net derived from it
    specification: str = ""


@dataclass(frozen=True, slots=True)
class Party:
    """销售方 or 购买方: name, 纳税人识别号 and the details printed on an invoice."""

    name: str
    tax_id: str
    address: str
    phone: str
    bank: str
    account: str
    items: tuple[str, ...] = ()  # what a seller bills on every invoice
    small_scale: bool = False
    extras: tuple[str, ...] = ()  # what it sometimes adds (a meal on a hotel bill)
    cadence: str = "frequent"  # "frequent", "monthly" or "quarterly"
    weight: int = 0  # share of the frequent purchases
    any_day: bool = False  # bills at weekends and on holidays too (hotels, taxis, …)


def make_uscc(area: str, seed: str, *, authority: str = "9", kind: str = "1") -> str:
    """A valid 统一社会信用代码 on a 6-digit area code, drawn from ``seed`` (deterministic)."""
    rng = random.Random(seed)  # noqa: S311 (seeded demo data, not secrets)
    body = "MA" + "".join(rng.choice(_BODY_CHARS) for _ in range(7))
    first17 = f"{authority}{kind}{area}{body}"
    number = first17 + uscc.calc_check_digit(first17)
    return tax_id_rules.validate(number)


ITEMS: dict[str, Item] = {
    item.name: item
    for item in (
        Item("*住宿服务*住宿费", "3070402000000000000", Decimal("0.06"), "天", 280, 980, True),
        Item("*餐饮服务*餐费", "3070401000000000000", Decimal("0.06"), "次", 120, 2600, True),
        Item("*餐饮服务*餐饮服务", "3070401000000000000", Decimal("0.01"), "次", 60, 600, True),
        Item("*信息技术服务*软件服务", "3040201990000000000", Decimal("0.06"), "年", 2000, 48000),
        Item("*信息技术服务*云服务费", "3040203000000000000", Decimal("0.06"), "月", 300, 9000),
        Item("*运输服务*客运服务", "3010101020000000000", Decimal("0.09"), "次", 18, 260, True),
        Item("*经纪代理服务*代订机票服务费", "3040802000000000000", Decimal("0.06"), "次", 20, 60),
        Item(
            "*纸制品*复印纸",
            "1060111010000000000",
            Decimal("0.13"),
            "箱",
            120,
            260,
            False,
            "A4 70g",
        ),
        Item(
            "*计算机配套产品*显示器",
            "1090512990000000000",
            Decimal("0.13"),
            "台",
            900,
            2600,
            False,
            "27英寸",
        ),
        Item(
            "*计算机*笔记本电脑",
            "1090511030000000000",
            Decimal("0.13"),
            "台",
            4500,
            12000,
            False,
            "14英寸 16G",
        ),
        Item("*电信服务*基础电信服务", "3010201000000000000", Decimal("0.09"), "月", 200, 3000),
        Item("*电信服务*增值电信服务", "3010202000000000000", Decimal("0.06"), "月", 100, 1500),
        Item(
            "*不动产租赁服务*办公室租金", "3040502020000000000", Decimal("0.09"), "月", 30000, 60000
        ),
        Item("*物业管理服务*物业服务费", "3040606010000000000", Decimal("0.06"), "月", 3000, 9000),
        Item("*快递服务*收派服务", "3010301000000000000", Decimal("0.06"), "件", 12, 60, True),
        Item("*汽油*92号车用汽油", "1070101010100000000", Decimal("0.13"), "升", 7, 9, True, "VIB"),
        Item("*鉴证咨询服务*审计服务", "3040302010000000000", Decimal("0.06"), "项", 20000, 80000),
        Item("*现代服务*技术咨询服务", "3040105000000000000", Decimal("0.06"), "项", 5000, 60000),
        Item(
            "*信息技术服务*软件开发服务",
            "3040201010000000000",
            Decimal("0.06"),
            "项",
            20000,
            300000,
        ),
        Item(
            "*信息技术服务*信息系统运维服务",
            "3040202000000000000",
            Decimal("0.06"),
            "月",
            3000,
            40000,
        ),
        Item("*软件*应用软件", "1060301020100000000", Decimal("0.13"), "套", 2000, 90000),
        Item(
            "*计算机网络设备*交换机",
            "1090513020000000000",
            Decimal("0.13"),
            "台",
            3000,
            30000,
            False,
            "48口千兆",
        ),
    )
}
"""Items by line name (项目名称), with the rates valid throughout the demo's dates."""

_SELLERS = (
    # name, area, items billed together, optional extras, cadence, weight, any day, small scale.
    # Cadence: "frequent" sellers (hotels, meals, taxis, fuel, …) appear at random in proportion
    # to their weight; "monthly" and "quarterly" ones bill on their own day of the month.
    # Hotels, restaurants, taxis, fuel and couriers also bill at weekends and on holidays
    # (always small amounts); companies bill on working days only.  A seller's bills differ by
    # less than a factor of 3 (largest to smallest), as everyday purchases do.
    ("北京金桥国际酒店有限公司", "110105", ("*住宿服务*住宿费",), (), "frequent", 3, True, False),
    ("上海浦江宾馆有限公司", "310101", ("*住宿服务*住宿费",), (), "frequent", 2, True, False),
    ("深圳市鹏城假日酒店管理有限公司", "440304", ("*住宿服务*住宿费",), (), "frequent", 2, True,
     False),
    ("杭州西溪湖畔酒店有限公司", "330106", ("*住宿服务*住宿费",), (), "frequent", 1, True, False),
    ("成都锦里宾舍酒店管理有限公司", "510104", ("*住宿服务*住宿费",), (), "frequent", 1, True,
     False),
    ("广州市粤味轩餐饮有限公司", "440104", ("*餐饮服务*餐费",), (), "frequent", 2, True, False),
    ("重庆山城老火锅餐饮有限公司", "500103", ("*餐饮服务*餐费",), (), "frequent", 1, True, False),
    ("北京胡同里家常菜馆", "110102", ("*餐饮服务*餐饮服务",), (), "frequent", 3, True, True),
    ("北京华悦网络科技有限公司", "110108", ("*信息技术服务*云服务费",), (), "monthly", 0, False,
     False),
    ("杭州云栖数据技术有限公司", "330106", ("*信息技术服务*云服务费",), (), "monthly", 0, False,
     False),
    ("深圳市腾跃软件开发有限公司", "440305", ("*信息技术服务*软件服务",), (), "quarterly", 0,
     False, False),
    ("北京畅行出租汽车有限公司", "110105", ("*运输服务*客运服务",), (), "frequent", 4, True, False),
    ("广州白云商旅服务有限公司", "440111", ("*经纪代理服务*代订机票服务费",), (), "frequent", 2,
     False, False),
    ("北京晨曦文具办公用品有限公司", "110106", ("*纸制品*复印纸",), (), "frequent", 1, False,
     False),
    ("苏州华科电脑设备有限公司", "320505", ("*计算机*笔记本电脑",), ("*计算机配套产品*显示器",),
     "frequent", 1, False, False),
    ("北京通联信息通信服务有限公司", "110102", ("*电信服务*基础电信服务", "*电信服务*增值电信服务"),
     (), "monthly", 0, False, False),
    ("北京中关村科创物业管理有限公司", "110108",
     ("*不动产租赁服务*办公室租金", "*物业管理服务*物业服务费"), (), "monthly", 0, False, False),
    ("上海速达快递服务有限公司", "310115", ("*快递服务*收派服务",), (), "frequent", 2, True, False),
    ("北京京油加油站有限公司", "110105", ("*汽油*92号车用汽油",), (), "frequent", 2, True, False),
    ("北京信达税务师事务所有限公司", "110101", ("*鉴证咨询服务*审计服务",), (), "quarterly", 0,
     False, False),
    ("青岛海湾商务酒店有限公司", "370202", ("*住宿服务*住宿费",), (), "frequent", 1, True, False),
)  # fmt: skip
_BUYERS = (
    ("上海明德教育科技有限公司", "310104"),
    ("浙江恒信物流有限公司", "330104"),
    ("江苏苏盈制造有限公司", "320583"),
    ("武汉光谷智能装备有限公司", "420111"),
    ("重庆渝新贸易有限公司", "500112"),
    ("青岛海湾化工有限公司", "370211"),
    ("深圳市前海金融服务有限公司", "440305"),
    ("南京紫金山科技服务有限公司", "320102"),
    ("天津滨海港务服务有限公司", "120116"),
    ("西安曲江文化旅游有限公司", "610113"),
    ("长沙岳麓教育咨询有限公司", "430104"),
    ("福州闽江电子有限公司", "350102"),
    ("合肥科大讯达信息技术有限公司", "340104"),
    ("成都天府云数据有限公司", "510107"),
    ("北京京西医疗器械有限公司", "110108"),
)
SALES_ITEMS = (
    "*信息技术服务*软件开发服务",
    "*信息技术服务*信息系统运维服务",
    "*信息技术服务*软件服务",
    "*现代服务*技术咨询服务",
    "*软件*应用软件",
    "*计算机网络设备*交换机",
)
"""What the demo company sells."""

_CITIES = {
    "110": "北京市", "120": "天津市", "310": "上海市", "320": "江苏省", "330": "浙江省",
    "340": "安徽省", "350": "福建省", "370": "山东省", "420": "湖北省", "430": "湖南省",
    "440": "广东省", "500": "重庆市", "510": "四川省", "610": "陕西省",
}  # fmt: skip
_STREETS = ("建国路", "中山路", "人民路", "解放路", "科技园路", "长江路", "和平路", "滨江大道")
_BANKS = ("中国工商银行", "中国建设银行", "招商银行", "中国银行", "交通银行")


def _party(
    name: str,
    area: str,
    *,
    items: tuple[str, ...] = (),
    small: bool = False,
    extras: tuple[str, ...] = (),
    cadence: str = "frequent",
    weight: int = 0,
    any_day: bool = False,
) -> Party:
    rng = random.Random(f"party:{name}")  # noqa: S311 (seeded demo data, not secrets)
    kind = "2" if small else "1"
    tax_id = make_uscc(area, f"uscc:{name}", kind=kind)
    city = _CITIES.get(area[:3], "")
    street = rng.choice(_STREETS)
    bank = rng.choice(_BANKS)
    return Party(
        name=name,
        tax_id=tax_id,
        address=f"{city}{street}{rng.randint(1, 999)}号",
        phone=f"0{rng.randint(10, 99)}-{rng.randint(10000000, 99999999)}",
        bank=f"{bank}{city[:2]}分行",
        account=f"{rng.randint(10**15, 10**16 - 1)}",
        items=items,
        small_scale=small,
        extras=extras,
        cadence=cadence,
        weight=weight,
        any_day=any_day,
    )


SELLERS: tuple[Party, ...] = tuple(
    _party(
        name,
        area,
        items=items,
        extras=extras,
        cadence=cadence,
        weight=weight,
        any_day=any_day,
        small=small,
    )
    for name, area, items, extras, cadence, weight, any_day, small in _SELLERS
)
"""Who sells to the demo company (purchase invoices, 进项)."""

BUYERS: tuple[Party, ...] = tuple(_party(name, area) for name, area in _BUYERS)
"""Whom the demo company sells to (sales invoices, 销项)."""

DEMO_COMPANY_NAME = "北京星河云帆科技有限公司"
DEMO_COMPANY_TAX_ID = make_uscc("110108", "uscc:demo-company")
AGENCY_CLIENT_NAME = "上海云帆智造有限公司"
AGENCY_CLIENT_TAX_ID = make_uscc("310115", "uscc:demo-agency-client")


def company_party(name: str, tax_id: str) -> Party:
    """The demo company as a party of its own invoices."""
    base = _party(name, tax_id[2:8] if tax_id[2:8].isdigit() else "110108")
    return Party(name, tax_id, base.address, base.phone, base.bank, base.account)


DRAWERS = ("王丽", "张敏", "李静", "刘洋", "陈晨", "赵磊", "孙悦", "周婷")
"""开票人 names."""
