"""Synthetic 数电 XML, OFD and ZIP files with known ground truth (tests and benchmarks).

``random_truth`` draws an invoice; ``einvoice_xml`` writes it as 数电 XML; ``ofd`` writes it as an
OFD package in one of the vendor variants of formats.md §5; ``zip_of`` packs files into a ZIP
(optionally with GBK member names, as Chinese Windows tools write them).  Hostile builders make
zip bombs, nested archives, path traversal names, encrypted members and entity-expansion XML.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

OFD_VARIANTS = (
    "attachment",  # Doc_0/Attachs/original_invoice.xml (legacy)
    "customtag_root",  # Tags/CustomTag.xml with <ofd:root>, 数电 style flat line tags
    "malformed_root",  # Tags/CustomTag.xml with <:eInvoice xmlns:="">
    "tag_invoice",  # Tags/Tag_Invoice.xml, fp: namespace, GoodsInfos
    "tpls_template",  # TPLS/TPL_0/Tag_e-invoice.xml referring to template text objects
    "customdata",  # only OFD.xml CustomData
)
DIGITAL_VARIANTS = ("customtag_root", "customdata")
"""Variants that can carry a 数电 (20-digit) invoice; the others are legacy layouts."""

_NAMES = (
    "北京示例科技有限公司",
    "上海测试贸易有限公司",
    "广州样例餐饮管理有限公司（分店）",
    "深圳某某咨询服务部",
)
_ITEMS = (("*信息技术服务*技术服务费", "0.06"), ("*餐饮服务*餐费", "0.03"), ("*谷物*稻谷", "0.09"))
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CENTS = Decimal("0.01")


@dataclass
class Line:
    name: str
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    rate: Decimal
    tax: Decimal


@dataclass
class Truth:
    """The ground truth of one synthetic invoice."""

    digital: bool
    number: str
    code: str | None
    check_code: str | None
    issue_date: dt.date
    seller_tax_id: str
    seller_name: str
    buyer_tax_id: str
    buyer_name: str
    lines: list[Line]
    is_red: bool = False
    special: bool = True
    original_number: str | None = None
    original_code: str | None = None
    red_confirmation_number: str | None = None
    drawer: str = "张三"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def net(self) -> Decimal:
        return sum((line.net for line in self.lines), Decimal("0.00"))

    @property
    def tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), Decimal("0.00"))

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax

    @property
    def kind(self) -> str:
        if self.digital:
            return "digital_special" if self.special else "digital_ordinary"
        return (
            "vat_special_electronic"
            if self.code and self.code.endswith("13")
            else ("vat_ordinary_electronic")
        )

    def key_fields(self) -> dict[str, Any]:
        """The fields every reader must get right, as the parse JSON writes them."""
        return {
            "kind": self.kind,
            "number": self.number,
            "code": self.code,
            "issue_date": self.issue_date.isoformat(),
            "seller.tax_id": self.seller_tax_id,
            "seller.name": self.seller_name,
            "buyer.tax_id": self.buyer_tax_id,
            "buyer.name": self.buyer_name,
            "net_amount": f"{self.net:.2f}",
            "tax_amount": f"{self.tax:.2f}",
            "gross_amount": f"{self.gross:.2f}",
            "is_red": self.is_red,
        }


def _uscc(rng: random.Random) -> str:
    return "91" + "".join(rng.choice(_USCC_CHARS) for _ in range(16))


def random_truth(rng: random.Random, *, digital: bool, red: bool = False) -> Truth:
    """A random invoice (legacy electronic or 数电), blue or red."""
    day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(1800))
    if digital:
        number = (
            f"{day.year % 100:02d}{rng.choice(['11', '31', '44'])}2{rng.randrange(10**15):015d}"
        )
        code = check = None
    else:
        number = f"{rng.randrange(10**8):08d}"
        code = (
            f"0{rng.choice(['1100', '3200', '4403'])}{day.year % 100:02d}{rng.randrange(1000):03d}"
        )
        code += rng.choice(["11", "13"])
        check = f"{rng.randrange(10**20):020d}"
    lines = []
    sign = -1 if red else 1
    for _ in range(rng.randint(1, 3)):
        name, rate = rng.choice(_ITEMS)
        quantity = Decimal(rng.randint(1, 5))
        price = Decimal(rng.randint(100, 100000)) / 100
        net = (quantity * price * sign).quantize(_CENTS)
        tax = (net * Decimal(rate)).quantize(_CENTS)
        lines.append(Line(name, quantity * sign, price, net, Decimal(rate), tax))
    truth = Truth(
        digital=digital,
        number=number,
        code=code,
        check_code=check,
        issue_date=day,
        seller_tax_id=_uscc(rng),
        seller_name=rng.choice(_NAMES),
        buyer_tax_id=_uscc(rng),
        buyer_name=rng.choice(_NAMES[::-1]),
        lines=lines,
        is_red=red,
        special=rng.random() < 0.5,
    )
    if red and digital:
        truth.original_number = f"{day.year % 100:02d}442{rng.randrange(10**15):015d}"
        truth.red_confirmation_number = f"{rng.randrange(10**20):020d}"
    elif red:
        truth.original_code = code
        truth.original_number = f"{rng.randrange(10**8):08d}"
    return truth


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def einvoice_xml(truth: Truth) -> bytes:
    """The invoice as 数电 XML (EInvoice), blue or red."""
    items = "".join(
        f"<IssuItemInformation><ItemName>{escape(line.name)}</ItemName><SpecMod></SpecMod>"
        f"<MeaUnits>次</MeaUnits><Quantity>{line.quantity}</Quantity><UnPrice>{line.unit_price}"
        f"</UnPrice><Amount>{_money(line.net)}</Amount><TaxRate>{line.rate}</TaxRate>"
        f"<ComTaxAm>{_money(line.tax)}</ComTaxAm><TotaltaxIncludedAmount>"
        f"{_money(line.net + line.tax)}</TotaltaxIncludedAmount>"
        f"<TaxClassificationCode>3040201990000000000</TaxClassificationCode>"
        f"</IssuItemInformation>"
        for line in truth.lines
    )
    red = ""
    if truth.is_red:
        red = (
            f"<RedEInvoice><OriginalInvoiceCode>{truth.original_number}</OriginalInvoiceCode>"
            f"<CreditNoteNumber>{truth.red_confirmation_number}</CreditNoteNumber></RedEInvoice>"
        )
    vat = "01" if truth.special else "02"
    xml = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<EInvoice><Header><EIid>{truth.number}</EIid><EInvoiceTag>SWEI4400</EInvoiceTag><Version>0.2</Version>
<InherentLabel><InIssuType><LabelCode>{"N" if truth.is_red else "Y"}</LabelCode></InIssuType>
<EInvoiceType><LabelCode>01</LabelCode></EInvoiceType>
<GeneralOrSpecialVAT><LabelCode>{vat}</LabelCode></GeneralOrSpecialVAT></InherentLabel></Header>
<EInvoiceData><SellerInformation><SellerIdNum>{truth.seller_tax_id}</SellerIdNum>
<SellerName>{escape(truth.seller_name)}</SellerName><SellerAddr>示例路1号</SellerAddr>
<SellerTelNum>010-12345678</SellerTelNum><SellerBankName>示例银行</SellerBankName>
<SellerBankAccNum>6222000011112222</SellerBankAccNum></SellerInformation>
<BuyerInformation><BuyerIdNum>{truth.buyer_tax_id}</BuyerIdNum>
<BuyerName>{escape(truth.buyer_name)}</BuyerName></BuyerInformation>
<BasicInformation><TotalAmWithoutTax>{_money(truth.net)}</TotalAmWithoutTax>
<TotalTaxAm>{_money(truth.tax)}</TotalTaxAm>
<TotalTax-includedAmount>{_money(truth.gross)}</TotalTax-includedAmount>
<TotalTax-includedAmountInChinese>（略）</TotalTax-includedAmountInChinese>
<Drawer>{truth.drawer}</Drawer>
<RequestTime>{truth.issue_date} 09:00:00</RequestTime></BasicInformation>
{items}<SpecificInformation>{red}</SpecificInformation>
<AdditionalInformation><Remark>合成测试</Remark></AdditionalInformation></EInvoiceData>
<TaxSupervisionInfo><InvoiceNumber>{truth.number}</InvoiceNumber>
<IssueTime>{truth.issue_date}</IssueTime></TaxSupervisionInfo></EInvoice>"""
    return xml.encode("utf-8")


