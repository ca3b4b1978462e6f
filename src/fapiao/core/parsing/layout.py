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
import operator
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Glyph:
    """One character (字符) with its box; ``y`` grows downwards.

    Treated as immutable (derive a moved glyph with ``dataclasses.replace``); not declared
    ``frozen`` because a frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__`` (0.72 µs against 0.21 µs per glyph on CPython 3.11, ``timeit``), and a
    PDF page creates hundreds of glyphs: ``bench/pdf_compare.py`` shows the whole path.
    """

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
        return "".join([g.text for g in self.glyphs])

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
        return min([g.score for g in self.glyphs])


@dataclass(slots=True)
class Line:
    """Glyphs that share a baseline band, left to right, with their tokens."""

    glyphs: list[Glyph]
    tokens: list[Token] = field(default_factory=list)

    @property
    def y0(self) -> float:
        """Top edge."""
        return min([g.y0 for g in self.glyphs])

    @property
    def y1(self) -> float:
        """Bottom edge."""
        return max([g.y1 for g in self.glyphs])

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.y0 + self.y1) / 2

    @property
    def text(self) -> str:
        """The glyphs' text joined."""
        return "".join([g.text for g in self.glyphs])


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


def group_lines(glyphs: Iterable[Glyph]) -> list[Line]:
    """Group glyphs into lines by vertical overlap, top to bottom, each sorted left to right.

    Glyphs are taken in reading order; each joins the open band (line) it overlaps most, where a
    band is open while it reaches below the glyph's top.  Glyphs under 45 % of the typical height
    (dots, underscores) join the band whose centre is nearest afterwards.  This is the hot path of
    PDF parsing, so the loops keep values in locals rather than calling properties.
    """
    # Reading order (centre, then left) with the input position breaking ties, as a stable sort
    # would; tuples compare in C, which is cheaper than a key function per glyph.
    ordered = [
        g for *_, g in sorted([((g.y0 + g.y1) / 2, g.x0, i, g) for i, g in enumerate(glyphs)])
    ]
    if not ordered:
        return []
    heights = [g.y1 - g.y0 for g in ordered]
    cut = 0.45 * statistics.median(heights)
    small: list[Glyph] = []
    # A band is [top, bottom, line, lowest y0, highest y1]: top and bottom grow only with glyphs
    # of comparable height; the last two are the extent of every glyph in the line.
    active: list[list[Any]] = []
    bands: list[list[Any]] = []
    # The band of the previous glyph with a box of non-zero height.  A glyph with exactly its
    # top and bottom (half of them: digits, runs of one font) joins that band and cannot change
    # it: the band already holds that extent, and no other band can overlap it better.
    last: list[Any] | None = None
    last_top = last_bottom = 0.0
    for glyph, g_height in zip(ordered, heights, strict=True):
        if g_height < cut:
            small.append(glyph)
            continue
        g_top, g_bottom = glyph.y0, glyph.y1
        if last is not None and g_top == last_top and g_bottom == last_bottom:
            last[2].glyphs.append(glyph)
            continue
        g_cy = (g_top + g_bottom) / 2
        best: list[Any] | None = None
        best_ratio = 0.0
        closed = False
        for band in active:
            top, bottom = band[0], band[1]
            if bottom <= g_top:
                closed = True
                continue
            height = bottom - top
            least = height if height < g_height else g_height
            if abs(g_cy - (top + bottom) / 2) >= 0.6 * least:
                continue
            overlap = (bottom if bottom < g_bottom else g_bottom) - (top if top > g_top else g_top)
            ratio = overlap / (least if least > 1e-6 else 1e-6)
            if ratio >= 0.5 and (best is None or ratio > best_ratio):
                best, best_ratio = band, ratio
        if closed:
            active = [band for band in active if band[1] > g_top]
        if best is None:
            best = [g_top, g_bottom, Line([glyph]), g_top, g_bottom]
            active.append(best)
            bands.append(best)
        else:
            best[2].glyphs.append(glyph)
            if g_top < best[3]:
                best[3] = g_top
            if g_bottom > best[4]:
                best[4] = g_bottom
            if g_height >= 0.45 * (best[1] - best[0]):
                if g_top < best[0]:
                    best[0] = g_top
                if g_bottom > best[1]:
                    best[1] = g_bottom
        last, last_top, last_bottom = (best if g_bottom > g_top else None), g_top, g_bottom
    for glyph in small:
        g_top, g_bottom = glyph.y0, glyph.y1
        g_cy = (g_top + g_bottom) / 2
        nearest: list[Any] | None = None
        distance = 0.0
        for band in bands:
            top, bottom = band[0], band[1]
            slack = 0.1 * (bottom - top)
            if top - slack <= g_cy <= bottom + slack:
                d = abs(g_cy - (top + bottom) / 2)
                if nearest is None or d < distance:
                    nearest, distance = band, d
        if nearest is None:
            bands.append([g_top, g_bottom, Line([glyph]), g_top, g_bottom])
        else:
            nearest[2].glyphs.append(glyph)
            if g_top < nearest[3]:
                nearest[3] = g_top
            if g_bottom > nearest[4]:
                nearest[4] = g_bottom
    bands.sort(key=_band_centre)
    lines: list[Line] = []
    for band in bands:
        line = band[2]
        line.glyphs.sort(key=_LEFT)
        line.glyphs = _drop_overprints(line.glyphs)
        lines.append(line)
    return lines


