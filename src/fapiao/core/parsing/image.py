"""Invoice images (发票图片: scans, photos, rasters): the QR first, then OCR for the rest.

The QR gives number, date and one amount with certainty and also the page's orientation: the
symbol sits top-left on every layout, so its top edge gives the rotation (90/180/270 and small
skew).  Without a QR the page is read at 0° and, when too few labels are found, at 180/90/270.
OCR boxes become glyphs and go through the same extractor as the PDF text layer
(:func:`fapiao.core.parsing.pdf_layout.extract`), with each field's confidence scaled by the OCR
score.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeGuard

from PIL import Image

from fapiao.core.errors import NotAnInvoice
from fapiao.core.invoice import FieldSource, Invoice, Trust
from fapiao.core.parsing import merge
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult
from fapiao.core.parsing.ocr import (
    OcrBox,
    OcrEngine,
    Quad,
    RapidOcrEngine,
    RegionOcrEngine,
    boxes_to_glyphs,
)
from fapiao.core.parsing.pdf import qr_candidates
from fapiao.core.parsing.pdf_layout import extract
from fapiao.core.parsing.qr_decode import QrHit, check_pixels, find_qr, open_image

_KEY_FIELDS = ("number", "issue_date", "seller.tax_id", "buyer.tax_id", "net_amount", "tax_amount")
_HEADER_BOXES = 6
_TOTAL = re.compile(r"^合|合\s*计|价税")


def upright(image: Image.Image, hits: list[QrHit]) -> Image.Image:
    """The image turned so that the QR's top edge is horizontal (the page reads upright)."""
    if not hits:
        return image
    angle = hits[0].angle
    if abs(angle) < 0.3:
        return image
    return image.rotate(
        -angle, expand=True, fillcolor=(255, 255, 255), resample=Image.Resampling.BICUBIC
    )


def _filled(invoice: Invoice | None) -> int:
    if invoice is None:
        return 0
    return sum(1 for name in _KEY_FIELDS if name in invoice.fields)


class ImageParser:
    """Reads one invoice from an image; the OCR engine is injected (default: RapidOCR)."""

    formats = frozenset({FileFormat.IMAGE})

    def __init__(
        self,
        engine: OcrEngine | None = None,
        *,
        max_ocr_side: int = 1600,
        key_fields_only: bool = False,
    ) -> None:
        self._engine = engine
        self.max_ocr_side = max_ocr_side
        self.key_fields_only = key_fields_only

    @property
    def engine(self) -> OcrEngine:
        """The OCR engine, built on first use."""
        if self._engine is None:
            self._engine = RapidOcrEngine()
        return self._engine

    def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
        """The invoice in an encoded image; NotAnInvoice when neither QR nor text is found."""
        image = open_image(data, options.limits)
        invoice = self.parse_image(image, options)
        if invoice is None:
            raise NotAnInvoice("图片中没有找到发票", "No invoice found in the image")
        return ParseResult(FileFormat.IMAGE, [ParsedInvoice(invoice)])

    def parse_image(self, image: Image.Image, options: ParseOptions) -> Invoice | None:
        """The invoice in a decoded image, or None."""
        check_pixels(image.size, options.limits)
        image = image.convert("RGB") if image.mode != "RGB" else image
        hits = find_qr(image)
        candidates = qr_candidates([h.text for h in hits])
        if options.ocr:
            text = self.read_text(upright(image, hits), try_rotations=not hits, upright=bool(hits))
            if text is not None:
                candidates.append(text)
        if not candidates:
            return None
        return merge.merge(candidates)

    def read_text(
        self, image: Image.Image, *, try_rotations: bool = False, upright: bool = False
    ) -> Invoice | None:
        """The OCR candidate, trying other quarter turns when the page seems not upright.

        ``upright``: the page is known to read upright (turned by its QR), so the text-angle
        classifier is skipped and, in key-field mode, only the boxes that can hold key fields are
        read (see :func:`key_field_boxes`).
        """
        scale = min(1.0, self.max_ocr_side / max(image.size))
        if scale < 0.97:  # a few per cent over the cap is not worth a resample
            size = (round(image.width * scale), round(image.height * scale))
            image = image.resize(size, Image.Resampling.LANCZOS)
        best = self._ocr(image, upright=upright)
        if not try_rotations or _filled(best) >= 3:
            return best
        for turn in (
            Image.Transpose.ROTATE_180,
            Image.Transpose.ROTATE_90,
            Image.Transpose.ROTATE_270,
        ):
            other = self._ocr(image.transpose(turn))
            if _filled(other) > _filled(best):
                best = other
            if _filled(best) >= 3:
                break
        return best

    def _ocr(self, image: Image.Image, *, upright: bool = False) -> Invoice | None:
        engine = self.engine
        if upright and isinstance(engine, RapidOcrEngine) and engine.use_cls:
            engine = engine.without_angle_classifier()
        if upright and self.key_fields_only and _is_region_engine(engine):
            boxes = key_field_boxes(engine, image, _has_parties)
        else:
            boxes = engine.recognize(image)
        glyphs = boxes_to_glyphs(boxes)
        return extract(glyphs, source=FieldSource.OCR, confidence=Trust.FAIR.confidence)