# --- OFD -----------------------------------------------------------------------------------

_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def _remark(truth: Truth) -> str:
    if truth.is_red and not truth.digital:
        return f"对应正数发票代码:{truth.original_code}号码:{truth.original_number}"
    return "合成测试"


def _title(truth: Truth) -> str:
    if truth.digital:
        return "电子发票（增值税专用发票）" if truth.special else "电子发票（普通发票）"
    return (
        "北京增值税电子专用发票"
        if truth.kind == "vat_special_electronic"
        else "北京增值税电子普通发票"
    )


class _Texts:
    """Text objects with IDs, written into page or template content."""

    def __init__(self, start: int) -> None:
        self.next_id = start
        self.objects: list[tuple[int, list[str]]] = []

    def add(self, *parts: str) -> list[int]:
        ids = []
        for part in parts:
            self.objects.append((self.next_id, [part]))
            ids.append(self.next_id)
            self.next_id += 1
        return ids

    def content(self, root: str = "ofd:Page", template_id: int | None = None) -> str:
        body = "".join(
            f'<ofd:TextObject ID="{i}" Boundary="0 0 10 5" Font="1" Size="3">'
            + "".join(f'<ofd:TextCode X="0" Y="3">{escape(t)}</ofd:TextCode>' for t in texts)
            + "</ofd:TextObject>"
            for i, texts in self.objects
        )
        template = f'<ofd:Template TemplateID="{template_id}"/>' if template_id else ""
        layer = f'<ofd:Content><ofd:Layer ID="9">{body}</ofd:Layer></ofd:Content>'
        return f"{_HEADER}<{root} {_NS}>{template}{layer}</{root}>"


