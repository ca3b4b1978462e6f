"""Page geometry (版面): glyphs with boxes, grouped into lines and tokens.

The PDF text layer and OCR both end up here as :class:`Glyph` objects in a top-down coordinate
system (points for PDFs, pixels for images), so that one field extractor
(:mod:`fapiao.core.parsing.pdf_layout`) serves both.  Text is NFKC-normalised (Kangxi
radicals such as ``⼦⽅⼈`` become ``子方人``, full-width brackets become ASCII); whitespace glyphs
are dropped and replaced by geometry, which also collapses PDFs that space every glyph
(``发 票 号 码 ：``).
"""

from __future__ import annotations

import functools
import itertools
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character (字符) with its box; ``y`` grows downwards."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    score: float = 1.0

    @property
    def height(self) -> float:
        """Box height."""
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.y0 + self.y1) / 2


@dataclass(slots=True)
class Token:
    """A run of glyphs without a wide gap: a label, a value, or both."""

    glyphs: list[Glyph]

    @property
    def text(self) -> str:
        """The glyphs' text joined."""
        return "".join(g.text for g in self.glyphs)

    @property
    def x0(self) -> float:
        """Left edge."""
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        """Right edge."""
        return self.glyphs[-1].x1

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return (self.x0 + self.x1) / 2

    @property
    def score(self) -> float:
        """The lowest glyph score (OCR confidence)."""
        return min(g.score for g in self.glyphs)


@dataclass(slots=True)
class Line:
    """Glyphs that share a baseline band, left to right, with their tokens."""

    glyphs: list[Glyph]
    tokens: list[Token] = field(default_factory=list)

    @property
    def y0(self) -> float:
        """Top edge."""
        return min(g.y0 for g in self.glyphs)

    @property
    def y1(self) -> float:
        """Bottom edge."""
        return max(g.y1 for g in self.glyphs)

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.y0 + self.y1) / 2

    @property
    def text(self) -> str:
        """The glyphs' text joined."""
        return "".join(g.text for g in self.glyphs)


def normalize(text: str) -> str:
    """NFKC with the look-alikes invoices use folded (``￥`` → ``¥``)."""
    return unicodedata.normalize("NFKC", text).replace("￥", "¥")


@functools.lru_cache(maxsize=16384)
def clean_text(text: str) -> str:
    """NFKC-normalised text without whitespace and control characters (cached)."""
    value = normalize(text)
    return "".join(ch for ch in value if not ch.isspace() and unicodedata.category(ch) != "Cc")


def make_glyph(
    text: str, box: tuple[float, float, float, float], score: float = 1.0
) -> Glyph | None:
    """A normalised glyph, or None for whitespace and control characters."""
    value = clean_text(text)
    if not value:
        return None
    x0, y0, x1, y1 = box
    return Glyph(value, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), score)


def split_box(text: str, quad: Sequence[tuple[float, float]], score: float = 1.0) -> list[Glyph]:
    """Glyphs of an OCR text box: the box is divided evenly among its characters.

    Tall boxes (width < height, several characters) are vertical text and are divided downwards.
    """
    chars = [normalize(ch) for ch in text if not ch.isspace()]
    chars = [ch for ch in chars if ch.strip()]
    if not chars:
        return []
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    n = len(chars)
    glyphs: list[Glyph] = []
    if n > 1 and (y1 - y0) > 1.5 * (x1 - x0):
        step = (y1 - y0) / n
        for i, ch in enumerate(chars):
            glyphs.append(Glyph(ch, x0, y0 + i * step, x1, y0 + (i + 1) * step, score))
        return glyphs
    weights = [1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in chars]
    unit = (x1 - x0) / sum(weights)
    x = x0
    for ch, w in zip(chars, weights, strict=True):
        glyphs.append(Glyph(ch, x, y0, x + w * unit, y1, score))
        x += w * unit
    return glyphs


def _reading_order(glyph: Glyph) -> tuple[float, float]:
    return (glyph.y0 + glyph.y1) / 2, glyph.x0


