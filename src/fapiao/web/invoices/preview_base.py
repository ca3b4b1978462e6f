"""Shared pieces of the previews: limits, the error, PNG encoding."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from fapiao.core.errors import FapiaoError
from fapiao.core.parsing.base import Limits

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PX_PER_MM = 6  # about 150 dpi
MAX_PAGES = 10
MAX_SIDE = 2400  # pixels, for photos and rendered pages
LIMITS = Limits()


class PreviewError(FapiaoError):
    """No preview can be made of this file."""

    code = "preview.unavailable"
    default_message = "无法生成预览"
    default_message_en = "No preview can be made"


def to_png(image: Image.Image) -> bytes:
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()