def _refs(ids: list[int], page: int = 1, prefix: str = "ofd") -> str:
    return "".join(f'<{prefix}:ObjectRef PageRef="{page}">{i}</{prefix}:ObjectRef>' for i in ids)


def _legacy_tag_body(truth: Truth, texts: _Texts, wrap: str = "", page: int = 1) -> str:
    """Custom-tag elements in the legacy eInvoice vocabulary (optionally prefixed ``fp:``)."""

    def tag(name: str, *values: str) -> str:
        return f"<{wrap}{name}>{_refs(texts.add(*values), page)}</{wrap}{name}>"

    goods = "".join(
        f"<{wrap}GoodsInfo>{tag('Item', line.name)}{tag('Quantity', str(line.quantity))}"
        f"{tag('Price', str(line.unit_price))}{tag('Amount', _money(line.net))}"
        f"{tag('TaxScheme', f'{int(line.rate * 100)}%')}{tag('TaxAmount', _money(line.tax))}"
        f"</{wrap}GoodsInfo>"
        for line in truth.lines
    )
    return (
        (tag("InvoiceCode", truth.code) if truth.code else "")
        + tag("InvoiceNo", truth.number)
        + tag("IssueDate", _cn_date(truth.issue_date))
        + (
            tag("InvoiceCheckCode", " ".join(truth.check_code[i : i + 5] for i in range(0, 20, 5)))
            if truth.check_code
            else ""
        )
        + f"<{wrap}Buyer>{tag('BuyerName', truth.buyer_name)}"
        + f"{tag('BuyerTaxID', truth.buyer_tax_id)}</{wrap}Buyer>"
        + f"<{wrap}Seller>{tag('SellerName', truth.seller_name)}"
        + f"{tag('SellerTaxID', truth.seller_tax_id)}</{wrap}Seller>"
        + tag("TaxInclusiveTotalAmount", "¥", _money(truth.gross))
        + tag("TaxExclusiveTotalAmount", "¥", _money(truth.net))
        + tag("TaxTotalAmount", "¥", _money(truth.tax))
        + tag("Note", _remark(truth))
        + tag("InvoiceClerk", truth.drawer)
        + f"<{wrap}GoodsInfos>{goods}</{wrap}GoodsInfos>"
    )


