"""预览 (preview): page images of stored originals, rendered on the server and cached on disk.

PDF pages are rendered with pypdfium2; OFD pages (GB/T 33190) by a small renderer of our own that
draws the page and template ``TextObject``s at their positions with a CJK font, the ``PathObject``
strokes and the ``ImageObject``s from ``Res/``, on a white page of the ``PhysicalBox`` size.
Images are shown as themselves (EXIF-rotated, size-limited, re-encoded to PNG).  XML has no page:
the invoice page shows its fields.  Cache: ``FAPIAO_DATA_DIR/previews/<company>/<sha256>/``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps

from fapiao.core.crypto.envelope import DataKey, decrypt_bytes, encrypt_bytes
from fapiao.core.errors import FapiaoError
from fapiao.core.parsing.sniff import sniff
from fapiao.core.parsing.zipsafe import Budget, member_name, open_zip
from fapiao.web.invoices.models import StoredFile
from fapiao.web.invoices.originals import original_bytes
from fapiao.web.invoices.preview_base import (
    LIMITS,
    MAX_PAGES,
    PX_PER_MM,
    PreviewError,
    to_png,
)
from fapiao.web.invoices.preview_ofd import deltas, open_ofd, render_ofd_page

__all__ = [
    "PreviewError",
    "deltas",
    "member_bytes",
    "page_count",
    "previews_root",
    "render_image",
    "render_ofd_page",
    "render_page",
    "source_page_count",
    "source_page_png",
]


def previews_root() -> Path:
    """``FAPIAO_DATA_DIR/previews`` (beside the stored originals)."""
    return Path(settings.MEDIA_ROOT).parent / "previews"


def member_bytes(content: bytes, member: str) -> bytes:
    """The bytes of ``a/b.ofd`` inside a zip, or ``x.zip/b.ofd`` inside a nested zip."""
    if not member:
        return content
    budget = Budget(LIMITS)
    data, rest = content, member
    for _ in range(LIMITS.max_zip_depth):
        archive = open_zip(data, LIMITS)
        names = {member_name(info): info for info in archive.infolist() if not info.is_dir()}
        if rest in names:
            return budget.read(archive, names[rest], what=rest)
        parts = rest.split("/")
        for cut in range(1, len(parts)):
            head = "/".join(parts[:cut])
            if head in names:
                data, rest = budget.read(archive, names[head], what=head), "/".join(parts[cut:])
                break
        else:
            break
    raise PreviewError(f"压缩包中找不到 {member}", f"{member} is not in the archive")


def source_bytes(stored_file: StoredFile, member: str = "") -> bytes:
    """The original bytes of one source (the member of a zip, where given)."""
    return member_bytes(original_bytes(stored_file), member)


def preview_format(content: bytes) -> str:
    """``pdf``, ``ofd``, ``image``, or another format that has no page preview."""
    return sniff(content).value


# --- PDF and images ----------------------------------------------------------------------------


def pdf_page_count(content: bytes) -> int:
    """Pages of a PDF (at most MAX_PAGES are previewed)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as exc:
        raise PreviewError(f"PDF 无法打开：{exc}", f"The PDF cannot be opened: {exc}") from None
    try:
        return min(len(document), MAX_PAGES)
    finally:
        document.close()


def render_pdf_page(content: bytes, page: int) -> bytes:
    """One PDF page (1-based) as PNG."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        if not 1 <= page <= min(len(document), MAX_PAGES):
            raise PreviewError(f"没有第 {page} 页", f"There is no page {page}")
        pdf_page = document[page - 1]
        bitmap = pdf_page.render(scale=PX_PER_MM * 25.4 / 72)
        image = bitmap.to_pil()
        pdf_page.close()
        return to_png(image)
    finally:
        document.close()


def render_image(content: bytes) -> bytes:
    """A photo or scan as itself: EXIF-rotated, at most MAX_SIDE pixels, PNG."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > LIMITS.max_image_pixels:
                raise PreviewError("图片像素过多", "The image has too many pixels")
            rotated = ImageOps.exif_transpose(image)
            return to_png(rotated if rotated is not None else image)
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise PreviewError(f"图片无法读取：{exc}", f"The image cannot be read: {exc}") from None


# --- entry points with the disk cache ----------------------------------------------------------


def page_count(content: bytes) -> int:
    """How many page images a file has (0: no page preview, e.g. XML)."""
    fmt = preview_format(content)
    if fmt == "pdf":
        return pdf_page_count(content)
    if fmt == "ofd":
        return len(open_ofd(content).pages)
    if fmt == "image":
        return 1
    return 0


def render_page(content: bytes, page: int) -> bytes:
    """One page of a file as PNG."""
    fmt = preview_format(content)
    if fmt == "pdf":
        return render_pdf_page(content, page)
    if fmt == "ofd":
        return render_ofd_page(content, page)
    if fmt == "image" and page == 1:
        return render_image(content)
    raise PreviewError("此文件没有页面预览", "This file has no page preview")


def _cache_path(stored_file: StoredFile, member: str, page: int) -> Path:
    key = hashlib.sha256(member.encode()).hexdigest()[:16]
    return (
        previews_root()
        / str(stored_file.company_id)
        / stored_file.sha256[:2]
        / stored_file.sha256
        / f"{key}-{page}.png"
    )


def source_page_count(stored_file: StoredFile, member: str = "") -> int:
    """Page images of one source; 0 when it has none or cannot be read."""
    try:
        return page_count(source_bytes(stored_file, member))
    except (FapiaoError, OSError):
        return 0


def source_page_png(stored_file: StoredFile, member: str, page: int) -> bytes:
    """One page of one source as PNG, rendered once and then read from the (sealed) cache."""
    path = _cache_path(stored_file, member, page)
    aad = f"preview:{stored_file.company_id}/{stored_file.sha256}/{path.name}".encode()
    if path.exists():
        cached = _unseal(stored_file, path.read_bytes(), aad)
        if cached is not None:
            return cached
    png = render_page(source_bytes(stored_file, member), page)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(_seal(stored_file, png, aad))
    tmp.replace(path)
    return png


_SEALED = b"FPV1"
_PNG = b"\x89PNG\r\n\x1a\n"


def _keys() -> tuple[Callable[..., tuple[str, DataKey]], Callable[..., DataKey]] | None:
    """The company data keys that seal originals at rest, where the key store is installed."""
    try:
        from fapiao.web.keys.services import data_key_active, data_key_get
    except ImportError:
        return None
    return data_key_active, data_key_get


def _seal(stored_file: StoredFile, png: bytes, aad: bytes) -> bytes:
    """A cached page sealed with the company's data key, like the original it shows."""
    keys = _keys()
    if keys is None:
        return png
    key_id, data_key = keys[0](company_id=stored_file.company_id)
    encoded = key_id.encode("ascii")
    return _SEALED + bytes([len(encoded)]) + encoded + encrypt_bytes(png, data_key, aad=aad)


def _unseal(stored_file: StoredFile, data: bytes, aad: bytes) -> bytes | None:
    """A cached page opened; None when it must be rendered again (old format, lost key)."""
    keys = _keys()
    if keys is None:
        return data if data.startswith(_PNG) else None
    if not data.startswith(_SEALED) or len(data) < len(_SEALED) + 1:
        return None
    size = data[len(_SEALED)]
    start = len(_SEALED) + 1
    try:
        key_id = data[start : start + size].decode("ascii")
        data_key = keys[1](company_id=stored_file.company_id, key_id=key_id)
        return decrypt_bytes(data[start + size :], data_key, aad=aad)
    except (FapiaoError, UnicodeDecodeError, ValueError):
        return None
