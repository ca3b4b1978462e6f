"""Which text boxes of an upright invoice image can hold key fields (关键字段), read sparingly.

Recognising a text box costs in proportion to its width, and most of an invoice's width is
text no key field needs: the title, the item rows, the 密码区 cipher block, the amount in
words, addresses and bank accounts.  The page is detected once; then:

- every wide box of the header (the rows above the item table) is read through a *probe*, a
  crop of its first :data:`PROBE_RATIO` box heights (``名称：``, ``统一社会``, ``03+<5``), and
  narrow boxes whole;
- only boxes whose probe names a party label (名称, 纳税人识别号, 统一社会信用代码) are read in
  full, each with the readable box to its right (the value, where the detector split it off),
  plus the first header box that names the invoice number, code or date (the field extractor
  recognises a page by it);
- below the item table only the first box of each row is probed, until one says 合计 or
  价税合计: those two rows are read whole and the item rows above them are skipped;
- the rows below (the legacy layout's seller block) are probed and read label by label only
  when the caller says that the boxes read so far miss a party.

Of a box only probed, the first character is kept as a box of its own: the detector often
joins a character of a vertical 购买方 / 销售方 block label to the label beside it
(``方地址、电话``), and the field extractor tells the buyer from the seller by those labels.
Without an item table or a 合计 row every box is read.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence

from PIL import Image

from fapiao.core.parsing.layout import normalize
from fapiao.core.parsing.ocr import OcrBox, Quad, RegionOcrEngine

PROBE_RATIO = 3.0
"""Width of a probe crop, in box heights: three or four CJK characters of a label."""
HEADER_BOXES = 6
"""The item table's header row is the first row with at least this many boxes."""

_TOTAL = re.compile(r"^合|合\s*计|价税")
_PARTY = re.compile(r"名|纳|识别|统一|社会|信用")
_HEADER = re.compile(r"发票号|发票代|开票日|票号码|票代码")


def box_size(quad: Quad) -> tuple[float, float]:
    """Width (along the top edge) and height (along the left edge) of a box."""
    (x0, y0), (x1, y1) = quad[0], quad[1]
    x3, y3 = quad[3]
    return math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)


def probe(quad: Quad, ratio: float = PROBE_RATIO) -> Quad | None:
    """The left part of a box, ``ratio`` heights wide; None when the box is not wider."""
    width, height = box_size(quad)
    if width <= ratio * height * 1.2:
        return None
    t = ratio * height / width
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad[:4]
    return (
        (x0, y0),
        (x0 + t * (x1 - x0), y0 + t * (y1 - y0)),
        (x3 + t * (x2 - x3), y3 + t * (y2 - y3)),
        (x3, y3),
    )


