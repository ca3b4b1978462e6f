"""反馈截图 (feedback screenshots), sealed at rest like the originals.

A screenshot is re-encoded to PNG on arrival (which also drops EXIF data such as a phone's
location) and sealed with AES-256-GCM (:func:`fapiao.core.crypto.envelope.encrypt_bytes`) under
the data key of the feedback's company, or under the system key for feedback that belongs to no
company.  The associated data binds it to its feedback row, so a file copied to another row does
not open.  Layout of the stored file: ``FPS1 | key id length (1 byte) | key id | sealed``.
Screenshots stored in plaintext before sealing was introduced are still shown (re-encoded).
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from fapiao.core.crypto.envelope import decrypt_bytes, encrypt_bytes
from fapiao.core.crypto.errors import DecryptError

MAGIC = b"FPS1"
MAX_PIXELS = 40_000_000
MAX_SIDE = 4000


class ScreenshotError(ValueError):
    """The screenshot cannot be read as an image (Chinese and English)."""

    def __init__(self, message: str, message_en: str) -> None:
        self.message, self.message_en = message, message_en
        super().__init__(f"{message} · {message_en}")


def to_png(content: bytes) -> bytes:
    """The picture re-encoded as PNG (EXIF-rotated, metadata dropped, at most MAX_SIDE pixels)."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ScreenshotError("截图像素过多", "The screenshot has too many pixels")
            picture = ImageOps.exif_transpose(image) or image
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            if picture.mode not in ("RGB", "RGBA", "L", "LA"):
                picture = picture.convert("RGBA")
            buffer = io.BytesIO()
            picture.save(buffer, "PNG")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError) as exc:
        if isinstance(exc, ScreenshotError):
            raise
        raise ScreenshotError(
            "截图不是可读取的图片", "The screenshot is not a readable image"
        ) from None
    return buffer.getvalue()


def _aad(feedback_id: int) -> bytes:
    return f"feedback-screenshot:{feedback_id}".encode("ascii")


def seal(png: bytes, *, company_id: int | None, feedback_id: int) -> bytes:
    """The PNG sealed under the company's active data key (the system key without a company)."""
    from fapiao.web.keys.services import data_key_active

    key_id, data_key = data_key_active(company_id=company_id)
    encoded = key_id.encode("ascii")
    return (
        MAGIC
        + bytes([len(encoded)])
        + encoded
        + encrypt_bytes(png, data_key, aad=_aad(feedback_id))
    )


def unseal(data: bytes, *, company_id: int | None, feedback_id: int) -> bytes:
    """The PNG of a sealed screenshot (raises DecryptError when it cannot be opened)."""
    from fapiao.web.keys.services import data_key_get

    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 1:
        raise DecryptError("截图未加密或格式未知", "The screenshot is not sealed")
    size = data[len(MAGIC)]
    start = len(MAGIC) + 1
    try:
        key_id = data[start : start + size].decode("ascii")
    except UnicodeDecodeError:
        raise DecryptError("截图文件头已损坏", "The screenshot's header is damaged") from None
    data_key = data_key_get(company_id=company_id, key_id=key_id)
    return decrypt_bytes(data[start + size :], data_key, aad=_aad(feedback_id))


def readable_png(data: bytes, *, company_id: int | None, feedback_id: int) -> bytes:
    """The PNG to show for a stored screenshot: unsealed, or a plaintext one kept from before
    screenshots were sealed, re-encoded (raises DecryptError or ScreenshotError)."""
    if data.startswith(MAGIC):
        return unseal(data, company_id=company_id, feedback_id=feedback_id)
    return to_png(data)