def _custom_data(truth: Truth, full: bool) -> str:
    data = {
        "发票号码": truth.number,
        "开票日期": _cn_date(truth.issue_date),
        "合计金额": _money(truth.net),
        "合计税额": _money(truth.tax),
        "购买方纳税人识别号": truth.buyer_tax_id,
        "销售方纳税人识别号": truth.seller_tax_id,
    }
    if truth.code:
        data["发票代码"] = truth.code
    if truth.check_code:
        data["校验码"] = " ".join(truth.check_code[i : i + 5] for i in range(0, 20, 5))
    if full:
        data.update(
            {
                "价税合计": _money(truth.gross),
                "购买方名称": truth.buyer_name,
                "销售方名称": truth.seller_name,
            }
        )
        if truth.is_red:
            data["开票类型"] = "红字发票"
    items = "".join(
        f'<ofd:CustomData Name="{k}">{escape(v)}</ofd:CustomData>' for k, v in data.items()
    )
    return f'<ofd:CustomData Name="template-version">1.0</ofd:CustomData>{items}'


def _attachment_xml(truth: Truth) -> str:
    goods = "".join(
        f"<fp:GoodsInfo><fp:Item>{escape(line.name)}</fp:Item><fp:Price>{line.unit_price}</fp:Price>"
        f"<fp:Quantity>{line.quantity}</fp:Quantity><fp:Amount>{_money(line.net)}</fp:Amount>"
        f"<fp:TaxScheme>{int(line.rate * 100)}%</fp:TaxScheme>"
        f"<fp:TaxAmount>{_money(line.tax)}</fp:TaxAmount>"
        f"</fp:GoodsInfo>"
        for line in truth.lines
    )
    qr = qr_payload(truth)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019" Version="1.0">'
        f"<fp:InvoiceCode>{truth.code}</fp:InvoiceCode><fp:InvoiceNo>{truth.number}</fp:InvoiceNo>"
        f"<fp:TypeCode>0</fp:TypeCode><fp:IssueDate>{_cn_date(truth.issue_date)}</fp:IssueDate>"
        f"<fp:InvoiceCheckCode>{truth.check_code}</fp:InvoiceCheckCode>"
        f"<fp:Buyer><fp:BuyerName>{escape(truth.buyer_name)}</fp:BuyerName>"
        f"<fp:BuyerTaxID>{truth.buyer_tax_id}</fp:BuyerTaxID></fp:Buyer>"
        f"<fp:Seller><fp:SellerName>{escape(truth.seller_name)}</fp:SellerName>"
        f"<fp:SellerTaxID>{truth.seller_tax_id}</fp:SellerTaxID></fp:Seller>"
        f"<fp:TaxInclusiveTotalAmount>{_money(truth.gross)}</fp:TaxInclusiveTotalAmount>"
        f"<fp:Note>{_remark(truth)}</fp:Note><fp:InvoiceClerk>{truth.drawer}</fp:InvoiceClerk>"
        f"<fp:TaxTotalAmount>{_money(truth.tax)}</fp:TaxTotalAmount>"
        f"<fp:TaxExclusiveTotalAmount>{_money(truth.net)}</fp:TaxExclusiveTotalAmount>"
        f"<fp:GraphCode>{qr}</fp:GraphCode><fp:GoodsInfos>{goods}</fp:GoodsInfos></eInvoice>"
    )


def qr_payload(truth: Truth) -> str:
    """The QR text printed on the invoice (formats.md §3): 价税合计 on 数电, 金额 on legacy."""
    date = f"{truth.issue_date:%Y%m%d}"
    if truth.digital:
        kind = "31" if truth.special else "32"
        return f"01,{kind},,{truth.number},{_money(truth.gross)},{date},,A1B2"
    kind = "20" if truth.kind == "vat_special_electronic" else "10"
    return (
        f"01,{kind},{truth.code},{truth.number},{_money(truth.net)},{date},{truth.check_code},0941,"
    )


