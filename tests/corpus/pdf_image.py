"""Synthetic PDF and image invoices with known ground truth (tests and benchmarks).

``random_invoice`` draws an :class:`~fapiao.core.invoice.Invoice` (the ground truth);
``invoice_pdf`` draws invoices with reportlab on A5 landscape pages (595×397 pt) in the 数电 or
the legacy layout, labels and values as separate text runs, the QR (``qrcode``) carrying a
payload consistent with the invoice, in the CJK font WenQuanYi Micro Hei (fallback: reportlab's
STSong-Light); ``degraded_image`` renders a page with pypdfium2 and applies pinned degradations
(dpi, perspective, rotation, blur, JPEG) with PIL only, recording where everything moved.
``FakeOcrEngine`` answers OCR calls from that ground truth (see its docstring).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import qrcode
from PIL import Image, ImageFilter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from fapiao.core.amounts.uppercase import to_uppercase
from fapiao.core.invoice import Invoice, InvoiceKind, InvoiceLine, Party
from fapiao.core.parsing.ocr import OcrBox
from fapiao.core.parsing.qr_decode import find_qr

PAGE = (595.0, 397.0)
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
KEY_FIELDS = (
    "number",
    "code",
    "issue_date",
    "seller.tax_id",
    "seller.name",
    "buyer.tax_id",
    "buyer.name",
    "net_amount",
    "tax_amount",
    "gross_amount",
    "is_red",
)
_NAMES = (
    "北京示例科技有限公司",
    "上海测试贸易有限公司",
    "广州样例餐饮管理有限公司（分店）",
    "深圳某某咨询服务部",
    "杭州云端数据服务有限责任公司",
    "成都锦城酒店管理有限公司",
)
_ITEMS = (
    ("*信息技术服务*技术服务费", "项", "0.06"),
    ("*餐饮服务*餐费", "次", "0.03"),
    ("*谷物*稻谷", "千克", "0.09"),
    ("*住宿服务*住宿费", "天", "0.06"),
    ("*电子计算机*笔记本电脑及其配套外设和软件服务包", "台", "0.13"),
)
_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CENTS = Decimal("0.01")


def _font() -> str:
    if "FapiaoCJK" not in pdfmetrics.getRegisteredFontNames():
        if WQY.exists():
            pdfmetrics.registerFont(TTFont("FapiaoCJK", str(WQY), subfontIndex=0))
        else:
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            return "STSong-Light"
    return "FapiaoCJK"


def random_invoice(rng: random.Random, *, digital: bool, red: bool = False) -> Invoice:
    """A random invoice (数电 or legacy electronic), blue or red, as the ground truth."""
    day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1800))
    special = rng.random() < 0.5
    sign = -1 if red else 1
    lines = []
    for _ in range(rng.randint(1, 3)):
        name, unit, rate = rng.choice(_ITEMS)
        quantity = Decimal(rng.randint(1, 9)) * sign
        price = Decimal(rng.randint(100, 200000)) / 100
        net = (quantity * price).quantize(_CENTS)
        tax = (net * Decimal(rate)).quantize(_CENTS)
        lines.append(InvoiceLine(name, None, unit, quantity, price, net, Decimal(rate), tax))
    net = sum((line.net_amount or Decimal(0) for line in lines), Decimal("0.00"))
    tax = sum((line.tax_amount or Decimal(0) for line in lines), Decimal("0.00"))
    seller, buyer = rng.sample(_NAMES, 2)
    common = {
        "issue_date": day,
        "seller": Party(seller.replace("（", "(").replace("）", ")"), _uscc(rng)),
        "buyer": Party(buyer.replace("（", "(").replace("）", ")"), _uscc(rng)),
        "net_amount": net,
        "tax_amount": tax,
        "gross_amount": net + tax,
        "gross_amount_text": to_uppercase(net + tax),
        "lines": tuple(lines),
        "is_red": red,
        "drawer": rng.choice(["张三", "李四", "王小明"]),
    }
    if digital:
        number = (
            f"{day.year % 100:02d}{rng.choice(['11', '31', '44'])}2{rng.randrange(10**15):015d}"
        )
        kind = InvoiceKind.DIGITAL_SPECIAL if special else InvoiceKind.DIGITAL_ORDINARY
        invoice = Invoice(kind=kind, number=number, **common)  # type: ignore[arg-type]
        if red:
            invoice = dataclasses.replace(
                invoice,
                original_number=f"{day.year % 100:02d}442{rng.randrange(10**15):015d}",
                red_confirmation_number=f"{rng.randrange(10**20):020d}",
            )
        return invoice
    code = f"0{rng.choice(['1100', '3200', '4403'])}{day.year % 100:02d}{rng.randrange(1000):03d}"
    code += "13" if special else "11"
    kind = InvoiceKind.VAT_SPECIAL_ELECTRONIC if special else InvoiceKind.VAT_ORDINARY_ELECTRONIC
    invoice = Invoice(
        kind=kind,
        number=f"{rng.randrange(10**8):08d}",
        code=code,
        check_code=f"{rng.randrange(10**20):020d}",
        **common,  # type: ignore[arg-type]
    )
    if red:
        invoice = dataclasses.replace(
            invoice, original_code=code, original_number=f"{rng.randrange(10**8):08d}"
        )
    return invoice


def _uscc(rng: random.Random) -> str:
    return "91" + "".join(rng.choice(_USCC) for _ in range(16))


def qr_payload(invoice: Invoice) -> str:
    """The QR text printed on the invoice (formats.md §3)."""
    date = invoice.issue_date.strftime("%Y%m%d") if invoice.issue_date else ""
    if invoice.code is None:
        kind = "31" if invoice.kind is InvoiceKind.DIGITAL_SPECIAL else "32"
        return f"01,{kind},,{invoice.number},{invoice.gross_amount:.2f},{date},,A1B2"
    kind = "20" if invoice.kind is InvoiceKind.VAT_SPECIAL_ELECTRONIC else "10"
    return (
        f"01,{kind},{invoice.code},{invoice.number},{invoice.net_amount:.2f},{date},"
        f"{invoice.check_code},C3D4,"
    )


@dataclass
class TextRun:
    """One drawn string and its box in page points (top-down)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class PageTruth:
    """What is on one page: the text runs and the QR's box (points, top-down)."""

    runs: list[TextRun] = field(default_factory=list)
    qr_box: tuple[float, float, float, float] | None = None