def _band_centre(band: list[Any]) -> float:
    """The vertical centre of every glyph of a band's line (its ``Line.cy`` before overprints)."""
    return float((band[3] + band[4]) / 2)


_LEFT = operator.attrgetter("x0")


def _drop_overprints(glyphs: list[Glyph]) -> list[Glyph]:
    """Drop glyphs stacked on the same spot (rotated watermark text such as 下载次数)."""
    if not glyphs:
        return glyphs
    last = glyphs[0]
    kept = [last]
    for glyph in glyphs[1:]:
        size = glyph.y1 - glyph.y0
        if size < 1.0:
            size = 1.0
        if abs(glyph.x0 - last.x0) < 0.15 * size and glyph.x1 <= last.x1 + 0.5:
            continue
        kept.append(glyph)
        last = glyph
    return kept


@dataclass(frozen=True, slots=True)
class Spacing:
    """A page's typical glyph height and inter-glyph gap (as a fraction of the height)."""

    height: float
    gap_ratio: float

    def threshold(self, line: Line, *, tight: bool = False) -> float:
        """The gap above which two glyphs of ``line`` belong to different tokens."""
        height = statistics.median([g.y1 - g.y0 for g in line.glyphs]) or self.height
        if tight:
            return height * (self.gap_ratio * 1.15 + 0.35)
        return height * (self.gap_ratio * 1.7 + 0.8)


def measure(lines: Sequence[Line]) -> Spacing:
    """The page's spacing: median glyph height and median small gap between neighbours."""
    heights: list[float] = []
    ratios: list[float] = []
    for line in lines:
        previous: Glyph | None = None
        previous_height = 0.0
        for glyph in line.glyphs:
            g_height = glyph.y1 - glyph.y0
            if g_height > 0:
                heights.append(g_height)
            if previous is not None:
                gap = glyph.x0 - previous.x1
                h = previous_height
                if g_height > h:
                    h = g_height
                if h < 1e-6:
                    h = 1e-6
                if -0.2 * h < gap < 3.5 * h:
                    ratios.append((0.0 if gap < 0.0 else gap) / h)
            previous, previous_height = glyph, g_height
    height = statistics.median(heights) if heights else 10.0
    return Spacing(height, statistics.median(ratios) if ratios else 0.0)


def tokenize(line: Line, spacing: Spacing, *, tight: bool = False) -> list[Token]:
    """Split a line into tokens where the gap exceeds the page's spacing threshold."""
    limit = spacing.threshold(line, tight=tight)
    tokens: list[Token] = []
    run: list[Glyph] = []
    right = 0.0
    for glyph in line.glyphs:
        if not run or glyph.x0 - right > limit:
            run = [glyph]
            tokens.append(Token(run))
        else:
            run.append(glyph)
        right = glyph.x1
    return tokens


def build_lines(glyphs: Iterable[Glyph]) -> tuple[list[Line], Spacing]:
    """Lines with tokens, and the spacing used to cut them."""
    lines = group_lines(glyphs)
    spacing = measure(lines)
    for line in lines:
        line.tokens = tokenize(line, spacing)
    return lines, spacing
