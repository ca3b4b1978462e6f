"""Key-field mode of the image route: rows, probes, and which boxes are read (a fake engine)."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from PIL import Image

from corpus import pdf_image as corpus
from fapiao.core.invoice import FieldSource
from fapiao.core.parsing.base import ParseOptions
from fapiao.core.parsing.image import ImageParser
from fapiao.core.parsing.image_fields import (
    box_rows,
    first_character,
    key_field_boxes,
    probe,
)
from fapiao.core.parsing.ocr import OcrBox, Quad, boxes_to_glyphs
from fapiao.core.parsing.pdf_layout import extract
from fapiao.core.parsing.values import field_value


def rect(x0: float, y0: float, x1: float, y1: float) -> Quad:
    """An axis-aligned box, top-left corner first, clockwise."""
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


class FakeRegionEngine:
    """Detects the given boxes and reads them perfectly; a probe (left part of a box) reads the
    same share of the box's characters.  Every read is recorded: (text, whole)."""

    def __init__(self, boxes: Sequence[tuple[str, Quad]]) -> None:
        self.boxes = list(boxes)
        self.reads: list[tuple[str, bool]] = []
        self.width_read = 0.0
        self.read_calls = 0

    def detect(self, image: Image.Image) -> list[Quad]:
        return [quad for _, quad in self.boxes]

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        return self.read(image, self.detect(image))

    def read(self, image: Image.Image, quads: Sequence[Quad]) -> list[OcrBox]:
        self.read_calls += 1
        out = []
        for quad in quads:
            text, whole = self._text(quad)
            self.reads.append((text, whole))
            self.width_read += quad[1][0] - quad[0][0]
            if text:  # like the real engine, nothing comes back for an unreadable box
                out.append(OcrBox(text, quad, 0.99))
        return out

    def _text(self, quad: Quad) -> tuple[str, bool]:
        for text, box in self.boxes:
            if box == quad:
                return text, True
        for text, box in self.boxes:
            if box[0] == quad[0] and box[3] == quad[3]:
                share = (quad[1][0] - quad[0][0]) / (box[1][0] - box[0][0])
                return text[: max(1, round(len(text) * share))], False
        raise AssertionError(f"not a detected box nor a probe of one: {quad}")

    def whole(self) -> list[str]:
        return [text for text, whole in self.reads if whole]

    def probed(self) -> list[str]:
        return [text for text, whole in self.reads if not whole]


SELLER_ID = "91110108MA01ABCD2E"
BUYER_ID = "91310115MA1K3XYZ7P"
PARTIES = {
    "seller.name": "上海测试贸易有限公司",
    "seller.tax_id": SELLER_ID,
    "buyer.name": "北京示例科技有限公司",
    "buyer.tax_id": BUYER_ID,
}
"""The parties of the legacy test page, as key-field mode must read them."""


def _digital_page() -> list[tuple[str, Quad]]:
    """A 数电 page: header, parties side by side, item table, totals, remark, drawer."""
    items = ["项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率/征收率", "税额"]
    header = [(label, rect(40 + 180 * k, 400, 150 + 180 * k, 430)) for k, label in enumerate(items)]
    return [
        ("电子发票（普通发票）", rect(500, 40, 900, 80)),
        ("发票号码：25312000000123456789", rect(1100, 40, 1500, 70)),
        ("开票日期：2025年03月04日", rect(1100, 90, 1420, 120)),
        ("购", rect(20, 200, 48, 228)),
        ("名称：北京示例科技有限公司", rect(70, 205, 400, 235)),
        ("销", rect(800, 200, 828, 228)),
        ("名称：上海测试贸易有限公司", rect(850, 205, 1180, 235)),
        ("买", rect(20, 232, 48, 260)),
        ("售", rect(800, 232, 828, 260)),
        ("方", rect(20, 264, 48, 292)),
        ("方", rect(800, 264, 828, 292)),
        (f"统一社会信用代码/纳税人识别号：{BUYER_ID}", rect(70, 290, 650, 320)),
        (f"统一社会信用代码/纳税人识别号：{SELLER_ID}", rect(850, 290, 1430, 320)),
        *header,
        ("*信息技术服务*技术服务费用", rect(40, 440, 340, 470)),
        ("1", rect(600, 440, 620, 470)),
        ("1000.00", rect(960, 440, 1050, 470)),
        ("6%", rect(1150, 440, 1190, 470)),
        ("60.00", rect(1330, 440, 1400, 470)),
        ("*餐饮服务*餐费", rect(40, 480, 200, 510)),
        ("合", rect(140, 700, 170, 730)),
        ("计", rect(270, 700, 300, 730)),
        ("¥1000.00", rect(960, 700, 1070, 730)),
        ("¥60.00", rect(1320, 700, 1410, 730)),
        ("价税合计（大写）", rect(80, 750, 280, 780)),
        ("壹仟零陆拾圆整", rect(420, 750, 620, 780)),
        ("（小写）¥1060.00", rect(1080, 750, 1300, 780)),
        ("备", rect(20, 800, 48, 828)),
        ("购买方地址：示例路1号；电话：010-1234", rect(100, 800, 600, 830)),
        ("注", rect(20, 840, 48, 868)),
        ("开票人：张三", rect(100, 900, 260, 930)),
    ]


