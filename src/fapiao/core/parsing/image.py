"""Invoice images (发票图片: scans, photos, rasters): the QR first, then OCR for the rest.

The QR gives number, date and one amount with certainty and also the page's orientation: the
symbol sits top-left on every layout, so its top edge gives the rotation (90/180/270 and small
skew).  Without a QR the page is read at 0° and, when too few labels are found, at 180/90/270.
OCR boxes become glyphs and go through the same extractor as the PDF text layer
(:func:`fapiao.core.parsing.pdf_layout.extract`), with each field's confidence scaled by the OCR
score.
"""

from __future__ import annotations

import dataclasses
from typing import TypeGuard

from PIL import Image

from fapiao.core.errors import NotAnInvoice
from fapiao.core.invoice import FieldSource, Invoice, Trust
from fapiao.core.parsing import merge
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult
from fapiao.core.parsing.image_fields import key_field_boxes
from fapiao.core.parsing.ocr import (
    KEY_FIELDS_DET_MAX_SIDE,
    OcrBox,
    OcrEngine,
    RapidOcrEngine,
    RegionOcrEngine,
    boxes_to_glyphs,
)
from fapiao.core.parsing.pdf import qr_candidates
from fapiao.core.parsing.pdf_layout import extract
from fapiao.core.parsing.qr_decode import QrHit, check_pixels, find_qr, open_image

_KEY_FIELDS = ("number", "issue_date", "seller.tax_id", "buyer.tax_id", "net_amount", "tax_amount")


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
        classifier is skipped and, in key-field mode, the detector sees a smaller image and only
        the boxes that can hold key fields are read (see
        :func:`~fapiao.core.parsing.image_fields.key_field_boxes`).
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
        key_fields = upright and self.key_fields_only
        if upright and isinstance(engine, RapidOcrEngine):
            side = engine.det_max_side
            if key_fields and side:
                side = min(side, KEY_FIELDS_DET_MAX_SIDE)
            engine = engine.tuned(use_cls=False, det_max_side=side)
        if key_fields and _is_region_engine(engine):
            boxes = key_field_boxes(engine, image, _has_parties)
        else:
            boxes = engine.recognize(image)
        glyphs = boxes_to_glyphs(boxes)
        invoice = extract(glyphs, source=FieldSource.OCR, confidence=Trust.FAIR.confidence)
        return None if invoice is None else _uscc_letters(invoice)


_NOT_IN_USCC = str.maketrans("IOZS", "1025")


def _uscc_letters(invoice: Invoice) -> Invoice:
    """Tax IDs read by OCR with letters no 统一社会信用代码 uses (I, O, Z, S) read as 1, 0, 2, 5.

    GB 32100-2015 leaves these letters out because they look like digits; OCR confuses them.
    """
    parties = {}
    for name in ("seller", "buyer"):
        party = getattr(invoice, name)
        tax_id = party.tax_id
        if tax_id is not None and len(tax_id) == 18:
            fixed = tax_id.translate(_NOT_IN_USCC)
            if fixed != tax_id:
                parties[name] = dataclasses.replace(party, tax_id=fixed)
    return dataclasses.replace(invoice, **parties) if parties else invoice


def _has_parties(boxes: list[OcrBox]) -> bool:
    invoice = extract(boxes_to_glyphs(boxes), source=FieldSource.OCR, confidence=1.0)
    if invoice is None:
        return False
    return all(name in invoice.fields for name in ("seller.name", "seller.tax_id", "buyer.tax_id"))


def _is_region_engine(engine: object) -> TypeGuard[RegionOcrEngine]:
    return callable(getattr(engine, "detect", None)) and callable(getattr(engine, "read", None))