def qr_png(payload: str) -> bytes:
    """A QR code image (PNG) of ``payload``, as OFD packages keep it under ``Res/``."""
    import qrcode

    code = qrcode.QRCode(border=2, box_size=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").get_image().convert("L").save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def ofd(truth: Truth, variant: str, *, qr_image: bool = False) -> bytes:
    """The invoice as an OFD package in one vendor variant (see OFD_VARIANTS); with
    ``qr_image``, its QR code as a PNG in ``Doc_0/Res/`` (read with ``--verify-qr``)."""
    if variant not in OFD_VARIANTS:
        raise ValueError(variant)
    if truth.digital and variant not in DIGITAL_VARIANTS:
        raise ValueError(f"{variant} is a legacy layout")
    files: dict[str, str] = {}
    template = _Texts(2)
    template.add(_title(truth), "发票号码：", "开票日期：")
    page = _Texts(100)
    template_dir = "Tpls/Tpl_0"
    tags_loc: str | None = None
    if variant == "attachment":
        files["Doc_0/Attachs/Attachments.xml"] = (
            f"{_HEADER}<ofd:Attachments {_NS}>"
            '<ofd:Attachment ID="98" Name="original_invoice" Format="xml">'
            "<ofd:FileLoc>original_invoice.xml</ofd:FileLoc></ofd:Attachment></ofd:Attachments>"
        )
        files["Doc_0/Attachs/original_invoice.xml"] = _attachment_xml(truth)
    elif variant == "customtag_root":
        tag = lambda name, *vals: f"<ofd:{name}>{_refs(page.add(*vals))}</ofd:{name}>"  # noqa: E731
        line = truth.lines[0]
        body = (
            tag("InvoiceNo", truth.number)
            + tag("IssueDate", _cn_date(truth.issue_date))
            + f"<ofd:Buyer>{tag('BuyerName', truth.buyer_name)}"
            + f"{tag('BuyerTaxID', truth.buyer_tax_id)}</ofd:Buyer>"
            + f"<ofd:Seller>{tag('SellerName', truth.seller_name)}"
            + f"{tag('SellerTaxID', truth.seller_tax_id)}</ofd:Seller>"
            + tag("TaxExclusiveTotalAmount", "¥", _money(truth.net))
            + tag("TaxTotalAmount", "¥", _money(truth.tax))
            + tag("TaxInclusiveTotalAmount", "¥", _money(truth.gross))
            + tag("InvoiceClerk", truth.drawer)
            + tag("Item", line.name[:6], line.name[6:])
            + tag("Amount", _money(line.net))
            + tag("Note", "    ", "收款人:李四;")
        )
        files["Doc_0/Tags/CustomTag.xml"] = (
            f'{_HEADER}<ofd:root {_NS} version="1.0">{body}</ofd:root>'
        )
        tags_loc = "CustomTag.xml"
    elif variant == "malformed_root":
        body = _legacy_tag_body(truth, page)
        files["Doc_0/Tags/CustomTag.xml"] = f'{_HEADER}<:eInvoice xmlns:="">{body}</:eInvoice>'
        tags_loc = "CustomTag.xml"
    elif variant == "tag_invoice":
        body = _legacy_tag_body(truth, page, wrap="fp:")
        files["Doc_0/Tags/Tag_Invoice.xml"] = (
            f'{_HEADER}<fp:e-invoice {_NS} xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019">'
            f"<fp:eInvoice>{body}</fp:eInvoice></fp:e-invoice>"
        )
        tags_loc = "Tag_Invoice.xml"
    elif variant == "tpls_template":
        template_dir = "TPLS/TPL_0"
        body = _legacy_tag_body(truth, template, wrap="fp:", page=1)
        files["Doc_0/TPLS/TPL_0/Tag_e-invoice.xml"] = (
            f'{_HEADER}<fp:e-invoice {_NS} xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019">'
            f"<fp:eInvoice>{body}</fp:eInvoice></fp:e-invoice>"
        )
        tags_loc = "Tag_e-invoice.xml"  # lives under TPLS/TPL_0: found by name
    if tags_loc:
        files["Doc_0/Tags/CustomTags.xml"] = (
            f'{_HEADER}<ofd:CustomTags {_NS}><ofd:CustomTag TypeID="invoice">'
            f"<ofd:FileLoc>{tags_loc}</ofd:FileLoc></ofd:CustomTag></ofd:CustomTags>"
        )
    files["Doc_0/Pages/Page_0/Content.xml"] = page.content(template_id=2)
    files[f"Doc_0/{template_dir}/Content.xml"] = template.content()
    document = (
        f"{_HEADER}<ofd:Document {_NS}><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID>"
        f'<ofd:TemplatePage ID="2" BaseLoc="{template_dir}/Content.xml"/></ofd:CommonData>'
        '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
        + (
            "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>"
            if variant == "attachment"
            else ""
        )
        + ("<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>" if tags_loc else "")
        + "</ofd:Document>"
    )
    files["Doc_0/Document.xml"] = document
    full = variant in ("customdata", "customtag_root")
    ofd_xml = (
        f'{_HEADER}<ofd:OFD {_NS} DocType="OFD" Version="1.1"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>x</ofd:DocID><ofd:CustomDatas>{_custom_data(truth, full)}</ofd:CustomDatas>"
        "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    members = {"OFD.xml": ofd_xml, **files}
    packed = {name: text.encode("utf-8") for name, text in members.items()}
    if qr_image:
        packed["Doc_0/Res/qr.png"] = qr_png(qr_payload(truth))
    return zip_of(packed)


# --- ZIP and hostile input -----------------------------------------------------------------


def zip_of(members: dict[str, bytes], *, gbk_names: bool = False) -> bytes:
    """A ZIP of the members; with ``gbk_names`` non-ASCII names are GBK without the UTF-8 flag."""
    buffer = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members.items()):
            stored = name
            if gbk_names and not name.isascii():
                raw = name.encode("gbk")
                placeholder = f"~{i:0{len(raw) - 1}d}"[: len(raw)].encode("ascii")
                swaps.append((placeholder, raw))
                stored = placeholder.decode("ascii")
            archive.writestr(stored, data)
    out = buffer.getvalue()
    for placeholder, raw in swaps:
        out = out.replace(placeholder, raw)
    return out


def zip_bomb(size: int = 8 * 1024 * 1024) -> bytes:
    """A ZIP whose one member is ``size`` zero bytes (compresses about 1000:1)."""
    return zip_of({"bomb.xml": b"\0" * size})


def nested_zip(inner: bytes, depth: int, name: str = "invoice.xml") -> bytes:
    """``inner`` wrapped in ``depth`` levels of ZIP."""
    data = zip_of({name: inner})
    for level in range(depth - 1):
        data = zip_of({f"level{level}.zip": data})
    return data


def encrypted_zip(members: dict[str, bytes]) -> bytes:
    """A ZIP whose members claim to be encrypted (flag bit 0 set in both headers)."""
    out = bytearray(zip_of(members))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        while at != -1:
            out[at + offset] |= 0x1
            at = out.find(signature, at + 4)
    return bytes(out)


def billion_laughs(levels: int = 10) -> bytes:
    """The entity-expansion attack, rooted at EInvoice so it looks like an invoice."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, levels)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE EInvoice [' + "".join(entities) + "]>\n"
        f"<EInvoice><Header><EIid>&lol{levels - 1};</EIid></Header></EInvoice>"
    ).encode()


def unzip(data: bytes) -> dict[str, bytes]:
    """The members of a ZIP (to tamper with one)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _bench(count: int = 400) -> None:
    """Files per second on one core: ``python tests/corpus/xml_ofd.py``."""
    import time

    from fapiao.core.parsing.api import parse_bytes
    from fapiao.core.parsing.base import ParseOptions
    from fapiao.core.parsing.ofd import read_ofd
    from fapiao.core.parsing.xml_invoice import XmlParser

    rng = random.Random(0)
    xmls = [einvoice_xml(random_truth(rng, digital=True)) for _ in range(count)]
    ofds = [
        ofd(random_truth(rng, digital=False), OFD_VARIANTS[i % 5]) for i in range(count)
    ]  # the five legacy variants with structured data
    options = ParseOptions()
    parse_bytes(xmls[0])  # load the rules once
    for label, files, func in (
        ("XML reader", xmls, lambda d: XmlParser().parse(d, options)),
        ("XML parse_bytes (sniff+read+rules)", xmls, lambda d: parse_bytes(d)),
        ("OFD reader", ofds, lambda d: read_ofd(d, options)),
        ("OFD parse_bytes (sniff+read+rules)", ofds, lambda d: parse_bytes(d)),
    ):
        start = time.perf_counter()
        for data in files:
            func(data)
        elapsed = time.perf_counter() - start
        print(f"{label:38} {len(files) / elapsed:8.0f} files/s")


if __name__ == "__main__":
    _bench()
