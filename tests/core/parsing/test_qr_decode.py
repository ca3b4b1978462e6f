"""Decoding invoice QR codes from images, with variants only when the plain image fails."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
import qrcode
from PIL import Image, ImageFilter

from fapiao.core.errors import CorruptFile, TooLarge, UnsupportedFormat
from fapiao.core.parsing.base import Limits
from fapiao.core.parsing.qr_decode import decode_qr, decode_qr_array, find_qr

PAYLOAD = "01,31,,26342000001798762786,268.00,20260610,,3AB4"


def _page(payload: str = PAYLOAD, *, angle: float = 0.0, box: int = 6) -> Image.Image:
    code = qrcode.make(payload, box_size=box, border=4).get_image().convert("RGB")
    page = Image.new("RGB", (900, 600), "white")
    page.paste(code, (30, 30))
    return page.rotate(angle, expand=True, fillcolor="white") if angle else page


def _png(image: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def test_plain_qr_decodes() -> None:
    assert decode_qr(_png(_page())) == [PAYLOAD]


def test_numpy_arrays_decode_too() -> None:
    gray = np.asarray(_page().convert("L"))
    assert decode_qr_array(gray) == [PAYLOAD]


@pytest.mark.parametrize("angle", [90.0, 180.0, 7.0, -12.0])
def test_rotated_qr_reports_its_angle(angle: float) -> None:
    (hit,) = find_qr(_page(angle=angle))
    assert hit.text == PAYLOAD
    assert abs(((hit.angle - angle) + 180) % 360 - 180) < 2.5


def test_small_blurred_qr_decodes_through_variants() -> None:
    page = _page(box=2).filter(ImageFilter.GaussianBlur(0.8))
    assert decode_qr(_png(page, "JPEG")) == [PAYLOAD]


def test_image_without_qr_gives_nothing() -> None:
    noise = np.random.default_rng(1).integers(0, 255, (300, 400), dtype=np.uint8)
    assert decode_qr(_png(Image.fromarray(noise))) == []


def test_decompression_bomb_is_too_large() -> None:
    bomb = _png(Image.new("1", (8000, 6000)))
    with pytest.raises(TooLarge):
        decode_qr(bomb, Limits(max_image_pixels=10_000_000))


def test_not_an_image_and_truncated_image() -> None:
    with pytest.raises(UnsupportedFormat):
        decode_qr(random.Random(2).randbytes(3000))
    with pytest.raises(CorruptFile):
        decode_qr(_png(_page(), "JPEG")[:2000])