def group_lines(glyphs: Iterable[Glyph]) -> list[Line]:
    """Group glyphs into lines by vertical overlap, top to bottom, each sorted left to right."""
    ordered = sorted(glyphs, key=_reading_order)
    heights = [g.y1 - g.y0 for g in ordered]
    typical = statistics.median(heights) if ordered else 0.0
    cut = 0.45 * typical
    small: list[Glyph] = []
    lines: list[Line] = []
    active: list[list[Any]] = []
    bands: list[list[Any]] = []
    for glyph, g_height in zip(ordered, heights, strict=True):
        if g_height < cut:
            small.append(glyph)
            continue
        g_top, g_bottom = glyph.y0, glyph.y1
        g_cy = (g_top + g_bottom) / 2
        if active:
            active = [band for band in active if band[1] > g_top]
        best: list[Any] | None = None
        best_ratio = 0.0
        for band in active:
            top, bottom = band[0], band[1]
            height = bottom - top
            least = height if height < g_height else g_height
            if abs(g_cy - (top + bottom) / 2) >= 0.6 * least:
                continue
            overlap = (bottom if bottom < g_bottom else g_bottom) - (top if top > g_top else g_top)
            ratio = overlap / (least if least > 1e-6 else 1e-6)
            if ratio >= 0.5 and (best is None or ratio > best_ratio):
                best, best_ratio = band, ratio
        if best is None:
            line = Line([glyph])
            lines.append(line)
            band = [g_top, g_bottom, line]
            active.append(band)
            bands.append(band)
        else:
            best[2].glyphs.append(glyph)
            if g_height >= 0.45 * (best[1] - best[0]):
                best[0], best[1] = min(best[0], g_top), max(best[1], g_bottom)
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
        line.glyphs.sort(key=_left)
        line.glyphs = _drop_overprints(line.glyphs)
    return lines


def _left(glyph: Glyph) -> float:
    return glyph.x0


def _drop_overprints(glyphs: list[Glyph]) -> list[Glyph]:
    """Drop glyphs stacked on the same spot (rotated watermark text such as 下载次数)."""
    kept: list[Glyph] = []
    for glyph in glyphs:
        if (
            kept
            and abs(glyph.x0 - kept[-1].x0) < 0.15 * max(glyph.height, 1.0)
            and glyph.x1 <= kept[-1].x1 + 0.5
        ):
            continue
        kept.append(glyph)
    return kept


@dataclass(frozen=True, slots=True)
class Spacing:
    """A page's typical glyph height and inter-glyph gap (as a fraction of the height)."""

    height: float
    gap_ratio: float

    def threshold(self, line: Line, *, tight: bool = False) -> float:
        """The gap above which two glyphs of ``line`` belong to different tokens."""
        height = statistics.median(g.height for g in line.glyphs) or self.height
        if tight:
            return height * (self.gap_ratio * 1.15 + 0.35)
        return height * (self.gap_ratio * 1.7 + 0.8)


def measure(lines: Sequence[Line]) -> Spacing:
    """The page's spacing: median glyph height and median small gap between neighbours."""
    heights = [h for line in lines for g in line.glyphs if (h := g.y1 - g.y0) > 0]
    height = statistics.median(heights) if heights else 10.0
    ratios: list[float] = []
    for line in lines:
        glyphs = line.glyphs
        for a, b in itertools.pairwise(glyphs):
            gap = b.x0 - a.x1
            h = max(a.y1 - a.y0, b.y1 - b.y0, 1e-6)
            if -0.2 * h < gap < 3.5 * h:
                ratios.append(max(gap, 0.0) / h)
    return Spacing(height, statistics.median(ratios) if ratios else 0.0)


def tokenize(line: Line, spacing: Spacing, *, tight: bool = False) -> list[Token]:
    """Split a line into tokens where the gap exceeds the page's spacing threshold."""
    limit = spacing.threshold(line, tight=tight)
    tokens: list[Token] = []
    for glyph in line.glyphs:
        if tokens and glyph.x0 - tokens[-1].glyphs[-1].x1 <= limit:
            tokens[-1].glyphs.append(glyph)
        else:
            tokens.append(Token([glyph]))
    return tokens


def build_lines(glyphs: Iterable[Glyph]) -> tuple[list[Line], Spacing]:
    """Lines with tokens, and the spacing used to cut them."""
    lines = group_lines(glyphs)
    spacing = measure(lines)
    for line in lines:
        line.tokens = tokenize(line, spacing)
    return lines, spacing
