"""The position-based extractor: normalisation, spaced glyphs, lines, labels and blocks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fapiao.core.invoice import FieldSource
from fapiao.core.parsing.layout import Glyph, build_lines, make_glyph
from fapiao.core.parsing.pdf_layout import extract


def _run(text: str, x: float, y: float, size: float = 9.0, gap: float = 0.0) -> list[Glyph]:
    """Glyphs of a text run: CJK full width, others half width, ``gap`` between glyphs."""
    glyphs = []
    for ch in text:
        width = size if ord(ch) > 0x2E80 else size * 0.5
        glyph = make_glyph(ch, (x, y - size, x + width, y))
        if glyph is not None:
            glyphs.append(glyph)
        x += width + gap
    return glyphs


def test_kangxi_radicals_and_full_width_forms_are_normalised() -> None:
    assert [make_glyph(ch, (0, 0, 1, 1)).text for ch in "⼦⽅⼈："] == ["子", "方", "人", ":"]
    assert make_glyph(" ", (0, 0, 1, 1)) is None
    assert make_glyph("￥", (0, 0, 1, 1)).text == "¥"


@settings(max_examples=40, deadline=None)
@given(
    label=st.sampled_from(["发票号码：", "开票日期：", "名称："]),
    value=st.text(alphabet="0123456789ABC", min_size=4, max_size=20),
    gap=st.floats(min_value=0.0, max_value=12.0),
)
def test_spaced_glyphs_collapse_into_one_token(label: str, value: str, gap: float) -> None:
    glyphs = _run(label + value, 10, 50, gap=gap) + _run("其他", 500, 50, gap=gap)
    (line,), _ = build_lines(glyphs)
    assert line.tokens[0].text == label.replace("：", ":") + value


def _digital_page(buyer_x: float = 10, seller_x: float = 300) -> list[Glyph]:
    glyphs = _run("发票号码：", 400, 30) + _run("12345678901234567890", 460, 30)
    glyphs += _run("开票日期：", 400, 45) + _run("2024年01月02日", 460, 45)
    for x, party, name, tax_id in (
        (buyer_x, "购买方信息", "买家公司", "91110000000000000A"),
        (seller_x, "销售方信息", "卖家公司", "91310000000000000B"),
    ):
        for i, ch in enumerate(party):
            glyphs += _run(ch, x, 80 + i * 11, 8)
        glyphs += _run("名称：", x + 12, 90) + _run(name, x + 42, 90)
        glyphs += _run("纳税人识别号：", x + 12, 120) + _run(tax_id, x + 80, 120, 10)
    return glyphs


def test_buyer_left_and_seller_right_on_the_digital_layout() -> None:
    invoice = extract(_digital_page(), source=FieldSource.PDF_TEXT, confidence=0.85)
    assert invoice is not None
    assert (invoice.buyer.name, invoice.buyer.tax_id) == ("买家公司", "91110000000000000A")
    assert (invoice.seller.name, invoice.seller.tax_id) == ("卖家公司", "91310000000000000B")
    assert invoice.number == "12345678901234567890"
    assert str(invoice.issue_date) == "2024-01-02"


def test_blocks_follow_their_labels_not_reading_order() -> None:
    """The 购买方 block printed on the right is still the buyer (first in reading order: seller)."""
    swapped = extract(_digital_page(300, 10), source=FieldSource.PDF_TEXT, confidence=0.85)
    assert swapped is not None
    assert (swapped.buyer.name, swapped.buyer.tax_id) == ("买家公司", "91110000000000000A")
    assert (swapped.seller.name, swapped.seller.tax_id) == ("卖家公司", "91310000000000000B")


def test_page_without_header_is_no_invoice() -> None:
    assert extract(_run("季度报告", 10, 10), source=FieldSource.PDF_TEXT, confidence=1) is None


def _ocr(*rows: tuple[str, int, int, int, int]) -> list[Glyph]:
    from fapiao.core.parsing.ocr import OcrBox, boxes_to_glyphs

    return boxes_to_glyphs(
        [OcrBox(t, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), 0.99) for t, x0, y0, x1, y1 in rows]
    )


def test_ocr_boxes_that_swallow_the_block_labels() -> None:
    """Low-resolution OCR reads ``购名称：`` as one box; the 购/买/方 stack is still found."""
    glyphs = _ocr(
        ("发票号码：03898796", 756, 47, 906, 67),
        ("购名称：", 23, 137, 90, 173),
        ("杭州云端数据服务有限责任公司", 166, 150, 374, 167),
        ("买纳税人识别号：", 24, 166, 151, 191),
        ("917QKLMJW4MX9U6HTT", 165, 171, 331, 187),
        ("方地址、电话：", 21, 190, 137, 208),
        ("销名称：", 23, 485, 91, 521),
        ("上海测试贸易有限公司", 166, 496, 315, 516),
        ("备", 609, 489, 627, 508),
        ("售纳税人识别号：", 23, 512, 152, 540),
        ("91FE6QFUJA925BKLUF", 164, 518, 315, 535),
        ("注", 607, 525, 629, 546),
        ("方地址、电话：", 21, 538, 137, 556),
    )
    invoice = extract(glyphs, source=FieldSource.OCR, confidence=0.7)
    assert invoice is not None
    assert (invoice.buyer.name, invoice.buyer.tax_id) == (
        "杭州云端数据服务有限责任公司",
        "917QKLMJW4MX9U6HTT",
    )
    assert (invoice.seller.name, invoice.seller.tax_id) == (
        "上海测试贸易有限公司",
        "91FE6QFUJA925BKLUF",
    )
    assert invoice.fields["seller.tax_id"].source is FieldSource.OCR
