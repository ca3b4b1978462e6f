"""OCR boxes to glyphs, and the real offline engine (marked ``ocr``)."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image, ImageDraw, ImageFont

from fapiao.core.parsing.ocr import OcrBox, RapidOcrEngine, boxes_to_glyphs


def test_horizontal_box_is_divided_among_its_characters() -> None:
    box = OcrBox("名称：A1", ((100, 10), (160, 10), (160, 30), (100, 30)), 0.9)
    glyphs = boxes_to_glyphs([box])
    assert [g.text for g in glyphs] == ["名", "称", ":", "A", "1"]
    assert glyphs[0].x0 == 100
    assert glyphs[-1].x1 == pytest.approx(160)
    assert all(a.x1 == pytest.approx(b.x0) for a, b in itertools.pairwise(glyphs))
    assert glyphs[0].x1 - glyphs[0].x0 > glyphs[-1].x1 - glyphs[-1].x0
    assert {g.score for g in glyphs} == {0.9}


def test_tall_box_is_vertical_text() -> None:
    box = OcrBox("购买方信息", ((40, 200), (70, 200), (70, 350), (40, 350)), 0.99)
    glyphs = boxes_to_glyphs([box])
    assert [g.text for g in glyphs] == list("购买方信息")
    assert [g.y0 for g in glyphs] == pytest.approx([200, 230, 260, 290, 320])
    assert {g.x0 for g in glyphs} == {40}


def test_spaces_in_ocr_text_are_dropped() -> None:
    box = OcrBox("金 额", ((0, 0), (30, 0), (30, 10), (0, 10)), 1.0)
    assert [g.text for g in boxes_to_glyphs([box])] == ["金", "额"]


@pytest.mark.ocr
def test_real_engine_reads_a_printed_label() -> None:
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 40)
    image = Image.new("RGB", (700, 120), "white")
    ImageDraw.Draw(image).text((20, 30), "发票号码：12345678", fill="black", font=font)
    boxes = RapidOcrEngine().recognize(image)
    text = "".join(b.text for b in boxes)
    assert "12345678" in text
    assert "发票号码" in text
    assert all(0 < b.score <= 1 for b in boxes)


def test_glyphs_of_a_slanted_box_keep_the_text_height() -> None:
    # The detector joined a vertical block label (购, a little higher) to 名称 beside it.
    box = OcrBox("购名称：", ((40, 200), (140, 216), (138, 246), (38, 230)), 0.9)
    glyphs = boxes_to_glyphs([box])
    assert [g.text for g in glyphs] == ["购", "名", "称", ":"]
    assert all(g.y1 - g.y0 < 40 for g in glyphs)  # the whole box is 46 high
    assert glyphs[0].y0 < glyphs[2].y0  # each glyph follows the slant


def test_a_character_caught_by_two_overlapping_boxes_is_read_once() -> None:
    label = OcrBox("纳税人识别号：9", ((89, 767), (292, 767), (292, 800), (89, 800)), 0.99)
    value = OcrBox("91F3JWABR6R1MMJR19", ((282, 772), (502, 772), (502, 800), (282, 800)), 0.99)
    text = "".join(g.text for g in boxes_to_glyphs([label, value]))
    assert text == "纳税人识别号:91F3JWABR6R1MMJR19"
    below = OcrBox("91F3", ((200, 830), (300, 830), (300, 860), (200, 860)), 0.99)
    assert "".join(g.text for g in boxes_to_glyphs([label, below])).endswith("号:991F3")
