"""Optical character recognition (光学字符识别, OCR): the engine protocol and the offline engine.

:class:`RapidOcrEngine` wraps ``rapidocr_onnxruntime``, whose detection, angle and recognition
models ship inside its wheel: nothing is ever downloaded.  The engine is built on first use and
kept, one per process.  Tests inject a fake :class:`OcrEngine` instead.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image

from fapiao.core.parsing.layout import Glyph, split_box


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
_SHARED: dict[tuple[int, int], Any] = {}
DEFAULT_DET_MAX_SIDE = 1280
DEFAULT_REC_MIN_WIDTH = 96
_TEXT_SCORE = 0.5


def _rapidocr(threads: int = 0, rec_min_width: int = DEFAULT_REC_MIN_WIDTH) -> Any:
    """The shared RapidOCR instance for a thread count (0: ONNX Runtime's default)."""
    key = (threads, rec_min_width)
    with _LOCK:
        if key not in _SHARED:
            from rapidocr_onnxruntime import RapidOCR

            kwargs: dict[str, int] = {}
            if threads > 0:
                kwargs = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
            engine = RapidOCR(**kwargs)
            # Short boxes (one character, a tax rate) are padded to this width, not to 320 px.
            engine.text_rec.rec_image_shape = [3, 48, rec_min_width]
            _SHARED[key] = engine
        return _SHARED[key]


class RapidOcrEngine:
    """The offline engine (RapidOCR on ONNX Runtime), constructed lazily, shared per process.

    ``use_cls=False`` skips the text-angle classifier, for images already turned upright.
    ``det_max_side`` caps the side of the image the detector sees (boxes are still read at full
    resolution); ``threads`` pins ONNX Runtime's intra-op threads (``1`` for one-core figures).
    """

    def __init__(
        self,
        *,
        use_cls: bool = True,
        det_max_side: int | None = DEFAULT_DET_MAX_SIDE,
        threads: int = 0,
        rec_min_width: int = DEFAULT_REC_MIN_WIDTH,
    ) -> None:
        self.use_cls = use_cls
        self.det_max_side = det_max_side
        self.threads = threads
        self.rec_min_width = rec_min_width

    def without_angle_classifier(self) -> RapidOcrEngine:
        """The same engine without the text-angle classifier (for pages known to be upright)."""
        return RapidOcrEngine(
            use_cls=False,
            det_max_side=self.det_max_side,
            threads=self.threads,
            rec_min_width=self.rec_min_width,
        )

    def _engine(self) -> Any:
        return _rapidocr(self.threads, self.rec_min_width)

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
        results, _ = engine.text_rec(crops, False)
        boxes: list[OcrBox] = []
        for quad, result in zip(quads, results, strict=True):
            text, score = str(result[0]), float(result[1])
            if text and score >= _TEXT_SCORE:
                boxes.append(OcrBox(text, quad, score))
        return boxes


def boxes_to_glyphs(boxes: Sequence[OcrBox]) -> list[Glyph]:
    """Approximate glyphs of OCR boxes, so that the layout extractor reads them like a PDF."""
    glyphs: list[Glyph] = []
    for box in boxes:
        glyphs += split_box(box.text, box.box, box.score)
    return glyphs
