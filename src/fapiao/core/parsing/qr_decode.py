"""Decoding the invoice QR code (二维码) from images, with zxing-cpp.

The image is tried as it is first; only when nothing decodes are grayscale, upscaled, rotated
and binarised variants tried.  Images are opened with a pixel limit
(:attr:`~fapiao.core.parsing.base.Limits.max_image_pixels`) checked before any pixel is
decoded, so a decompression bomb raises :class:`~fapiao.core.errors.TooLarge`.  The payload is
read by :mod:`fapiao.core.parsing.qr_payload` (see formats.md §3).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import Any

import zxingcpp
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from fapiao.core.errors import CorruptFile, TooLarge, UnsupportedFormat
from fapiao.core.parsing.base import Limits


@dataclass(frozen=True, slots=True)
class QrHit:
    """One decoded QR code: its text, its corner points (top-left first) and its angle."""

    text: str
    corners: tuple[tuple[float, float], ...]
    angle: float  # degrees, counter-clockwise rotation of the symbol in the image

    @property
    def centre(self) -> tuple[float, float]:
        """Centre of the symbol."""
        xs = [p[0] for p in self.corners]
        ys = [p[1] for p in self.corners]
        return sum(xs) / len(xs), sum(ys) / len(ys)


def open_image(data: bytes, limits: Limits | None = None) -> Image.Image:
    """A loaded RGB image, refusing more pixels than the limit allows (decompression bombs)."""
    limits = limits or Limits()
    if len(data) > limits.max_file_bytes:
        raise TooLarge(
            f"图片文件过大：{len(data)} 字节", f"Image file too large: {len(data)} bytes"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise TooLarge("图片像素过多", "Image has too many pixels") from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedFormat("无法识别的图片格式", "Unrecognised image format") from exc
    check_pixels(opened.size, limits)
    try:
        opened.load()
        image: Image.Image = ImageOps.exif_transpose(opened) or opened
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile("图片已损坏或不完整", "The image is damaged or truncated") from exc
    return image.convert("RGB") if image.mode != "RGB" else image


def check_pixels(size: tuple[int, int], limits: Limits) -> None:
    """Raise TooLarge when an image of ``size`` exceeds the pixel limit."""
    pixels = size[0] * size[1]
    if pixels > limits.max_image_pixels:
        raise TooLarge(
            f"图片像素过多：{size[0]}×{size[1]}，上限 {limits.max_image_pixels}",
            f"Image too large: {size[0]}x{size[1]} pixels, limit {limits.max_image_pixels}",
        )


def _hits(image: Image.Image) -> list[QrHit]:
    found: list[QrHit] = []
    for barcode in zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    ):
        if not barcode.valid or not barcode.text:
            continue
        pos = barcode.position
        corners = tuple(
            (float(p.x), float(p.y))
            for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        )
        (x0, y0), (x1, y1) = corners[0], corners[1]
        angle = math.degrees(math.atan2(-(y1 - y0), x1 - x0))
        found.append(QrHit(barcode.text, corners, angle))
    return found


def _variants(image: Image.Image) -> list[tuple[Image.Image, float, float]]:
    """(variant, scale, rotation) pairs tried after the image as it is."""
    gray = image.convert("L")
    out: list[tuple[Image.Image, float, float]] = [(gray, 1.0, 0.0)]
    if max(gray.size) < 2400:
        up = gray.resize((gray.width * 2, gray.height * 2), Image.Resampling.LANCZOS)
        out.append((up, 2.0, 0.0))
    sharp = gray.filter(ImageFilter.SHARPEN)
    out.append((sharp.point(lambda v: 255 if v > 140 else 0), 1.0, 0.0))
    out.extend(
        (gray.rotate(angle, expand=True, fillcolor=255), 1.0, angle)
        for angle in (15.0, -15.0, 45.0)
    )
    return out


def find_qr(image: Image.Image) -> list[QrHit]:
    """Decoded QR codes with positions in ``image`` coordinates (variants only on failure)."""
    hits = _hits(image)
    if hits:
        return hits
    for variant, scale, rotation in _variants(image):
        hits = _hits(variant)
        if hits:
            if rotation:
                return [QrHit(h.text, h.corners, h.angle - rotation) for h in hits]
            return [
                QrHit(h.text, tuple((x / scale, y / scale) for x, y in h.corners), h.angle)
                for h in hits
            ]
    return []


def decode_qr_array(img: Any) -> list[str]:
    """The texts of the QR codes in a PIL image or a numpy array (grayscale or BGR)."""
    image = img if isinstance(img, Image.Image) else Image.fromarray(img)
    seen: list[str] = []
    for hit in find_qr(image):
        if hit.text not in seen:
            seen.append(hit.text)
    return seen


def decode_qr(image_bytes: bytes, limits: Limits | None = None) -> list[str]:
    """The texts of the QR codes in an encoded image (PNG, JPEG, ...)."""
    return decode_qr_array(open_image(image_bytes, limits))