def box_rows(quads: Sequence[Quad]) -> list[list[int]]:
    """Indices of ``quads`` grouped into rows (by vertical centre), top to bottom.

    A box joins the row above when its centre lies within half the median box height of that
    row's mean centre; each row is ordered left to right.
    """
    if not quads:
        return []
    centres = [sum(y for _, y in q) / len(q) for q in quads]
    heights = sorted(max(y for _, y in q) - min(y for _, y in q) for q in quads)
    tolerance = 0.5 * heights[len(heights) // 2]
    rows: list[list[int]] = []
    row_centre = 0.0
    for index in sorted(range(len(quads)), key=lambda i: centres[i]):
        if rows and abs(centres[index] - row_centre) <= tolerance:
            rows[-1].append(index)
            row_centre = sum(centres[i] for i in rows[-1]) / len(rows[-1])
        else:
            rows.append([index])
            row_centre = centres[index]
    for row in rows:
        row.sort(key=lambda i: min(x for x, _ in quads[i]))
    return rows


class _Reads:
    """The boxes of one page read so far, by box index: whole, or only their probe."""

    def __init__(self, engine: RegionOcrEngine, image: Image.Image, quads: Sequence[Quad]):
        self.engine = engine
        self.image = image
        self.quads = quads
        self.found: dict[int, OcrBox] = {}
        self.probes: dict[int, str] = {}
        self.whole: set[int] = set()

    def read(self, indices: Sequence[int], *, probing: bool = False) -> None:
        """Read boxes (wide ones only through a probe when ``probing``), each at most once."""
        todo: list[tuple[int, Quad, bool]] = []
        for i in dict.fromkeys(indices):
            if i in self.whole or (probing and i in self.probes):
                continue
            crop = probe(self.quads[i]) if probing else None
            todo.append((i, crop or self.quads[i], crop is None))
        if not todo:
            return
        found = {box.box: box for box in self.engine.read(self.image, [q for _, q, _ in todo])}
        for i, quad, whole in todo:
            box = found.get(quad)
            self.probes[i] = normalize(box.text) if box else ""
            if whole:
                self.whole.add(i)
                self.found.pop(i, None)
            if box is not None:
                self.found[i] = box

    def text(self, i: int) -> str:
        """What is known of box ``i``: its probe (or whole) text."""
        return self.probes.get(i, "")

    def boxes(self, skip: Sequence[list[int]] = ()) -> list[OcrBox]:
        """What was read, less the rows ``skip``; of a box only probed, its first character."""
        skipped = {i for row in skip for i in row}
        out: list[OcrBox] = []
        for i in sorted(self.found):
            box = self.found[i]
            if i in skipped:
                continue
            out.append(box if i in self.whole else first_character(box))
        return out


def first_character(box: OcrBox) -> OcrBox:
    """The first character of a box, with its share of the box (CJK characters count 1, others
    0.55, as in :func:`~fapiao.core.parsing.ocr.box_glyphs`)."""
    chars = [ch for ch in box.text if not ch.isspace()]
    if len(chars) < 2:
        return box
    weights = [1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in chars]
    t = weights[0] / sum(weights)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = box.box[:4]
    quad = (
        (x0, y0),
        (x0 + t * (x1 - x0), y0 + t * (y1 - y0)),
        (x3 + t * (x2 - x3), y3 + t * (y2 - y3)),
        (x3, y3),
    )
    return OcrBox(chars[0], quad, box.score)


def _right_of(quads: Sequence[Quad], label: int, candidates: Sequence[int]) -> int | None:
    """The nearest box right of ``label`` whose vertical centre lies within the label's height."""
    box = quads[label]
    left = min(x for x, _ in box)
    top, bottom = min(y for _, y in box), max(y for _, y in box)
    best: tuple[float, int] | None = None
    for i in candidates:
        quad = quads[i]
        x = min(x for x, _ in quad)
        centre = sum(y for _, y in quad) / len(quad)
        if i != label and x > left and top <= centre <= bottom and (best is None or x < best[0]):
            best = (x, i)
    return None if best is None else best[1]


def _labelled(reads: _Reads, rows: Sequence[list[int]], pattern: re.Pattern[str]) -> list[int]:
    """Boxes whose text matches ``pattern``, each with the readable box to its right (its value).

    Boxes whose probe read nothing (a stray colon, a stamp) are passed over.
    """
    candidates = [i for row in rows for i in row]
    readable = [i for i in candidates if reads.text(i)]
    wanted: list[int] = []
    for i in readable:
        if pattern.search(reads.text(i)):
            wanted.append(i)
            value = _right_of(reads.quads, i, readable)
            if value is not None:
                wanted.append(value)
    return wanted


def key_field_boxes(
    engine: RegionOcrEngine,
    image: Image.Image,
    enough: Callable[[list[OcrBox]], bool] | None = None,
) -> list[OcrBox]:
    """The boxes of an upright page that can hold key fields (see the module docstring)."""
    quads = engine.detect(image)
    rows = box_rows(quads)
    header = next((r for r, row in enumerate(rows) if len(row) >= HEADER_BOXES), None)
    if header is None:
        return engine.read(image, quads)
    reads = _Reads(engine, image, quads)
    top = rows[:header]
    below = rows[header + 1 :]
    reads.read([i for row in top for i in row] + [row[0] for row in below], probing=True)
    total = next((r for r, row in enumerate(below) if _TOTAL.search(reads.text(row[0]))), None)
    if total is None:
        reads.read(range(len(quads)))
        return reads.boxes()
    named = next((i for row in top for i in row if _HEADER.search(reads.text(i))), None)
    wanted = _labelled(reads, top, _PARTY) + ([] if named is None else [named])
    wanted += [i for row in below[total : total + 2] for i in row]
    reads.read(wanted)
    rest = below[total + 2 :]
    items = below[:total]
    if rest and (enough is None or not enough(reads.boxes(items))):
        reads.read([i for row in rest for i in row], probing=True)
        reads.read(_labelled(reads, rest, _PARTY))
    return reads.boxes(items)
