"""演示发票生成器 (demo invoice generator): seeded, realistic, internally consistent invoices.

The same ``seed``, size and anchor date always give the same invoices, so a second run finds
them by identity and adds nothing.  Identifiers follow formats.md §1: a 数电 number is ``YY`` +
the issuer's region (计划单列市 9x) + channel ``2`` + a 15-digit sequence; a legacy e-invoice has a
12-digit 发票代码 (``0`` + 4-digit region + ``YY`` + batch + ``11`` 普票 / ``13`` 专票), an 8-digit
number and a 20-digit 校验码.  Lines carry the tax category (``*住宿服务*住宿费``) and a rate in
force on the date; 合计 = Σ lines and 价税合计 = 金额 + 税额 exactly (§8).  A few 数电 invoices are
reversed in full by a red one (negative amounts, the blue number, a 红字确认单编号).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from fapiao.core.amounts.money import line_tax, quantize_money
from fapiao.core.amounts.uppercase import to_uppercase
from fapiao.core.anomalies import DEFAULT_THRESHOLDS, DayType, WorkCalendar
from fapiao.web.demo.catalogue import BUYERS, DRAWERS, ITEMS, SALES_ITEMS, SELLERS, Item, Party

PURCHASE_SHARE = 0.65
LEGACY_SHARE = 0.2
RED_SHARE = 0.02
DAYS = 365
"""The invoices are issued in the year up to the anchor date."""

_CITY_REGIONS = {"2102": "91", "3702": "92", "3302": "93", "3502": "94", "4403": "95"}
"""计划单列市: 4-digit area of the issuer -> the region digits of a 数电 number."""
_PRICE_PLACES = Decimal("1E-10")
CALENDAR = WorkCalendar()
"""China's working calendar (the holiday package): when companies issue invoices."""


@dataclass(frozen=True, slots=True)
class DemoLine:
    """发票明细 of a demo invoice."""

    name: str
    specification: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    net_amount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    tax_code: str


@dataclass(frozen=True, slots=True)
class DemoInvoice:
    """One demo invoice (数电 or legacy electronic, blue or red) of the demo company."""

    direction: str  # "purchase" 进项 or "sales" 销项
    digital: bool
    special: bool  # 专票 (else 普票)
    number: str
    code: str  # "" on a 数电 invoice
    check_code: str  # "" on a 数电 invoice
    issue_date: dt.date
    seller: Party
    buyer: Party
    lines: tuple[DemoLine, ...]
    drawer: str
    remark: str = ""
    is_red: bool = False
    original_number: str = ""
    red_confirmation_number: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def net_amount(self) -> Decimal:
        """合计金额."""
        return sum((line.net_amount for line in self.lines), Decimal("0.00"))

    @property
    def tax_amount(self) -> Decimal:
        """合计税额."""
        return sum((line.tax_amount for line in self.lines), Decimal("0.00"))

    @property
    def gross_amount(self) -> Decimal:
        """价税合计."""
        return self.net_amount + self.tax_amount

    @property
    def gross_amount_text(self) -> str:
        """价税合计（大写）."""
        return to_uppercase(self.gross_amount)

    @property
    def key(self) -> str:
        """The identity the tax bureau knows: the 数电 number, else ``发票代码:发票号码``."""
        return self.number if self.digital else f"{self.code}:{self.number}"

    @property
    def kind(self) -> str:
        """发票种类 (the values of :class:`fapiao.core.invoice.InvoiceKind`)."""
        if self.digital:
            return "digital_special" if self.special else "digital_ordinary"
        return "vat_special_electronic" if self.special else "vat_ordinary_electronic"

    @property
    def filename(self) -> str:
        """The file the invoice arrives in."""
        return f"{'dzfp' if self.digital else 'fp'}_{self.key.replace(':', '_')}.xml"


def _area(party: Party) -> str:
    area = party.tax_id[2:8]
    return area if len(area) == 6 and area.isdigit() else "110000"


def digital_region(party: Party) -> str:
    """The region digits of a 数电 number issued by ``party`` (9x for 计划单列市)."""
    area = _area(party)
    return _CITY_REGIONS.get(area[:4], area[:2])


def legacy_region(party: Party) -> str:
    """The 4-digit region of a legacy 发票代码 issued by ``party``."""
    area = _area(party)
    return area[:4] if area[:4] in _CITY_REGIONS else f"{area[:2]}00"


