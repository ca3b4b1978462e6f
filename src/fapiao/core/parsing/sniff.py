"""Recognising a file's format by its content (文件类型识别), never by its name.

Magic numbers for PDF, images and OLE2 (XLS); ZIP containers told apart by their members (OFD
has ``OFD.xml``, XLSX has ``xl/workbook.xml``); XML kept when it looks like an invoice (数电
``EInvoice`` or another invoice dialect); CSV by text heuristics.
"""

from __future__ import annotations

import io
import re
import zipfile

from fapiao.core.parsing.base import FileFormat

_HEAD = 64 * 1024
_IMAGE_MAGIC = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",  # PNG
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
    b"BM",  # BMP
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_INVOICE_XML = re.compile(
    rb"<(?:[\w.-]+:)?(?:EInvoice|eInvoice|e-invoice|Invoice)\b|\xe5\x8f\x91\xe7\xa5\xa8"
)
_INVOICE_HINT = re.compile(rb"Invoice|\xe5\x8f\x91\xe7\xa5\xa8", re.IGNORECASE)  # 发票
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)  # handed to the XML reader to refuse
_DELIMITERS = (",", "\t", ";", "|")


def _zip_format(data: bytes) -> FileFormat:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {name.lstrip("/").lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        head = data[:_HEAD]
        return FileFormat.OFD if b"OFD.xml" in head else FileFormat.ZIP
    if "ofd.xml" in names:
        return FileFormat.OFD
    if "xl/workbook.xml" in names:
        return FileFormat.XLSX
    return FileFormat.ZIP


def _text(data: bytes) -> str | None:
    head = data[:_HEAD]
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut at the end of the sample
                return head[: exc.start].decode(encoding, errors="ignore")
    return None


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines:
        return False
    if any(ch < " " and ch not in "\t\r\n" for ch in text[:4096]):
        return False
    for delimiter in _DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        if counts[0] < 1:
            continue
        if len(lines) == 1 or sum(c == counts[0] for c in counts) >= 0.8 * len(lines):
            return True
    return False


def sniff(data: bytes) -> FileFormat:
    """The format of ``data`` judged by its content."""
    head = data[:_HEAD]
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(data)
    if b"%PDF-" in head[:1024]:
        return FileFormat.PDF
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return FileFormat.IMAGE
    if head.startswith(_OLE2):
        return FileFormat.XLS
    text = _text(data)
    if text is None:
        return FileFormat.UNKNOWN
    stripped = text.lstrip()
    if stripped.startswith("<"):
        sample = stripped.encode("utf-8", errors="ignore")
        if _INVOICE_XML.search(sample) or _INVOICE_HINT.search(sample) or _DTD.search(sample):
            return FileFormat.XML
        return FileFormat.UNKNOWN
    if _looks_like_csv(text):
        return FileFormat.CSV
    return FileFormat.UNKNOWN