class _Painter:
    def __init__(self, c: rl_canvas.Canvas, spaced: bool) -> None:
        self.c = c
        self.font = _font()
        self.spaced = spaced
        self.page = PageTruth()
        self.qr_text: str | None = None

    def text(self, x: float, y: float, text: str, size: float = 9, align: str = "left") -> float:
        space = size * 0.35 if self.spaced else 0.0
        width = pdfmetrics.stringWidth(text, self.font, size) + space * max(len(text) - 1, 0)
        if align == "right":
            x -= width
        elif align == "centre":
            x -= width / 2
        obj = self.c.beginText()
        obj.setFont(self.font, size)
        obj.setCharSpace(space)
        obj.setTextOrigin(x, PAGE[1] - y)
        obj.textOut(text)
        self.c.drawText(obj)
        self.page.runs.append(TextRun(text, x, y - 0.85 * size, x + width, y + 0.2 * size))
        return x + width

    def pair(
        self, x: float, y: float, label: str, value: str, size: float = 9, at: float = 0
    ) -> None:
        """A label and its value as two runs, the value at ``at`` or just after the label."""
        end = self.text(x, y, label, size)
        self.text(max(at, end + 3), y, value, size)

    def vertical(self, x: float, y: float, text: str, step: float = 11, size: float = 8) -> None:
        for i, ch in enumerate(text):
            self.text(x, y + i * step, ch, size)

    def qr(self, x: float, y: float, size: float, payload: str, vector: bool) -> None:
        code = qrcode.QRCode(
            border=0, box_size=4, error_correction=qrcode.constants.ERROR_CORRECT_M
        )
        code.add_data(payload)
        code.make(fit=True)
        matrix = code.get_matrix()
        n = len(matrix)
        if vector:
            cell = size / n
            self.c.setFillColorRGB(0, 0, 0)
            for r, row in enumerate(matrix):
                for col, dark in enumerate(row):
                    if dark:
                        top = PAGE[1] - y - (r + 1) * cell
                        self.c.rect(x + col * cell, top, cell, cell, stroke=0, fill=1)
        else:
            image = code.make_image(fill_color="black", back_color="white").get_image()
            buf = io.BytesIO()
            image.convert("L").save(buf, format="PNG")
            buf.seek(0)
            from reportlab.lib.utils import ImageReader

            self.c.drawImage(ImageReader(buf), x, PAGE[1] - y - size, size, size)
        self.page.qr_box = (x, y, x + size, y + size)