class _Numbers:
    """Unique, well-formed invoice numbers drawn from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def digital(self, issuer: Party, day: dt.date) -> str:
        while True:
            channel = "7" if self.rng.random() < 0.05 else "2"
            number = (
                f"{day.year % 100:02d}{digital_region(issuer)}{channel}"
                f"{self.rng.randrange(10**15):015d}"
            )
            if number not in self.seen:
                self.seen.add(number)
                return number

    def legacy(self, issuer: Party, day: dt.date, special: bool) -> tuple[str, str, str]:
        while True:
            code = (
                f"0{legacy_region(issuer)}{day.year % 100:02d}{self.rng.randrange(1, 1000):03d}"
                f"{'13' if special else '11'}"
            )
            number = f"{self.rng.randrange(1, 10**8):08d}"
            if f"{code}:{number}" not in self.seen:
                self.seen.add(f"{code}:{number}")
                check = f"{self.rng.randrange(10**19, 10**20):020d}"
                return code, number, check

    def digital_run(self, issuer: Party, day: dt.date, count: int) -> list[str]:
        """``count`` consecutive 数电 numbers of one issuer (a 连号 run), none seen before."""
        while True:
            prefix = f"{day.year % 100:02d}{digital_region(issuer)}2"
            start = self.rng.randrange(10**15 - count)
            run = [f"{prefix}{start + i:015d}" for i in range(count)]
            if not self.seen.intersection(run):
                self.seen.update(run)
                return run


def price_center(party: Party, item: Item) -> Decimal:
    """The regular unit price of ``item`` at ``party``: the same in every demo (by their names)."""
    rng = random.Random(f"price:{party.name}:{item.name}")  # noqa: S311 (seeded demo data, not secrets)
    return Decimal(rng.randint(item.low * 100, item.high * 100)) / 100


def _spread(party: Party, item: Item) -> Decimal:
    """How far one invoice's unit price strays from the regular one (±)."""
    if item.unit == "月" and item.low >= 3000:
        return Decimal(0)  # rent and property fees: the contract's amount every month
    if party.cadence == "monthly":
        return Decimal("0.10")
    if party.cadence == "quarterly":
        return Decimal("0.05")
    return Decimal("0.15")


def _quantity(rng: random.Random, item: Item) -> Decimal:
    """How many: the largest quantity is under 3 × 0.85 / 1.15 of the smallest (with the price
    spread, one seller's bills stay within a factor of 3)."""
    if item.unit == "升":
        return Decimal(rng.randint(30, 55))
    if item.unit in ("天", "件"):
        return Decimal(rng.choice((1, 1, 2)))
    if item.unit == "箱":
        return Decimal(rng.randint(2, 4))
    return Decimal(1)


def _line(
    rng: random.Random,
    item: Item,
    *,
    price: Decimal | None = None,
    quantity: Decimal | None = None,
) -> DemoLine:
    """A line of ``item``: the given unit price (tax-inclusive for hotels and meals) and
    quantity, else drawn from the item's whole range."""
    rate = item.rate
    if quantity is None:
        quantity = _quantity(rng, item)
    if price is None:
        price = Decimal(rng.randint(item.low * 100, item.high * 100)) / 100
    if item.inclusive:
        gross = quantize_money(quantity * price)
        net = quantize_money(gross / (1 + rate))
        tax = gross - net
        unit_price = (net / quantity).quantize(_PRICE_PLACES, rounding=ROUND_HALF_UP)
        if unit_price * quantity == net:
            unit_price = unit_price.normalize()
    else:
        net = quantize_money(quantity * price)
        tax = line_tax(net, rate)
        unit_price = price
    return DemoLine(
        name=item.name,
        specification=item.specification,
        unit=item.unit,
        quantity=quantity,
        unit_price=unit_price,
        net_amount=net,
        tax_rate=rate,
        tax_amount=tax,
        tax_code=item.tax_code,
    )


def _regular_line(rng: random.Random, party: Party, item: Item) -> DemoLine:
    """A line at the party's regular price for the item, within its usual spread."""
    spread = _spread(party, item)
    factor = 1 + spread * Decimal(rng.randint(-100, 100)) / 100
    price = quantize_money(price_center(party, item) * factor)
    return _line(rng, item, price=price)


def _gross(lines: list[DemoLine]) -> Decimal:
    return sum((line.net_amount + line.tax_amount for line in lines), Decimal(0))


