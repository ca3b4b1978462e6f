"""Labels (标签) on a printed invoice and the values beside them, found by position.

A label such as ``发票号码：`` is searched in the tokens of each line (tokens that together spell
a label, like ``合    计``, are joined first); its value is the rest of its token or the nearest
unlabelled tokens to its right that share its height band, even when the value sits on a
slightly different baseline (a larger font).  Used by :mod:`fapiao.core.parsing.pdf_layout`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fapiao.core.parsing.layout import Glyph, Line, Spacing, Token
from fapiao.core.parsing.pdf_layout_items import ITEM_HEADERS

LABELS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            *(("items", h) for h in ITEM_HEADERS),
            ("gross_upper", "价税合计(大写)"),
            ("gross_upper", "价税合计"),
            ("gross_lower", "(小写)"),
            ("tax_id", "统一社会信用代码/纳税人识别号"),
            ("tax_id", "纳税人识别号"),
            ("tax_id", "统一社会信用代码"),
            ("number", "发票号码"),
            ("code", "发票代码"),
            ("date", "开票日期"),
            ("check_code", "校验码"),
            ("machine", "机器编号"),
            ("address_phone", "地址、电话"),
            ("address_phone", "地址电话"),
            ("bank_account", "开户行及账号"),
            ("total", "合计"),
            ("drawer", "开票人"),
            ("payee", "收款人"),
            ("reviewer", "复核"),
            ("name", "名称"),
            ("password", "密码区"),
        ],
        key=lambda kv: -len(kv[1]),
    )
)
# Any label at all: most tokens are values, which this rules out with one search.
_ANY_LABEL = re.compile("|".join(re.escape(label) for _, label in LABELS))


@dataclass(slots=True)
class Hit:
    """One label found in a token."""

    key: str
    line: int
    token: int
    start: int
    end: int

    def x0(self, lines: Sequence[Line]) -> float:
        """Left edge of the label."""
        return _glyph_at(lines[self.line].tokens[self.token], self.start).x0

    def cy(self, lines: Sequence[Line]) -> float:
        """Vertical centre of the label."""
        return _glyph_at(lines[self.line].tokens[self.token], self.start).cy


def _glyph_at(token: Token, index: int) -> Glyph:
    pos = 0
    for glyph in token.glyphs:
        pos += len(glyph.text)
        if index < pos:
            return glyph
    return token.glyphs[-1]


def join_spaced_labels(line: Line) -> list[str]:
    """Merge tokens that together spell a label (``合    计``, ``单 位``) into one token.

    Returns the texts of the line's tokens after the merge.
    """
    texts = [t.text for t in line.tokens]
    if len(texts) < 2:
        return texts
    joined = "".join(texts)
    if _ANY_LABEL.search(joined) is None:
        return texts
    starts: list[int] = []
    pos = 0
    for text in texts:
        starts.append(pos)
        pos += len(text)
    merges: list[tuple[int, int]] = []
    for _, label in LABELS:
        at = joined.find(label)
        while at >= 0:
            if at in starts:
                first = starts.index(at)
                last = first
                while last + 1 < len(starts) and starts[last + 1] < at + len(label):
                    last += 1
                if last > first:
                    merges.append((first, last))
            at = joined.find(label, at + 1)
    if not merges:
        return texts
    tokens: list[Token] = []
    skip_until = -1
    for i, token in enumerate(line.tokens):
        if i <= skip_until:
            continue
        span = next(((a, b) for a, b in merges if a == i), None)
        if span:
            glyphs = [g for t in line.tokens[span[0] : span[1] + 1] for g in t.glyphs]
            tokens.append(Token(glyphs))
            skip_until = span[1]
        else:
            tokens.append(token)
    line.tokens = tokens
    return [t.text for t in tokens]


def find_hits(lines: Sequence[Line]) -> list[Hit]:
    """Every label in every token, longest labels first, no overlaps."""
    hits: list[Hit] = []
    for li, line in enumerate(lines):
        for ti, text in enumerate(join_spaced_labels(line)):
            if _ANY_LABEL.search(text) is None:
                continue
            taken = [False] * len(text)
            for key, label in LABELS:
                at = text.find(label)
                while at >= 0:
                    if not any(taken[at : at + len(label)]):
                        taken[at : at + len(label)] = [True] * len(label)
                        hits.append(Hit(key, li, ti, at, at + len(label)))
                    at = text.find(label, at + 1)
    hits.sort(key=lambda h: (h.line, h.token, h.start))
    return hits


class Reader:
    """The lines of a page with their label hits."""

    def __init__(self, lines: list[Line], spacing: Spacing, glyphs: Sequence[Glyph]) -> None:
        self.lines = lines
        self.spacing = spacing
        self.glyphs = glyphs
        self.hits = find_hits(lines)
        self.scores: dict[str, float] = {}
        self._labelled = {(h.line, h.token) for h in self.hits if h.start == 0}
        self._extents: list[list[tuple[float, float]]] | None = None

    def _token_extents(self) -> list[list[tuple[float, float]]]:
        """Top and bottom of every token, by line and token index (computed once)."""
        if self._extents is None:
            self._extents = [
                [
                    (min([g.y0 for g in token.glyphs]), max([g.y1 for g in token.glyphs]))
                    for token in line.tokens
                ]
                for line in self.lines
            ]
        return self._extents

    def first(self, key: str) -> Hit | None:
        return next((h for h in self.hits if h.key == key), None)

    def label_box(self, hit: Hit) -> tuple[float, float, float]:
        """Right edge, top and bottom of a label."""
        token = self.lines[hit.line].tokens[hit.token]
        first = _glyph_at(token, hit.start)
        last = _glyph_at(token, hit.end - 1)
        return last.x1, min(first.y0, last.y0), max(first.y1, last.y1)

    def neighbours(self, hit: Hit) -> list[Token]:
        """Unlabelled tokens to the right of a label that share its height band."""
        x1, top, bottom = self.label_box(hit)
        height = bottom - top
        stops = [
            self.lines[h.line].tokens[h.token].x0
            for h in self.hits
            if h.line == hit.line and h.token > hit.token and h.start == 0
        ]
        limit = min(stops) if stops else float("inf")
        labelled = self._labelled
        extents = self._token_extents()
        found: list[tuple[float, Token]] = []
        for li in range(max(0, hit.line - 3), min(len(self.lines), hit.line + 4)):
            line = self.lines[li]
            for ti, token in enumerate(line.tokens):
                if (li, ti) in labelled or (li == hit.line and ti <= hit.token):
                    continue
                if not (x1 - 0.5 * height <= token.x0 < limit):
                    continue
                t_top, t_bottom = extents[li][ti]
                overlap = min(bottom, t_bottom) - max(top, t_top)
                if overlap >= 0.1 * min(height, t_bottom - t_top):
                    penalty = 0.0 if li == hit.line else 2 * height
                    found.append((token.x0 - x1 + penalty, token))
        found.sort(key=lambda entry: entry[0])
        return [token for _, token in found]

    def value(self, hit: Hit, *, chain: re.Pattern[str] | None = None) -> tuple[str, float]:
        """The text after a label: rest of its token, else the nearest tokens to the right."""
        token = self.lines[hit.line].tokens[hit.token]
        later = [h.start for h in self.hits if (h.line, h.token) == (hit.line, hit.token)]
        stop = min([s for s in later if s > hit.start] + [len(token.text)])
        text = token.text[hit.end : stop].strip(":")
        score = token.score
        if (text and not (chain and chain.fullmatch(text))) or stop < len(token.text):
            return text, score
        for nxt in self.neighbours(hit):
            piece = nxt.text.strip(":")
            if not piece:
                continue
            text += piece
            score = min(score, nxt.score)
            if not (chain and chain.fullmatch(text)):
                break
        return text.strip(":"), score
