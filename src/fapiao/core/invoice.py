"""The invoice (发票) as the domain sees it: frozen dataclasses with Decimal money.

Field names follow GLOSSARY.md: ``net_amount`` 金额 (excluding tax), ``tax_amount`` 税额,
``gross_amount`` 价税合计.  Identifiers are strings and keep their leading zeros.  ``issue_date``
is a business date in China Standard Time.  Every field may carry a :class:`FieldInfo` saying
where its value came from and how sure the reader is of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo

from fapiao.core.findings import Finding

CHINA_TZ = ZoneInfo("Asia/Shanghai")
"""Business dates (开票日期, 所属期) are China Standard Time."""


def china_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in China (a month boundary is Beijing's midnight, not UTC's)."""
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(CHINA_TZ).date()


class InvoiceKind(StrEnum):
    """发票种类 (invoice kind): the fixed list fapiao knows; see GLOSSARY.md."""

    DIGITAL_SPECIAL = "digital_special"  # 数电专票 (电子发票（增值税专用发票）)
    DIGITAL_ORDINARY = "digital_ordinary"  # 数电普票 (电子发票（普通发票）)
    DIGITAL_PAPER_SPECIAL = "digital_paper_special"  # 数电纸质专票
    DIGITAL_PAPER_ORDINARY = "digital_paper_ordinary"  # 数电纸质普票
    VAT_SPECIAL_PAPER = "vat_special_paper"  # 增值税专用发票 (纸质)
    VAT_SPECIAL_ELECTRONIC = "vat_special_electronic"  # 增值税电子专用发票
    VAT_ORDINARY_PAPER = "vat_ordinary_paper"  # 增值税普通发票 (纸质, 含折叠票)
    VAT_ORDINARY_ELECTRONIC = "vat_ordinary_electronic"  # 增值税电子普通发票
    VAT_ORDINARY_ROLL = "vat_ordinary_roll"  # 增值税普通发票（卷式）
    TOLL = "toll"  # 通行费电子普通发票
    RAILWAY_TICKET = "railway_ticket"  # 铁路电子客票
    AIR_ITINERARY = "air_itinerary"  # 航空电子客票行程单
    MOTOR_VEHICLE = "motor_vehicle"  # 机动车销售统一发票
    OTHER = "other"  # 其他

    @property
    def label(self) -> str:
        """The Chinese name of the kind."""
        return KIND_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """The English name of the kind."""
        return KIND_LABELS[self][1]

    @property
    def is_digital(self) -> bool:
        """数电票: identified by a 20-digit number (the paper variants carry one too)."""
        return self in DIGITAL_KINDS

    @property
    def is_special(self) -> bool:
        """专用发票: the kinds whose input tax is deductible on the invoice itself."""
        return self in SPECIAL_KINDS


KIND_LABELS: dict[InvoiceKind, tuple[str, str]] = {
    InvoiceKind.DIGITAL_SPECIAL: ("数电专票", "Digital VAT special invoice"),
    InvoiceKind.DIGITAL_ORDINARY: ("数电普票", "Digital ordinary invoice"),
    InvoiceKind.DIGITAL_PAPER_SPECIAL: ("数电纸质专票", "Digital-era paper special invoice"),
    InvoiceKind.DIGITAL_PAPER_ORDINARY: ("数电纸质普票", "Digital-era paper ordinary invoice"),
    InvoiceKind.VAT_SPECIAL_PAPER: ("增值税专用发票", "VAT special invoice (paper)"),
    InvoiceKind.VAT_SPECIAL_ELECTRONIC: ("增值税电子专用发票", "VAT electronic special invoice"),
    InvoiceKind.VAT_ORDINARY_PAPER: ("增值税普通发票", "VAT ordinary invoice (paper)"),
    InvoiceKind.VAT_ORDINARY_ELECTRONIC: ("增值税电子普通发票", "VAT electronic ordinary invoice"),
    InvoiceKind.VAT_ORDINARY_ROLL: ("增值税普通发票（卷式）", "VAT ordinary invoice (roll)"),
    InvoiceKind.TOLL: ("通行费电子普通发票", "Toll-road electronic invoice"),
    InvoiceKind.RAILWAY_TICKET: ("铁路电子客票", "Railway e-ticket"),
    InvoiceKind.AIR_ITINERARY: ("航空电子客票行程单", "Air e-ticket itinerary"),
    InvoiceKind.MOTOR_VEHICLE: ("机动车销售统一发票", "Motor vehicle sales invoice"),
    InvoiceKind.OTHER: ("其他发票", "Other invoice"),
}