def _clear_of_approval(rng: random.Random, party: Party, items: list[Item]) -> list[DemoLine]:
    """Regular lines whose 价税合计 is not just under the approval threshold (审批金额): an
    ordinary purchase is never one of a split (拆分报销)."""
    limit = DEFAULT_THRESHOLDS.approval_threshold
    floor = limit * (1 - DEFAULT_THRESHOLDS.split_margin)
    lines = [_regular_line(rng, party, item) for item in items]
    for _ in range(20):
        if not floor <= _gross(lines) < limit:
            return lines
        lines = [_regular_line(rng, party, item) for item in items]
    quantity = lines[0].quantity  # still in the band: more of the first item takes it above
    while floor <= _gross(lines) < limit:
        quantity += 1
        price = price_center(party, items[0])
        lines = [_line(rng, items[0], price=price, quantity=quantity), *lines[1:]]
    return lines


def working_day(day: dt.date, latest: dt.date) -> dt.date:
    """The day itself when it is a working day (调休 included), else the next one, or the last
    one before it when that would pass ``latest``."""
    moved = CALENDAR.next_working_day(day)
    if moved <= latest:
        return moved
    while not CALENDAR.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _special(rng: random.Random, direction: str, seller: Party, items: list[Item]) -> bool:
    if seller.small_scale:
        return False
    if direction == "sales":
        return rng.random() < 0.7
    names = {i.name.split("*")[1] for i in items}
    if names & {"餐饮服务", "运输服务", "快递服务"}:
        return rng.random() < 0.15
    return rng.random() < 0.7


def _remark(rng: random.Random, direction: str, items: list[Item], buyer: Party) -> str:
    first = items[0].name
    if "住宿" in first:
        return f"入住人：{rng.choice(DRAWERS)}"
    if direction == "sales" and rng.random() < 0.4:
        return f"合同编号：XH-{rng.randint(2024, 2026)}-{rng.randint(1, 999):03d}"
    if direction == "sales" and rng.random() < 0.3:
        return f"购买方地址：{buyer.address}"
    return ""


@dataclass(frozen=True, slots=True)
class _Plan:
    """Who bills whom on which day, and the lines (numbers are drawn when it is issued)."""

    direction: str
    day: dt.date
    seller: Party
    buyer: Party
    lines: tuple[DemoLine, ...]
    items: tuple[Item, ...]
    drawer: str
    remark: str = ""
    tags: tuple[str, ...] = ()


def _issue(
    rng: random.Random,
    numbers: _Numbers,
    plan: _Plan,
    anchor: dt.date,
    *,
    number: str | None = None,
) -> DemoInvoice:
    """The invoice of a plan: 数电 or (in the older half of the year) a legacy e-invoice."""
    special = _special(rng, plan.direction, plan.seller, list(plan.items))
    # Legacy e-invoices belong to the older half of the year (数电 replaced them).
    legacy = (
        number is None and (anchor - plan.day).days > DAYS // 2 and rng.random() < 2 * LEGACY_SHARE
    )
    if legacy:
        code, legacy_number, check = numbers.legacy(plan.seller, plan.day, special)
    else:
        code, check = "", ""
        legacy_number = number or numbers.digital(plan.seller, plan.day)
    return DemoInvoice(
        direction=plan.direction,
        digital=not legacy,
        special=special,
        number=legacy_number,
        code=code,
        check_code=check,
        issue_date=plan.day,
        seller=plan.seller,
        buyer=plan.buyer,
        lines=plan.lines,
        drawer=plan.drawer,
        remark=plan.remark,
        tags=plan.tags,
    )


def _purchase(
    rng: random.Random, company: Party, seller: Party, day: dt.date, anchor: dt.date
) -> _Plan:
    """A regular purchase: the seller's usual items at its usual prices, on a day it bills."""
    if not seller.any_day:
        day = working_day(day, anchor)
    elif not CALENDAR.is_working_day(day) and rng.random() < 0.6:
        day = working_day(day, anchor)  # hotels and taxis bill at weekends, but less
    items = [ITEMS[n] for n in seller.items]
    items += [ITEMS[n] for n in seller.extras if rng.random() < 0.3]
    return _Plan(
        direction="purchase",
        day=day,
        seller=seller,
        buyer=company,
        lines=tuple(_clear_of_approval(rng, seller, items)),
        items=tuple(items),
        drawer=rng.choice(DRAWERS),
        remark=_remark(rng, "purchase", items, company),
    )