def _has_parties(boxes: list[OcrBox]) -> bool:
    invoice = extract(boxes_to_glyphs(boxes), source=FieldSource.OCR, confidence=1.0)
    if invoice is None:
        return False
    return all(name in invoice.fields for name in ("seller.name", "seller.tax_id", "buyer.tax_id"))


def _is_region_engine(engine: object) -> TypeGuard[RegionOcrEngine]:
    return callable(getattr(engine, "detect", None)) and callable(getattr(engine, "read", None))


def box_rows(quads: list[Quad]) -> list[list[int]]:
    """Indices of ``quads`` grouped into rows (by vertical centre), top to bottom."""
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


def key_field_boxes(
    engine: RegionOcrEngine,
    image: Image.Image,
    enough: Callable[[list[OcrBox]], bool] | None = None,
) -> list[OcrBox]:
    """Read only the boxes that can hold key fields (关键字段) of an upright page.

    Every layout puts the title, number, date and the buyer block (and on 数电 the seller block)
    above the line-item table, and the 合计 / 价税合计 rows (and the legacy seller block) below
    it.  The item table is found by its header row (the first row of at least six boxes); of
    each row below it only the leftmost box is read until one says 合计, and the item rows in
    between are skipped.  The rows below 价税合计 are read only when ``enough`` says the boxes
    read so far miss something.  Without such a header every box is read.
    """
    quads = engine.detect(image)
    rows = box_rows(quads)
    header = next((r for r, row in enumerate(rows) if len(row) >= _HEADER_BOXES), None)
    if header is None:
        return engine.read(image, quads)
    probes = [rows[r][0] for r in range(header + 1, len(rows))]
    read = {box.box: box for box in engine.read(image, [quads[i] for i in probes])}
    total = None
    for r in range(header + 1, len(rows)):
        probe = read.get(quads[rows[r][0]])
        if probe is not None and _TOTAL.search(probe.text):
            total = r
            break
    if total is None:
        return engine.read(image, quads)
    wanted = [i for row in rows[:header] for i in row]
    wanted += [i for row in rows[total : total + 2] for i in row[1:]]
    boxes = engine.read(image, [quads[i] for i in wanted])
    boxes += [read[quads[row[0]]] for row in rows[total : total + 2] if quads[row[0]] in read]
    rest = rows[total + 2 :]
    if rest and (enough is None or not enough(boxes)):
        boxes += engine.read(image, [quads[i] for row in rest for i in row[1:]])
        boxes += [read[quads[row[0]]] for row in rest if quads[row[0]] in read]
    return boxes
