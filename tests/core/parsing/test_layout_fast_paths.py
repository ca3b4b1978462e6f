"""The hot paths of the text layer give what their plain definitions give.

``page_glyphs`` calls pdfium's ``FPDFText_GetCharBox`` without ctypes argument checks, and
``group_lines`` / ``measure`` / ``tokenize`` keep their state in locals and arrays for speed.  These
tests hold them to the straightforward versions kept here as references: pypdfium2's own wrapper
for the character boxes, and the previous, property-based line grouping.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Iterable
from typing import Any

import pypdfium2 as pdfium
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import pdf_image as corpus
from fapiao.core.parsing.layout import Glyph, Line, Spacing, Token, build_lines, clean_text
from fapiao.core.parsing.pdf_layout import page_glyphs


def _reference_glyphs(page: Any) -> list[Glyph]:
    height = page.get_height()
    textpage = page.get_textpage()
    glyphs = []
    for i in range(textpage.count_chars()):
        text = clean_text(textpage.get_text_range(i, 1))
        if not text:
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        y0, y1 = height - top, height - bottom
        if y0 != y1:
            glyphs.append(Glyph(text, min(left, right), min(y0, y1), max(left, right), max(y0, y1)))
    textpage.close()
    return glyphs


def test_page_glyphs_match_pypdfium2_character_boxes() -> None:
    rng = random.Random(3)
    for spaced in (False, True):
        truths = [corpus.random_invoice(rng, digital=d) for d in (True, False)]
        data, _ = corpus.invoice_pdf(truths, spaced=spaced)
        pdf = pdfium.PdfDocument(data)
        try:
            for page in pdf:
                fast = page_glyphs(page)
                assert len(fast) > 100
                assert fast == _reference_glyphs(page)
        finally:
            pdf.close()


def _reference_group_lines(glyphs: Iterable[Glyph]) -> list[Line]:
    ordered = sorted(glyphs, key=lambda g: ((g.y0 + g.y1) / 2, g.x0))
    heights = [g.y1 - g.y0 for g in ordered]
    cut = 0.45 * (statistics.median(heights) if ordered else 0.0)
    small: list[Glyph] = []
    lines: list[Line] = []
    active: list[list[Any]] = []
    bands: list[list[Any]] = []
    for glyph, g_height in zip(ordered, heights, strict=True):
        if g_height < cut:
            small.append(glyph)
            continue
        active = [band for band in active if band[1] > glyph.y0]
        best, best_ratio = None, 0.0
        for band in active:
            top, bottom = band[0], band[1]
            least = min(bottom - top, g_height)
            if abs(glyph.cy - (top + bottom) / 2) >= 0.6 * least:
                continue
            ratio = (min(bottom, glyph.y1) - max(top, glyph.y0)) / max(least, 1e-6)
            if ratio >= 0.5 and (best is None or ratio > best_ratio):
                best, best_ratio = band, ratio
        if best is None:
            line = Line([glyph])
            lines.append(line)
            band = [glyph.y0, glyph.y1, line]
            active.append(band)
            bands.append(band)
        else:
            best[2].glyphs.append(glyph)
            if g_height >= 0.45 * (best[1] - best[0]):
                best[0], best[1] = min(best[0], glyph.y0), max(best[1], glyph.y1)
    for glyph in small:
        near = [
            (abs(glyph.cy - (b[0] + b[1]) / 2), b)
            for b in bands
            if b[0] - 0.1 * (b[1] - b[0]) <= glyph.cy <= b[1] + 0.1 * (b[1] - b[0])
        ]
        if near:
            min(near, key=lambda pair: pair[0])[1][2].glyphs.append(glyph)
        else:
            line = Line([glyph])
            lines.append(line)
            bands.append([glyph.y0, glyph.y1, line])
    lines.sort(key=lambda line: line.cy)
    for line in lines:
        line.glyphs.sort(key=lambda g: g.x0)
        kept: list[Glyph] = []
        for glyph in line.glyphs:
            if (
                kept
                and abs(glyph.x0 - kept[-1].x0) < 0.15 * max(glyph.height, 1.0)
                and glyph.x1 <= kept[-1].x1 + 0.5
            ):
                continue
            kept.append(glyph)
        line.glyphs = kept
    return lines


def _reference_build_lines(glyphs: list[Glyph]) -> tuple[list[Line], Spacing]:
    lines = _reference_group_lines(glyphs)
    heights = [g.height for line in lines for g in line.glyphs if g.height > 0]
    ratios = []
    for line in lines:
        for a, b in itertools.pairwise(line.glyphs):
            gap, h = b.x0 - a.x1, max(a.height, b.height, 1e-6)
            if -0.2 * h < gap < 3.5 * h:
                ratios.append(max(gap, 0.0) / h)
    spacing = Spacing(
        statistics.median(heights) if heights else 10.0,
        statistics.median(ratios) if ratios else 0.0,
    )
    for line in lines:
        limit = spacing.threshold(line)
        tokens: list[Token] = []
        for glyph in line.glyphs:
            if tokens and glyph.x0 - tokens[-1].glyphs[-1].x1 <= limit:
                tokens[-1].glyphs.append(glyph)
            else:
                tokens.append(Token([glyph]))
        line.tokens = tokens
    return lines, spacing


def _shape(lines: list[Line]) -> list[list[list[Glyph]]]:
    return [[token.glyphs for token in line.tokens] for line in lines]


_coordinate = st.integers(min_value=0, max_value=60).map(lambda v: v / 2)
_size = st.sampled_from([0.4, 0.5, 0.97, 1.0, 2.0, 3.0, 4.0, 4.5, 5.0, 9.0, 10.0, 12.0, 20.0])


@st.composite
def _glyphs(draw: st.DrawFn) -> list[Glyph]:
    """Glyphs on a half-point grid (ties and overlaps), of many heights, with dots, runs of
    characters on one jittered baseline and overprinted copies: what real pages mix."""
    glyphs = []
    for _ in range(draw(st.integers(0, 60))):
        x, y, size = draw(_coordinate), draw(_coordinate), draw(_size)
        width = draw(st.sampled_from([0.5, 1.0]))
        glyphs.append(Glyph(draw(st.sampled_from("票号0.-")), x, y, x + size * width, y + size))
    for _ in range(draw(st.integers(0, 3))):
        x, y, size = draw(_coordinate), draw(_coordinate), draw(_size)
        for i in range(draw(st.integers(1, 10))):
            jitter = draw(st.sampled_from([0.0, 0.5, -0.5, 2.0]))
            gap = draw(st.sampled_from([0.0, 0.5, 1.0, 6.0]))
            left = x + i * (size + gap)
            glyphs.append(Glyph("字", left, y + jitter, left + size, y + size + jitter))
    for glyph in draw(st.lists(st.sampled_from(glyphs), max_size=5)) if glyphs else ():
        shift = draw(st.sampled_from([0.0, 0.5, 1.0]))
        glyphs.append(Glyph("水", glyph.x0 + shift, glyph.y0, glyph.x1, glyph.y1))
    return glyphs


@settings(max_examples=400, deadline=None)
@given(_glyphs())
def test_lines_and_tokens_match_the_reference_grouping(glyphs: list[Glyph]) -> None:
    fast_lines, fast_spacing = build_lines(glyphs)
    slow_lines, slow_spacing = _reference_build_lines(glyphs)
    assert fast_spacing == slow_spacing
    assert _shape(fast_lines) == _shape(slow_lines)


def test_lines_and_tokens_match_the_reference_on_real_pages() -> None:
    rng = random.Random(5)
    for i in range(12):
        truth = corpus.random_invoice(rng, digital=i % 2 == 0, red=i % 3 == 1)
        data, _ = corpus.invoice_pdf([truth], spaced=i % 4 == 3)
        pdf = pdfium.PdfDocument(data)
        try:
            glyphs = page_glyphs(pdf[0])
        finally:
            pdf.close()
        fast_lines, fast_spacing = build_lines(glyphs)
        slow_lines, slow_spacing = _reference_build_lines(glyphs)
        assert fast_spacing == slow_spacing
        assert _shape(fast_lines) == _shape(slow_lines)