def _sale(rng: random.Random, company: Party, day: dt.date, anchor: dt.date, index: int) -> _Plan:
    """A sales invoice of the company (issued on a working day) to one of its customers."""
    buyer = rng.choice(BUYERS)
    names = list(SALES_ITEMS)
    count = 1 if rng.random() < 0.6 else rng.randint(2, 3)
    items = [ITEMS[n] for n in rng.sample(names, count)]
    lines = []
    for item in items:
        factor = 1 + Decimal(rng.randint(-30, 30)) / 100
        price = quantize_money(price_center(buyer, item) * factor)
        lines.append(_line(rng, item, price=price, quantity=Decimal(rng.choice((1, 1, 2)))))
    return _Plan(
        direction="sales",
        day=working_day(day, anchor),
        seller=company,
        buyer=buyer,
        lines=tuple(lines),
        items=tuple(items),
        drawer=DRAWERS[index % 2],
        remark=_remark(rng, "sales", items, buyer),
    )


def _scheduled(rng: random.Random, company: Party, anchor: dt.date) -> list[_Plan]:
    """The monthly and quarterly bills (rent, property, telecom, cloud, audit) of the year."""
    first = anchor - dt.timedelta(days=DAYS - 1)
    plans = []
    for seller in (s for s in SELLERS if s.cadence != "frequent"):
        billing_day = random.Random(f"billing-day:{seller.name}").randint(1, 25)  # noqa: S311 (seeded demo data, not secrets)
        months = (1, 4, 7, 10) if seller.cadence == "quarterly" else tuple(range(1, 13))
        for year in sorted({first.year, anchor.year}):
            for month in months:
                day = working_day(dt.date(year, month, billing_day), anchor)
                if first <= day <= anchor:
                    plans.append(_purchase(rng, company, seller, day, anchor))
    return sorted(plans, key=lambda p: (p.day, p.seller.name))


ANOMALY_MIN_SIZE = 200
"""Demos at least this large hold the deliberate anomalies (:func:`_anomalies`)."""
OUTLIER, SPLIT, OFF_DAY, RUN = "amount_outlier", "split", "off_day", "consecutive_run"
"""Tags of the deliberate anomalies (``DemoInvoice.tags``)."""


def _seller(name: str) -> Party:
    return next(s for s in SELLERS if s.name == name)


def _off_day(anchor: dt.date) -> dt.date:
    """The latest public holiday (else weekend day) between 10 months and 2 weeks ago."""
    day = anchor - dt.timedelta(days=14)
    rest = None
    while day > anchor - dt.timedelta(days=300):
        kind = CALENDAR.day_type(day)
        if kind is DayType.HOLIDAY:
            return day
        if rest is None and kind is DayType.WEEKEND:
            rest = day
        day -= dt.timedelta(days=1)
    assert rest is not None
    return rest


def _anomalies(
    rng: random.Random, numbers: _Numbers, company: Party, anchor: dt.date
) -> list[DemoInvoice]:
    """What the alerts page is there to show, once each (about 1 in 100 invoices of a demo):

    - the annual meeting booked at the usual hotel: 20 rooms, far above its other bills;
    - two laptops bought 2 days apart, each just under the approval threshold (拆分报销);
    - the tax adviser's fee invoiced on a public holiday (节假日开票);
    - five air-ticket service fees with consecutive numbers on one day (连号).
    """
    hotel, shop = _seller("北京金桥国际酒店有限公司"), _seller("苏州华科电脑设备有限公司")
    adviser, agent = _seller("北京信达税务师事务所有限公司"), _seller("广州白云商旅服务有限公司")
    found = []
    day = working_day(anchor - dt.timedelta(days=45), anchor)
    room = ITEMS["*住宿服务*住宿费"]
    lines = (_line(rng, room, price=price_center(hotel, room), quantity=Decimal(20)),)
    remark = "年会住宿"
    plan = _Plan("purchase", day, hotel, company, lines, (room,), DRAWERS[0], remark, (OUTLIER,))
    found.append(_issue(rng, numbers, plan, anchor, number=numbers.digital(hotel, day)))
    laptop = ITEMS["*计算机*笔记本电脑"]
    day = working_day(anchor - dt.timedelta(days=80), anchor)
    for gross in (Decimal("9680.00"), Decimal("9860.00")):
        price = quantize_money(gross / (1 + laptop.rate))
        lines = (_line(rng, laptop, price=price, quantity=Decimal(1)),)
        plan = _Plan("purchase", day, shop, company, lines, (laptop,), DRAWERS[1], "", (SPLIT,))
        found.append(_issue(rng, numbers, plan, anchor, number=numbers.digital(shop, day)))
        day = working_day(day + dt.timedelta(days=2), anchor)
    audit = ITEMS["*鉴证咨询服务*审计服务"]
    day = _off_day(anchor)
    lines = (_line(rng, audit, price=price_center(adviser, audit)),)
    plan = _Plan("purchase", day, adviser, company, lines, (audit,), DRAWERS[2], "", (OFF_DAY,))
    found.append(_issue(rng, numbers, plan, anchor, number=numbers.digital(adviser, day)))
    day = working_day(anchor - dt.timedelta(days=120), anchor)
    fee = ITEMS["*经纪代理服务*代订机票服务费"]
    for number in numbers.digital_run(agent, day, 5):
        lines = (_regular_line(rng, agent, fee),)
        plan = _Plan("purchase", day, agent, company, lines, (fee,), DRAWERS[3], "", (RUN,))
        found.append(_issue(rng, numbers, plan, anchor, number=number))
    return found


