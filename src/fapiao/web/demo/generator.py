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
from fapiao.web.demo.catalogue import BUYERS, DRAWERS, ITEMS, SALES_ITEMS, SELLERS, Item, Party

PURCHASE_SHARE = 0.65
LEGACY_SHARE = 0.2
RED_SHARE = 0.02
DAYS = 365
"""The invoices are issued in the year up to the anchor date."""

_CITY_REGIONS = {"2102": "91", "3702": "92", "3302": "93", "3502": "94", "4403": "95"}
"""计划单列市: 4-digit area of the issuer -> the region digits of a 数电 number."""
_PRICE_PLACES = Decimal("1E-10")


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


def _line(rng: random.Random, item: Item) -> DemoLine:
    rate = item.rate
    if item.unit == "升":
        quantity = Decimal(rng.randint(20, 60))
    elif item.unit in ("天", "台", "箱", "件"):
        quantity = Decimal(rng.randint(1, 4))
    else:
        quantity = Decimal(1)
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


def _blue(
    rng: random.Random, numbers: _Numbers, company: Party, anchor: dt.date, index: int
) -> DemoInvoice:
    direction = "purchase" if rng.random() < PURCHASE_SHARE else "sales"
    offset = rng.randrange(DAYS)
    day = anchor - dt.timedelta(days=offset)
    if day.weekday() >= 5 and rng.random() < 0.7:  # fewer invoices at weekends
        day -= dt.timedelta(days=day.weekday() - 4)
    if direction == "purchase":
        seller, buyer = rng.choice(SELLERS), company
        names = list(seller.items)
        drawer = rng.choice(DRAWERS)
    else:
        seller, buyer = company, rng.choice(BUYERS)
        names = list(SALES_ITEMS)
        drawer = DRAWERS[index % 2]
    count = 1 if len(names) == 1 or rng.random() < 0.6 else rng.randint(2, min(3, len(names)))
    items = [ITEMS[n] for n in rng.sample(names, count)]
    special = _special(rng, direction, seller, items)
    # Legacy e-invoices belong to the older half of the year (数电 replaced them).
    legacy = offset > DAYS // 2 and rng.random() < 2 * LEGACY_SHARE
    if legacy:
        code, number, check = numbers.legacy(seller, day, special)
    else:
        code, number, check = "", numbers.digital(seller, day), ""
    return DemoInvoice(
        direction=direction,
        digital=not legacy,
        special=special,
        number=number,
        code=code,
        check_code=check,
        issue_date=day,
        seller=seller,
        buyer=buyer,
        lines=tuple(_line(rng, item) for item in items),
        drawer=drawer,
        remark=_remark(rng, direction, items, buyer),
    )


def _red(rng: random.Random, numbers: _Numbers, blue: DemoInvoice, anchor: dt.date) -> DemoInvoice:
    day = min(anchor, blue.issue_date + dt.timedelta(days=rng.randint(1, 40)))
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

    About 2 % of them are red invoices reversing an earlier blue 数电 invoice in full.
    """
    rng = random.Random(f"fapiao-demo:{seed}")  # noqa: S311 (seeded demo data, not secrets)
    numbers = _Numbers(rng)
    reds = int(size * RED_SHARE) if size >= 20 else (1 if size >= 5 else 0)
    blues = [_blue(rng, numbers, company, anchor, i) for i in range(size - reds)]
    reversible = [b for b in blues if b.digital and b.issue_date < anchor - dt.timedelta(days=5)]
    chosen = rng.sample(reversible, min(reds, len(reversible)))
    invoices = blues + [_red(rng, numbers, blue, anchor) for blue in chosen]
    invoices.sort(key=lambda inv: (inv.issue_date, inv.is_red, inv.key))
    return invoices