def _legacy_page() -> list[tuple[str, Quad]]:
    """A legacy 增值税电子普通发票: buyer on top, seller below the totals."""
    items = ["货物或应税劳务、服务名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额"]
    header = [(label, rect(40 + 180 * k, 400, 150 + 180 * k, 430)) for k, label in enumerate(items)]
    cipher = "03+<5*/>8-03+<5*/>8-03+<5*/>8-"
    return [
        ("增值税电子普通发票", rect(500, 40, 900, 80)),
        ("发票代码：011002500111", rect(1100, 30, 1400, 58)),
        ("发票号码：12345678", rect(1100, 62, 1330, 90)),
        ("购名称：", rect(20, 200, 120, 228)),
        ("北京示例科技有限公司", rect(240, 200, 500, 228)),
        (cipher, rect(900, 200, 1400, 228)),
        ("买纳税人识别号：", rect(20, 232, 210, 260)),
        (BUYER_ID, rect(240, 232, 460, 260)),
        (cipher, rect(900, 232, 1400, 260)),
        ("方地址、电话：", rect(20, 264, 200, 292)),
        ("示例路1号010-12345678", rect(240, 264, 500, 292)),
        *header,
        ("*住宿服务*住宿费", rect(40, 440, 240, 470)),
        ("合", rect(140, 600, 170, 630)),
        ("计", rect(270, 600, 300, 630)),
        ("¥500.00", rect(960, 600, 1060, 630)),
        ("¥30.00", rect(1320, 600, 1410, 630)),
        ("价税合计（大写）", rect(80, 650, 280, 680)),
        ("伍佰叁拾圆整", rect(420, 650, 600, 680)),
        ("（小写）¥530.00", rect(1080, 650, 1300, 680)),
        ("销名称：", rect(20, 700, 120, 728)),
        ("上海测试贸易有限公司", rect(240, 700, 500, 728)),
        ("售纳税人识别号：", rect(20, 732, 210, 760)),
        (SELLER_ID, rect(240, 732, 460, 760)),
        ("方地址、电话：", rect(20, 764, 200, 792)),
        ("示例路2号021-87654321", rect(240, 764, 500, 792)),
        ("收款人：赵六", rect(100, 820, 260, 850)),
    ]


IMAGE = Image.new("RGB", (8, 8), "white")


def _parties(boxes: list[OcrBox]) -> dict[str, object]:
    invoice = extract(boxes_to_glyphs(boxes), source=FieldSource.OCR, confidence=1.0)
    assert invoice is not None
    names = ("seller.name", "seller.tax_id", "buyer.name", "buyer.tax_id")
    return {name: field_value(invoice, name) for name in names}


def test_box_rows_groups_by_vertical_centre_and_orders_left_to_right() -> None:
    quads = [
        rect(500, 10, 600, 40),  # 0: row 1, right
        rect(10, 14, 100, 44),  # 1: row 1, left, a little lower (within half a height)
        rect(10, 60, 100, 90),  # 2: row 2
        rect(300, 100, 330, 130),  # 3: row 3 (centre 115: 0.8 height below row 2)
        rect(200, 58, 260, 88),  # 4: row 2, middle
    ]
    assert box_rows(quads) == [[1, 0], [2, 4], [3]]
    assert box_rows([]) == []


def test_box_rows_keeps_a_vertical_label_one_character_a_row() -> None:
    quads = [rect(20, 100 + 30 * k, 48, 128 + 30 * k) for k in range(3)]
    quads.append(rect(70, 102, 400, 130))
    assert box_rows(quads) == [[0, 3], [1], [2]]


def test_probe_is_the_left_part_of_a_wide_box_only() -> None:
    assert probe(rect(0, 0, 80, 30)) is None  # under 3.6 heights: read whole
    assert probe(rect(10, 0, 610, 30)) == ((10, 0), (100.0, 0.0), (100.0, 30.0), (10, 30))
    slanted = ((0.0, 0.0), (600.0, 60.0), (597.0, 90.0), (-3.0, 30.0))
    got = probe(slanted)
    assert got is not None
    assert got[0] == slanted[0]
    assert got[3] == slanted[3]
    assert got[1][1] == pytest.approx(got[1][0] * 0.1)  # follows the slanted top edge


def test_first_character_keeps_its_share_of_the_box() -> None:
    box = OcrBox("方地址", rect(0, 0, 90, 30), 0.9)
    first = first_character(box)
    assert first.text == "方"
    assert first.box == rect(0, 0, 30, 30)
    assert first.score == 0.9
    assert first_character(OcrBox("方", rect(0, 0, 30, 30), 0.9)).box == rect(0, 0, 30, 30)