def _money(value: Decimal | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def _num(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _rate(value: object) -> str:
    return f"{Decimal(str(value)) * 100:.0f}%" if isinstance(value, Decimal) else "免税"


_COLS = {"name": 62, "spec": 150, "unit": 205, "qty": 250, "price": 305, "amount": 375}
_COLS |= {"rate": 440, "tax": 530}


def _items(p: _Painter, lines: tuple[InvoiceLine, ...], y: float, header: str | None) -> float:
    if header is not None:
        p.text(_COLS["name"], y, header, 8, "centre")
        for key, label in (("spec", "规格型号"), ("unit", "单 位"), ("qty", "数 量")):
            p.text(_COLS[key], y, label, 8, "centre")
        for key, label in (("price", "单 价"), ("amount", "金 额"), ("rate", "税率/征收率")):
            p.text(_COLS[key], y, label, 8, "centre")
        p.text(_COLS["tax"], y, "税 额", 8, "centre")
        y += 13
    for line in lines:
        name = line.name or ""
        width = 9 if p.spaced else 14
        chunks = [name[i : i + width] for i in range(0, len(name), width)] or [""]
        p.text(16, y, chunks[0], 8)
        p.text(_COLS["unit"], y, line.unit or "", 8, "centre")
        p.text(_COLS["qty"] + 20, y, _num(line.quantity), 8, "right")
        p.text(_COLS["price"] + 30, y, _num(line.unit_price), 8, "right")
        p.text(_COLS["amount"] + 30, y, _money(line.net_amount), 8, "right")
        p.text(_COLS["rate"], y, _rate(line.tax_rate), 8, "centre")
        p.text(_COLS["tax"] + 40, y, _money(line.tax_amount), 8, "right")
        y += 11
        for chunk in chunks[1:]:
            p.text(16, y, chunk, 8)
            y += 11
    return y


def _draw_digital(
    p: _Painter, inv: Invoice, qr_vector: bool, part: str = "all", split: int = 0
) -> None:
    if part == "tail":
        _digital_totals(p, inv, _items(p, inv.lines[split:], 30, None))
        return
    title = (
        "电子发票（增值税专用发票）"
        if inv.kind is InvoiceKind.DIGITAL_SPECIAL
        else "电子发票（普通发票）"
    )
    p.qr(20, 12, 58, p.qr_text or qr_payload(inv), qr_vector)
    p.text(297, 38, title, 15, "centre")
    p.pair(420, 32, "发票号码：", inv.number or "", 9, at=468)
    p.pair(420, 50, "开票日期：", f"{inv.issue_date:%Y年%m月%d日}", 9, at=468)
    for x, party, label in ((14, inv.buyer, "购买方信息"), (300, inv.seller, "销售方信息")):
        p.vertical(x, 92, label)
        p.pair(x + 14, 98, "名称：", party.name or "", 9)
        end = p.text(x + 14, 130, "统一社会信用代码/纳税人识别号：", 7)
        p.text(end + 2, 130, party.tax_id or "", 8 if p.spaced else 10)
    y = _items(p, inv.lines[:split] if part == "head" else inv.lines, 160, "项目名称")
    if part != "head":
        _digital_totals(p, inv, y)


def _digital_totals(p: _Painter, inv: Invoice, y: float) -> None:
    y = max(y + 8, 290)
    p.text(60, y, "合", 9, "centre")
    p.text(110, y, "计", 9, "centre")
    p.text(_COLS["amount"] + 30, y, f"¥{_money(inv.net_amount)}", 9, "right")
    p.text(_COLS["tax"] + 40, y, f"¥{_money(inv.tax_amount)}", 9, "right")
    p.text(30, y + 20, "价税合计（大写）", 9)
    p.text(160, y + 20, f"⊗{inv.gross_amount_text}", 9)
    p.text(400, y + 20, "（小写）", 9)
    p.text(440, y + 20, f"¥{_money(inv.gross_amount)}", 10)
    p.vertical(14, y + 38, "备注", 16, 8)
    if inv.is_red:
        p.text(40, y + 38, f"被红冲蓝字数电发票号码：{inv.original_number}", 8)
        p.text(40, y + 49, f"红字发票信息确认单编号：{inv.red_confirmation_number}", 8)
    else:
        p.text(40, y + 38, "购买方地址:示例路1号; 电话:-;", 8)
    p.pair(40, y + 78, "开票人：", inv.drawer or "", 9)


def _draw_legacy(p: _Painter, inv: Invoice, qr_vector: bool) -> None:
    title = (
        "增值税电子专用发票"
        if inv.kind is InvoiceKind.VAT_SPECIAL_ELECTRONIC
        else "增值税电子普通发票"
    )
    p.qr(20, 10, 52, p.qr_text or qr_payload(inv), qr_vector)
    p.text(297, 32, title, 15, "centre")
    if inv.is_red:
        p.text(297, 50, "销项负数", 9, "centre")
    for y, label, value in (
        (20, "发票代码：", inv.code or ""),
        (33, "发票号码：", inv.number or ""),
        (46, "开票日期：", f"{inv.issue_date:%Y年%m月%d日}"),
    ):
        p.pair(410, y, label, value, 8)
    check = inv.check_code or ""
    p.pair(410, 59, "校验码：", " ".join(check[i : i + 5] for i in range(0, 20, 5)), 8)
    p.pair(85, 70, "机器编号：", "499099771234", 8)

    def block(y: float, marker: str, party: Party) -> None:
        p.vertical(14, y, marker, 14)
        for i, (label, value) in enumerate(
            (
                ("名称：", party.name),
                ("纳税人识别号：", party.tax_id),
                ("地址、电话：", "示例路1号 010-12345678"),
                ("开户行及账号：", "示例银行 6222000011112222"),
            )
        ):
            p.pair(28, y + 4 + i * 11, label, value or "", 8, at=90)

    block(84, "购买方", inv.buyer)
    p.vertical(330, 84, "密码区", 14)
    for i in range(4):
        p.text(345, 88 + i * 10, "03+<5*/>8-" * 4, 7)
    y = _items(p, inv.lines, 138, "货物或应税劳务、服务名称")
    y = max(y + 6, 238)
    p.text(60, y, "合", 9, "centre")
    p.text(110, y, "计", 9, "centre")
    p.text(_COLS["amount"] + 30, y, f"¥{_money(inv.net_amount)}", 9, "right")
    p.text(_COLS["tax"] + 40, y, f"¥{_money(inv.tax_amount)}", 9, "right")
    p.text(30, y + 18, "价税合计（大写）", 9)
    p.text(160, y + 18, f"⊗{inv.gross_amount_text}", 9)
    p.text(400, y + 18, "（小写）", 9)
    p.text(440, y + 18, f"¥{_money(inv.gross_amount)}", 9)
    block(y + 34, "销售方", inv.seller)
    p.vertical(330, y + 34, "备注", 20)
    if inv.is_red:
        p.text(345, y + 40, f"对应正数发票代码:{inv.original_code}号码:{inv.original_number}", 7)
    p.pair(40, y + 88, "收款人：", "赵六", 8)
    p.pair(160, y + 88, "复核：", "钱七", 8)
    p.pair(280, y + 88, "开票人：", inv.drawer or "", 8)


def invoice_pdf(
    invoices: list[Invoice],
    *,
    spaced: bool = False,
    qr_vector: bool = False,
    split: int = 0,
    qr_text: str | None = None,
) -> tuple[bytes, list[PageTruth]]:
    """A PDF with one page per invoice (数电 or legacy layout by the invoice's kind).

    With ``split`` > 0 a 数电 invoice runs over two pages: the first ``split`` lines on the
    first page, the rest and the totals on a continuation page without a header.
    """
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=PAGE, invariant=1)
    pages: list[PageTruth] = []
    for inv in invoices:
        painter = _Painter(c, spaced)
        painter.qr_text = qr_text
        if inv.code is None and split:
            _draw_digital(painter, inv, qr_vector, "head", split)
            pages.append(painter.page)
            c.showPage()
            painter = _Painter(c, spaced)
            _draw_digital(painter, inv, qr_vector, "tail", split)
        elif inv.code is None:
            _draw_digital(painter, inv, qr_vector)
        else:
            _draw_legacy(painter, inv, qr_vector)
        pages.append(painter.page)
        c.showPage()
    c.save()
    return buf.getvalue(), pages


def long_invoice(rng: random.Random, count: int) -> Invoice:
    """A blue 数电 invoice with ``count`` lines (for multi-page PDFs)."""
    base = random_invoice(rng, digital=True)
    lines = tuple(random_invoice(rng, digital=True).lines[0] for _ in range(count))
    net = sum((line.net_amount or Decimal(0) for line in lines), Decimal("0.00"))
    tax = sum((line.tax_amount or Decimal(0) for line in lines), Decimal("0.00"))
    return dataclasses.replace(
        base,
        lines=lines,
        net_amount=net,
        tax_amount=tax,
        gross_amount=net + tax,
        gross_amount_text=to_uppercase(net + tax),
    )


def scanned_pdf(image: Image.Image) -> bytes:
    """A PDF whose only page is ``image`` (a scan without a text layer)."""
    from reportlab.lib.utils import ImageReader

    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=PAGE, invariant=1)
    png = io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    c.drawImage(ImageReader(png), 0, 0, PAGE[0], PAGE[1])
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(invoice: Invoice) -> bytes:
    """An invoice PDF protected by a user password."""
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=PAGE, encrypt="secret")
    _draw_digital(_Painter(c, False), invoice, False)
    c.showPage()
    c.save()
    return buf.getvalue()


