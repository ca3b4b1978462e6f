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
