"""Optical character recognition (光学字符识别, OCR): the engine protocol and the offline engine.

:class:`RapidOcrEngine` wraps ``rapidocr_onnxruntime``, whose detection, angle and recognition
models ship inside its wheel: nothing is ever downloaded.  The engine is built on first use and
kept, one per process.  Tests inject a fake :class:`OcrEngine` instead.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image

from fapiao.core.parsing.layout import Glyph, normalize, split_box


@dataclass(frozen=True, slots=True)
class OcrBox:
    """One recognised text box: its text, its polygon (four corners) and the engine's score."""

    text: str
    box: tuple[tuple[float, float], ...]
    score: float


class OcrEngine(Protocol):
    """Anything that finds text boxes in an image."""

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Text boxes in ``image`` coordinates."""
        ...


Quad = tuple[tuple[float, float], ...]


class RegionOcrEngine(OcrEngine, Protocol):
    """An engine that can find text boxes and read only some of them (key-field mode)."""

    def detect(self, image: Image.Image) -> list[Quad]:
        """Text boxes (four corners each, top-left first) without reading them."""
        ...

    def read(self, image: Image.Image, quads: Sequence[Quad]) -> list[OcrBox]:
        """The boxes ``quads`` of ``image`` read (boxes read with a low score are dropped)."""
        ...


_LOCK = threading.Lock()
_SHARED: dict[int, Any] = {}
DEFAULT_DET_MAX_SIDE = 1280
KEY_FIELDS_DET_MAX_SIDE = 960
DEFAULT_REC_HEIGHT = 48
DEFAULT_REC_MIN_WIDTH = 96
_TEXT_SCORE = 0.5


def _rapidocr(threads: int = 0) -> Any:
    """The shared RapidOCR instance for a thread count (0: ONNX Runtime's default)."""
    with _LOCK:
        if threads not in _SHARED:
            from rapidocr_onnxruntime import RapidOCR

            kwargs: dict[str, int] = {}
            if threads > 0:
                kwargs = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
            _SHARED[threads] = RapidOCR(**kwargs)
        return _SHARED[threads]


def rec_input(crop: Any, height: int, min_width: int) -> Any:
    """One text-line crop as the recogniser's input: ``height`` rows, aspect kept, padded.

    A short crop (one character, a tax rate) is padded on the right to ``min_width``, never
    stretched; pixels are scaled to [-1, 1] as the PP-OCR models expect.
    """
    import cv2
    import numpy as np

    rows, cols = crop.shape[:2]
    width = max(1, math.ceil(height * cols / max(rows, 1)))
    resized = cv2.resize(crop, (width, height)).astype(np.float32)
    batch = np.zeros((1, 3, height, max(width, min_width)), dtype=np.float32)
    batch[0, :, :, :width] = resized.transpose((2, 0, 1)) / 127.5 - 1.0
    return batch


class RapidOcrEngine:
    """The offline engine (RapidOCR on ONNX Runtime), constructed lazily, shared per process.

    ``use_cls=False`` skips the text-angle classifier, for images already turned upright.
    ``det_max_side`` caps the side of the image the detector sees (boxes are still read at full
    resolution): 1280 px for whole pages, where a coarser detector joins a vertical block label
    to the lines beside it more often and the page's lines then run together; 960 px
    (:data:`KEY_FIELDS_DET_MAX_SIDE`, half the detection time) when only key fields are read.
    ``threads`` pins ONNX Runtime's intra-op threads (``1`` for one-core figures).
    Boxes are recognised one at a time at ``rec_height`` pixels high: batches are padded to
    their widest box, which costs more than it saves on the short lines of an invoice.
    """

    def __init__(
        self,
        *,
        use_cls: bool = True,
        det_max_side: int | None = DEFAULT_DET_MAX_SIDE,
        threads: int = 0,
        rec_height: int = DEFAULT_REC_HEIGHT,
        rec_min_width: int = DEFAULT_REC_MIN_WIDTH,
    ) -> None:
        self.use_cls = use_cls
        self.det_max_side = det_max_side
        self.threads = threads
        self.rec_height = rec_height
        self.rec_min_width = rec_min_width

    def tuned(self, *, use_cls: bool, det_max_side: int | None) -> RapidOcrEngine:
        """The same engine (same models, same threads) with other reading options."""
        return RapidOcrEngine(
            use_cls=use_cls,
            det_max_side=det_max_side,
            threads=self.threads,
            rec_height=self.rec_height,
            rec_min_width=self.rec_min_width,
        )

    def _engine(self) -> Any:
        return _rapidocr(self.threads)

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Text boxes found in ``image``."""
        return self.read(image, self.detect(image))

    def detect(self, image: Image.Image) -> list[Quad]:
        """Text boxes found by the detector, top to bottom, left to right."""
        import numpy as np

        engine = self._engine()
        det = engine.text_det
        pixels = np.asarray(image.convert("RGB"))
        shape = pixels.shape[:2]
        if self.det_max_side and max(shape) > self.det_max_side:
            from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

            prepare = DetPreProcess(self.det_max_side, "max", det.mean, det.std)
        else:
            prepare = det.get_preprocess(max(shape))
        batch = prepare(pixels)
        if batch is None:
            return []
        preds = det.infer(batch)[0]
        boxes, _ = det.postprocess_op(preds, shape)
        boxes = det.filter_tag_det_res(boxes, shape)
        if len(boxes) == 0:
            return []
        return [tuple((float(x), float(y)) for x, y in box) for box in engine.sorted_boxes(boxes)]

    def read(self, image: Image.Image, quads: Sequence[Quad]) -> list[OcrBox]:
        """The boxes ``quads`` read (angle classifier first when ``use_cls``)."""
        if not quads:
            return []
        import numpy as np

        engine = self._engine()
        pixels = np.asarray(image.convert("RGB"))
        crops = engine.get_crop_img_list(pixels, [np.asarray(q, dtype=np.float32) for q in quads])
        if self.use_cls:
            crops, _, _ = engine.text_cls(crops)
        rec = engine.text_rec
        boxes: list[OcrBox] = []
        for quad, crop in zip(quads, crops, strict=True):
            preds = rec.session(rec_input(crop, self.rec_height, self.rec_min_width))[0]
            ((text, score),) = rec.postprocess_op(preds)
            if text and score >= _TEXT_SCORE:
                boxes.append(OcrBox(str(text), quad, float(score)))
        return boxes


def _along(quad: Quad, t: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """The points at fraction ``t`` of a box's top and bottom edges."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad[:4]
    return (x0 + t * (x1 - x0), y0 + t * (y1 - y0)), (x3 + t * (x2 - x3), y3 + t * (y2 - y3))


def box_glyphs(box: OcrBox) -> list[Glyph]:
    """Approximate glyphs of one OCR box: the box is divided among its characters.

    The division follows the box's edges, so that on a slanted box (the detector joined a
    vertical block label such as 购 to the 名称 label beside it) each glyph gets the height of
    the text, not that of the whole slanted box.  Tall boxes are vertical text (see
    :func:`~fapiao.core.parsing.layout.split_box`).
    """
    quad = box.box
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    if len(quad) != 4 or (max(ys) - min(ys)) > 1.5 * (max(xs) - min(xs)):
        return split_box(box.text, quad, box.score)
    chars = [ch for ch in (normalize(c) for c in box.text if not c.isspace()) if ch.strip()]
    if not chars:
        return []
    weights = [1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in chars]
    total = sum(weights)
    glyphs: list[Glyph] = []
    start = 0.0
    for ch, weight in zip(chars, weights, strict=True):
        end = start + weight / total
        (ax, ay), (bx, by) = _along(quad, start)
        (cx, cy), (dx, dy) = _along(quad, end)
        glyphs.append(Glyph(ch, min(ax, bx), min(ay, cy), max(cx, dx), max(by, dy), box.score))
        start = end
    return glyphs


def _extent(box: OcrBox) -> tuple[float, float, float, float]:
    xs = [p[0] for p in box.box]
    ys = [p[1] for p in box.box]
    return min(xs), min(ys), max(xs), max(ys)


def boxes_to_glyphs(boxes: Sequence[OcrBox]) -> list[Glyph]:
    """Approximate glyphs of OCR boxes, so that the layout extractor reads them like a PDF.

    Where the detector let two boxes of a line overlap (a label box that also caught the first
    digit of the value beside it), the glyphs of the left box that fall inside the right one
    are dropped, so that the character is not read twice.
    """
    extents = [_extent(box) for box in boxes]
    glyphs: list[Glyph] = []
    for box, (x0, y0, x1, y1) in zip(boxes, extents, strict=True):
        cut = min(
            (
                bx0
                for bx0, by0, bx1, by1 in extents
                if x0 < bx0 < x1 < bx1 and y0 < (by0 + by1) / 2 < y1 and by0 < (y0 + y1) / 2 < by1
            ),
            default=None,
        )
        found = box_glyphs(box)
        glyphs += found if cut is None else [g for g in found if g.cx <= cut]
    return glyphs