def _red(rng: random.Random, numbers: _Numbers, blue: DemoInvoice, anchor: dt.date) -> DemoInvoice:
    day = working_day(blue.issue_date + dt.timedelta(days=rng.randint(1, 40)), anchor)
    confirmation = f"{day.year % 100:02d}{digital_region(blue.seller)}"
    confirmation += f"{rng.randrange(10**15):015d}"
    lines = tuple(
        DemoLine(
            name=line.name,
            specification=line.specification,
            unit=line.unit,
            quantity=-line.quantity,
            unit_price=line.unit_price,
            net_amount=-line.net_amount,
            tax_rate=line.tax_rate,
            tax_amount=-line.tax_amount,
            tax_code=line.tax_code,
        )
        for line in blue.lines
    )
    return DemoInvoice(
        direction=blue.direction,
        digital=True,
        special=blue.special,
        number=numbers.digital(blue.seller, day),
        code="",
        check_code="",
        issue_date=day,
        seller=blue.seller,
        buyer=blue.buyer,
        lines=lines,
        drawer=blue.drawer,
        remark=f"被红冲蓝字数电发票号码：{blue.number} 红字发票信息确认单编号：{confirmation}",
        is_red=True,
        original_number=blue.number,
        red_confirmation_number=confirmation,
    )


def generate(*, company: Party, size: int, seed: int, anchor: dt.date) -> list[DemoInvoice]:
    """``size`` invoices of ``company`` issued in the year up to ``anchor``, oldest first.

    About 65 % are purchases: the monthly and quarterly bills of the company's landlord, telecom,
    cloud and audit firms, and everyday purchases from hotels, restaurants, taxis and shops at
    each seller's regular prices, with modest spread.  Companies bill on working days (the
    holiday calendar, 调休 included); hotels and taxis also at weekends.  About 2 % are red
    invoices reversing an earlier blue 数电 invoice in full.  Demos of
    :data:`ANOMALY_MIN_SIZE` invoices or more hold a few deliberate anomalies (tagged).
    """
    rng = random.Random(f"fapiao-demo:{seed}")  # noqa: S311 (seeded demo data, not secrets)
    numbers = _Numbers(rng)
    reds = int(size * RED_SHARE) if size >= 20 else (1 if size >= 5 else 0)
    special = _anomalies(rng, numbers, company, anchor) if size >= ANOMALY_MIN_SIZE else []
    blues = size - reds - len(special)
    purchases = round(blues * PURCHASE_SHARE)
    scheduled = _scheduled(rng, company, anchor)
    scheduled = scheduled[len(scheduled) - min(len(scheduled), purchases // 4) :]  # the latest
    frequent = [s for s in SELLERS if s.cadence == "frequent"]
    weights = [s.weight for s in frequent]
    plans = list(scheduled)
    for _ in range(purchases - len(scheduled)):
        day = anchor - dt.timedelta(days=rng.randrange(DAYS))
        seller = rng.choices(frequent, weights)[0]
        plans.append(_purchase(rng, company, seller, day, anchor))
    for index in range(blues - purchases):
        day = anchor - dt.timedelta(days=rng.randrange(DAYS))
        plans.append(_sale(rng, company, day, anchor, index))
    plans.sort(key=lambda p: (p.day, p.direction, p.seller.name))
    issued = [_issue(rng, numbers, plan, anchor) for plan in plans] + special
    reversible = [
        b
        for b in issued
        if b.digital and not b.tags and b.issue_date < anchor - dt.timedelta(days=5)
    ]
    chosen = rng.sample(reversible, min(reds, len(reversible)))
    invoices = issued + [_red(rng, numbers, blue, anchor) for blue in chosen]
    invoices.sort(key=lambda inv: (inv.issue_date, inv.is_red, inv.key))
    return invoices
