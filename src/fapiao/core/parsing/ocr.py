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


_LOCK = threading.Lock()
_SHARED: dict[str, Any] = {}


def _rapidocr() -> Any:
    with _LOCK:
        if "engine" not in _SHARED:
            from rapidocr_onnxruntime import RapidOCR

            _SHARED["engine"] = RapidOCR()
        return _SHARED["engine"]


class RapidOcrEngine:
    """The offline engine (RapidOCR on ONNX Runtime), constructed lazily, shared per process.

    ``use_cls=False`` skips the text-angle classifier, for images already turned upright.
    """

    def __init__(self, *, use_cls: bool = True) -> None:
        self.use_cls = use_cls

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Text boxes found in ``image``."""
        import numpy as np

        engine = _rapidocr()
        result, _ = engine(np.asarray(image.convert("RGB")), use_cls=self.use_cls)
        boxes: list[OcrBox] = []
        for quad, text, score in result or ():
            points = tuple((float(x), float(y)) for x, y in quad)
            boxes.append(OcrBox(str(text), points, float(score)))
        return boxes


def boxes_to_glyphs(boxes: Sequence[OcrBox]) -> list[Glyph]:
    """Approximate glyphs of OCR boxes, so that the layout extractor reads them like a PDF."""
    glyphs: list[Glyph] = []
    for box in boxes:
        glyphs += split_box(box.text, box.box, box.score)
    return glyphs