@dataclass
class Degradation:
    """Pinned degradations of one image (see module docstring)."""

    dpi: int
    blur: float
    quality: int
    rotation: float  # degrees counter-clockwise
    perspective: float  # fraction of the short side


def random_degradation(rng: random.Random, *, quarter_turns: bool = True) -> Degradation:
    """Degradations drawn from the ranges the acceptance criteria name."""
    rotation = rng.uniform(-5, 5)
    if quarter_turns and rng.random() < 0.25:
        rotation = float(rng.choice([90, 180, 270]))
    return Degradation(
        dpi=rng.randint(120, 300),
        blur=round(rng.uniform(0.5, 1.5), 2),
        quality=rng.randint(50, 85),
        rotation=round(rotation, 2),
        perspective=round(rng.uniform(0, 0.07), 3),
    )


def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    rows = []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.asarray(rows, dtype=float))
    h = vt[-1].reshape(3, 3)
    return h / h[2, 2]


def apply(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Points mapped through a homography."""
    pts = np.c_[points, np.ones(len(points))] @ h.T
    return pts[:, :2] / pts[:, 2:3]


@dataclass
class ImageSample:
    """A degraded image with its ground truth and where the page went (page pt → image px)."""

    data: bytes
    invoice: Invoice
    page: PageTruth
    homography: np.ndarray
    size: tuple[int, int]
    degradation: Degradation


def degraded_image(pdf: bytes, page: PageTruth, invoice: Invoice, deg: Degradation) -> ImageSample:
    """The first page of ``pdf`` rendered and degraded (PIL only), as JPEG."""
    doc = pdfium.PdfDocument(pdf)
    scale = deg.dpi / 72
    image = doc[0].render(scale=scale).to_pil().convert("RGB")
    doc.close()
    h = np.diag([scale, scale, 1.0])
    w, ht = image.size
    shift = deg.perspective * min(w, ht)
    corners = np.array([[0, 0], [w, 0], [w, ht], [0, ht]], dtype=float)
    moved = corners + np.array([[shift, 0], [-shift * 0.3, shift * 0.5], [0, 0], [0, -shift * 0.4]])
    forward = _homography(corners, moved)
    back = np.linalg.inv(forward)
    back = back / back[2, 2]
    image = image.transform(
        (w, ht),
        Image.Transform.PERSPECTIVE,
        tuple(back.flatten()[:8]),
        Image.Resampling.BICUBIC,
        fillcolor=(255, 255, 255),
    )
    h = forward @ h
    rotated = image.rotate(
        deg.rotation, expand=True, fillcolor=(255, 255, 255), resample=Image.Resampling.BICUBIC
    )
    theta = np.radians(deg.rotation)
    cx, cy = w / 2, ht / 2
    nx, ny = rotated.width / 2, rotated.height / 2
    cos, sin = np.cos(theta), np.sin(theta)
    rot = np.array(
        [[cos, sin, nx - cos * cx - sin * cy], [-sin, cos, ny + sin * cx - cos * cy], [0, 0, 1]]
    )
    h = rot @ h
    image = rotated.filter(ImageFilter.GaussianBlur(deg.blur))
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=deg.quality)
    return ImageSample(buf.getvalue(), invoice, page, h, image.size, deg)


class FakeOcrEngine:
    """OCR that reads every run perfectly and places it where the page put it in the image.

    It knows the page → degraded image mapping; to learn what the parser did to the image
    (rotation, resizing) it decodes the QR in the image it is given and fits a similarity.
    Runs that would appear rotated by more than 20° come back as unreadable (as real OCR does).
    """

    def __init__(self, sample: ImageSample, score: float = 0.97) -> None:
        self.sample = sample
        self.score = score
        self.calls = 0

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        self.calls += 1
        sample = self.sample
        h = sample.homography
        qr = sample.page.qr_box
        hits = find_qr(image)
        if qr is not None and hits:
            page_corners = np.array(
                [[qr[0], qr[1]], [qr[2], qr[1]], [qr[2], qr[3]], [qr[0], qr[3]]]
            )
            src = apply(h, page_corners)
            dst = np.array(hits[0].corners)
            a = np.c_[src, np.ones(4)]
            affine, *_ = np.linalg.lstsq(a, dst, rcond=None)
            t = np.vstack([affine.T, [0, 0, 1]])
        else:
            sx = image.width / sample.size[0]
            sy = image.height / sample.size[1]
            t = np.diag([sx, sy, 1.0])
        full = t @ h
        ends = apply(full, np.array([[0.0, 0.0], [100.0, 0.0]]))
        angle = np.degrees(np.arctan2(ends[1, 1] - ends[0, 1], ends[1, 0] - ends[0, 0]))
        boxes: list[OcrBox] = []
        for run in sample.page.runs:
            quad = apply(
                full,
                np.array([[run.x0, run.y0], [run.x1, run.y0], [run.x1, run.y1], [run.x0, run.y1]]),
            )
            text = run.text if abs(angle) < 20 else run.text[::-1].replace("号", "亏")
            boxes.append(OcrBox(text, tuple((float(x), float(y)) for x, y in quad), self.score))
        return boxes
