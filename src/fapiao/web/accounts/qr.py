"""二维码 (QR code) of a TOTP setup URI, drawn on the server as a PNG data URI."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.image.pil import PilImage


def qr_data_uri(text: str) -> str:
    """A ``data:image/png;base64,…`` URI of the QR code of ``text``."""
    image = qrcode.make(text, image_factory=PilImage, box_size=6, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