DIGITAL_KINDS = frozenset(
    {
        InvoiceKind.DIGITAL_SPECIAL,
        InvoiceKind.DIGITAL_ORDINARY,
        InvoiceKind.DIGITAL_PAPER_SPECIAL,
        InvoiceKind.DIGITAL_PAPER_ORDINARY,
        InvoiceKind.RAILWAY_TICKET,
        InvoiceKind.AIR_ITINERARY,
    }
)
SPECIAL_KINDS = frozenset(
    {
        InvoiceKind.DIGITAL_SPECIAL,
        InvoiceKind.DIGITAL_PAPER_SPECIAL,
        InvoiceKind.VAT_SPECIAL_PAPER,
        InvoiceKind.VAT_SPECIAL_ELECTRONIC,
        InvoiceKind.MOTOR_VEHICLE,
    }
)


class Direction(StrEnum):
    """进项 (purchase: the company is the buyer) or 销项 (sales: the company is the seller)."""

    PURCHASE = "purchase"
    SALES = "sales"


class SpecialRate(StrEnum):
    """税率 that is not a percentage: 免税 (exempt) or 不征税 (not taxed, printed ``*``)."""

    EXEMPT = "exempt"
    NOT_TAXED = "not_taxed"


TaxRate = Decimal | SpecialRate
"""A line's 税率: a fraction such as ``Decimal("0.13")``, or a :class:`SpecialRate`."""


class FieldSource(StrEnum):
    """Where a field's value came from, most trustworthy first (see :attr:`trust`)."""

    MANUAL = "manual"  # a person corrected it
    XML = "xml"  # 数电 XML
    OFD = "ofd"  # OFD attachment, custom tags or CustomData
    QR = "qr"  # the printed QR code
    EXPORT = "export"  # a row of the tax bureau's export
    PDF_TEXT = "pdf_text"  # the PDF text layer
    OCR = "ocr"  # optical character recognition

    @property
    def trust(self) -> int:
        """Higher is more trustworthy."""
        return _TRUST[self]


_TRUST = {source: len(FieldSource) - i for i, source in enumerate(FieldSource)}


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """Provenance of one field: its source and the reader's confidence (0..1)."""

    source: FieldSource
    confidence: float = 1.0


class Trust(IntEnum):
    """Confidence levels used by the readers, so that numbers mean the same everywhere."""

    CERTAIN = 100  # structured data (XML element, QR field)
    HIGH = 95  # structured but indirect (OFD tag reference, export row)
    GOOD = 85  # layout-based text extraction
    FAIR = 70  # OCR with a good score
    LOW = 40  # a guess that needs a person

    @property
    def confidence(self) -> float:
        """As a fraction."""
        return self.value / 100


@dataclass(frozen=True, slots=True)
class Party:
    """销售方 / 购买方 (seller / buyer)."""

    name: str | None = None
    tax_id: str | None = None  # 纳税人识别号 / 统一社会信用代码
    address_phone: str | None = None  # 地址、电话
    bank_account: str | None = None  # 开户行及账号


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One line (货物或应税劳务、服务) of an invoice."""

    name: str | None = None  # 项目名称, e.g. *住宿服务*住宿费
    specification: str | None = None  # 规格型号
    unit: str | None = None  # 单位
    quantity: Decimal | None = None  # 数量 (up to 13 decimals)
    unit_price: Decimal | None = None  # 单价 (up to 13 decimals, excluding tax)
    net_amount: Decimal | None = None  # 金额
    tax_rate: TaxRate | None = None  # 税率
    tax_amount: Decimal | None = None  # 税额
    tax_code: str | None = None  # 税收分类编码


@dataclass(frozen=True, slots=True)
class Invoice:
    """发票: one invoice with its parties, lines, provenance and findings."""

    kind: InvoiceKind = InvoiceKind.OTHER
    direction: Direction | None = None
    number: str | None = None  # 发票号码: 8 digits, or the 20-digit 数电 number
    code: str | None = None  # 发票代码: 10 or 12 digits, legacy and 数电纸质 only
    digital_number: str | None = None  # 数电票号码 printed on a 数电纸质 invoice
    check_code: str | None = None  # 校验码: 20 digits, legacy only
    issue_date: dt.date | None = None  # 开票日期 (China time)
    seller: Party = field(default_factory=Party)
    buyer: Party = field(default_factory=Party)
    net_amount: Decimal | None = None  # 合计金额
    tax_amount: Decimal | None = None  # 合计税额
    gross_amount: Decimal | None = None  # 价税合计
    gross_amount_text: str | None = None  # 价税合计（大写）, as printed
    lines: tuple[InvoiceLine, ...] = ()
    is_red: bool = False  # 红字发票
    original_number: str | None = None  # 对应蓝字发票号码
    original_code: str | None = None  # 对应蓝字发票代码 (legacy)
    red_confirmation_number: str | None = None  # 红字发票信息确认单编号
    remark: str | None = None  # 备注
    drawer: str | None = None  # 开票人
    fields: Mapping[str, FieldInfo] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    @property
    def identity(self) -> tuple[str, str] | None:
        """The key the tax bureau knows it by: ("", 数电号码) or (发票代码, 发票号码)."""
        if self.digital_number:
            return ("", self.digital_number)
        if self.number and len(self.number) == 20:
            return ("", self.number)
        if self.code and self.number:
            return (self.code, self.number)
        return None