def test_digital_page_reads_parties_totals_and_number_only() -> None:
    engine = FakeRegionEngine(_digital_page())
    boxes = key_field_boxes(engine, IMAGE, enough=lambda _: True)
    whole = engine.whole()
    for text in (
        "名称：北京示例科技有限公司",
        "名称：上海测试贸易有限公司",
        f"统一社会信用代码/纳税人识别号：{BUYER_ID}",
        f"统一社会信用代码/纳税人识别号：{SELLER_ID}",
        "发票号码：25312000000123456789",
        "¥1000.00",
        "¥60.00",
        "（小写）¥1060.00",
    ):
        assert whole.count(text) == 1, text
    for text in (
        "电子发票（普通发票）",
        "开票日期：2025年03月04日",
        "*信息技术服务*技术服务费用",
        "1000.00",
        "购买方地址：示例路1号；电话：010-1234",
    ):
        assert text not in whole, text
    assert "*信息技术服务*技术服务费用" not in [b.text for b in boxes]
    assert "*信息技" in engine.probed()  # the first box of an item row, probed only
    assert engine.read_calls == 2
    assert _parties(boxes) == PARTIES


def test_rows_below_the_totals_are_read_only_when_a_party_is_missing() -> None:
    engine = FakeRegionEngine(_legacy_page())
    key_field_boxes(engine, IMAGE, enough=lambda _: True)
    assert "上海测试贸易有限公司" not in engine.whole()
    assert engine.read_calls == 2

    engine = FakeRegionEngine(_legacy_page())
    boxes = key_field_boxes(engine, IMAGE, enough=lambda _: False)
    whole = engine.whole()
    assert "上海测试贸易有限公司" in whole
    assert SELLER_ID in whole
    assert "示例路2号021-87654321" not in whole
    assert "03+<5*/>8-03+<5*/>8-03+<5*/>8-" not in whole
    assert "示例路1号010-12345678" not in whole
    assert _parties(boxes) == PARTIES


def test_a_label_takes_the_readable_box_to_its_right_not_a_stray_mark() -> None:
    page = _legacy_page()
    page.append(("", rect(200, 236, 225, 256)))  # a colon the recogniser cannot read
    engine = FakeRegionEngine(page)
    boxes = key_field_boxes(engine, IMAGE, enough=lambda _: True)
    assert BUYER_ID in engine.whole()
    assert _parties(boxes)["buyer.tax_id"] == BUYER_ID


def test_page_without_item_table_or_totals_is_read_whole() -> None:
    no_table = [box for box in _digital_page() if box[1][0][1] != 400]
    engine = FakeRegionEngine(no_table)
    key_field_boxes(engine, IMAGE)
    assert sorted(engine.whole()) == sorted(text for text, _ in no_table)
    assert engine.probed() == []

    no_totals = [box for box in _digital_page() if box[1][0][1] not in (700, 750)]
    engine = FakeRegionEngine(no_totals)
    key_field_boxes(engine, IMAGE)
    assert sorted(engine.whole()) == sorted(text for text, _ in no_totals)


class CorpusRegionEngine(corpus.FakeOcrEngine):  # type: ignore[name-defined,misc]
    """The corpus's fake OCR (which knows where every run went) as a detect/read engine."""

    def __init__(self, sample: object) -> None:
        super().__init__(sample)
        self.inner = FakeRegionEngine([])

    def detect(self, image: Image.Image) -> list[Quad]:
        self.inner.boxes = [(box.text, box.box) for box in super().recognize(image)]
        return self.inner.detect(image)

    def read(self, image: Image.Image, quads: Sequence[Quad]) -> list[OcrBox]:
        return self.inner.read(image, quads)


@pytest.mark.parametrize("rotation", [90.0, 270.0, -3.5])
def test_key_field_mode_on_a_turned_photo(rotation: float) -> None:
    deg = corpus.Degradation(dpi=160, blur=0.7, quality=75, rotation=rotation, perspective=0.02)
    rng = random.Random(7)
    truth = corpus.random_invoice(rng, digital=rotation != 270.0)
    data, pages = corpus.invoice_pdf([truth])
    sample = corpus.degraded_image(data, pages[0], truth, deg)
    engine = CorpusRegionEngine(sample)
    parser = ImageParser(engine, key_fields_only=True)
    (parsed,) = parser.parse(sample.data, ParseOptions()).invoices
    for name in corpus.KEY_FIELDS:
        assert field_value(parsed.invoice, name) == field_value(truth, name), name
    whole = engine.inner.whole()
    assert not any(line.name and line.name[:10] in text for line in truth.lines for text in whole)
    page_width = sum(quad[1][0] - quad[0][0] for _, quad in engine.inner.boxes)
    assert engine.inner.width_read < 0.8 * page_width
