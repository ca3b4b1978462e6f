"""PDF e-invoices (PDF 版电子发票): the text layer read by position, the QR as a cross-check.

Each page that carries an invoice header starts an invoice; a page with text but no header
continues the previous invoice (multi-page invoices); a page without a text layer is rendered at
about 200 dpi and read as an image (QR, then OCR).  The QR is decoded from the page's embedded
image objects first and from a render of the top-left corner otherwise; by default only when a
key field is missing or inconsistent, always with ``ParseOptions.verify_qr``.  Disagreements
between the text layer and the QR become findings in :func:`~fapiao.core.parsing.merge.merge`.
See formats.md §6.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from fapiao.core.errors import (
    CorruptFile,
    EncryptedFile,
    FapiaoError,
    InvalidFormat,
    NotAnInvoice,
    TooLarge,
)
from fapiao.core.invoice import FieldSource, Invoice, Trust
from fapiao.core.parsing import merge, qr_payload
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult
from fapiao.core.parsing.layout import Glyph
from fapiao.core.parsing.pdf_layout import extract, has_header, page_glyphs
from fapiao.core.parsing.qr_decode import decode_qr_array

if TYPE_CHECKING:
    from fapiao.core.parsing.image import ImageParser

RENDER_DPI = 200
QR_DPI = 300
_MIN_TEXT_GLYPHS = 20
_MAX_QR_IMAGE_PIXELS = 4_000_000


def open_document(data: bytes, options: ParseOptions) -> Any:
    """The pypdfium2 document, with size, password and damage mapped to typed errors."""
    limits = options.limits
    if len(data) > limits.max_file_bytes:
        raise TooLarge(f"PDF 文件过大：{len(data)} 字节", f"PDF too large: {len(data)} bytes")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (
            pdfium_c.FPDF_ERR_PASSWORD,
            pdfium_c.FPDF_ERR_SECURITY,
        ):
            raise EncryptedFile() from exc
        raise CorruptFile(f"PDF 无法打开：{exc}", f"The PDF cannot be opened: {exc}") from exc
    if len(pdf) > limits.max_pdf_pages:
        pages = len(pdf)
        pdf.close()
        raise TooLarge(
            f"PDF 页数过多：{pages}，上限 {limits.max_pdf_pages}",
            f"Too many PDF pages: {pages}, limit {limits.max_pdf_pages}",
        )
    return pdf


def needs_qr(invoice: Invoice) -> bool:
    """Whether key fields are missing or inconsistent, so that the QR should be read."""
    number = invoice.number or ""
    if not (number.isdigit() and len(number) in (8, 20)):
        return True
    if len(number) == 8 and not invoice.code:
        return True
    if invoice.issue_date is None or invoice.gross_amount is None:
        return True
    if invoice.net_amount is None or invoice.tax_amount is None:
        return True
    return invoice.net_amount + invoice.tax_amount != invoice.gross_amount


def page_qr_texts(page: Any) -> list[str]:
    """QR payloads on a page: embedded images first, then a render of the top-left corner."""
    texts: list[str] = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        try:
            width, height = obj.get_px_size()
            if width * height > _MAX_QR_IMAGE_PIXELS or min(width, height) < 21:
                continue
            image = obj.get_bitmap(render=False).to_pil()
        except (pdfium.PdfiumError, OSError, ValueError):
            continue
        texts += [t for t in decode_qr_array(image) if qr_payload.looks_like_payload(t)]
        if texts:
            return texts
    width, height = page.get_size()
    scale = QR_DPI / 72
    corner = page.render(scale=scale, crop=(0, height * 0.55, width * 0.65, 0)).to_pil()
    texts = [t for t in decode_qr_array(corner) if qr_payload.looks_like_payload(t)]
    if texts:
        return texts
    whole = page.render(scale=scale).to_pil()
    return [t for t in decode_qr_array(whole) if qr_payload.looks_like_payload(t)]


def qr_candidates(texts: Sequence[str]) -> list[Invoice]:
    """Candidate invoices from QR payloads (non-invoice payloads are skipped)."""
    found: list[Invoice] = []
    for text in texts:
        try:
            found.append(qr_payload.parse_payload(text))
        except InvalidFormat:
            continue
    return found[:1]


@dataclasses.dataclass(slots=True)
class _Group:
    page: int  # 0-based first page
    glyphs: list[Glyph]
    height: float


class PdfParser:
    """Reads invoices from PDF files (text layer, QR, and image pages through OCR)."""

    formats = frozenset({FileFormat.PDF})

    def __init__(self, image_parser: ImageParser | None = None) -> None:
        self._image_parser = image_parser

    def _images(self) -> ImageParser:
        if self._image_parser is None:
            from fapiao.core.parsing.image import ImageParser

            self._image_parser = ImageParser()
        return self._image_parser

    def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
        """Every invoice in the PDF; a ParseError only when nothing can be read."""
        pdf = open_document(data, options)
        try:
            return self._parse(pdf, data, options)
        finally:
            pdf.close()

    def _parse(self, pdf: Any, data: bytes, options: ParseOptions) -> ParseResult:
        groups: list[_Group] = []
        found: list[tuple[int, Invoice]] = []
        errors: list[FapiaoError] = []
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                glyphs = page_glyphs(page)
                height = float(page.get_height())
                if has_header(glyphs):
                    groups.append(_Group(index, glyphs, height))
                elif len(glyphs) >= _MIN_TEXT_GLYPHS and groups:
                    last = groups[-1]
                    last.glyphs += [
                        dataclasses.replace(g, y0=g.y0 + last.height, y1=g.y1 + last.height)
                        for g in glyphs
                    ]
                    last.height += height
                elif len(glyphs) < _MIN_TEXT_GLYPHS and options.ocr:
                    image = page.render(scale=RENDER_DPI / 72).to_pil()
                    try:
                        invoice = self._images().parse_image(image, options)
                    except FapiaoError as exc:
                        errors.append(exc)
                        invoice = None
                    if invoice is not None:
                        found.append((index, invoice))
            finally:
                page.close()
        for group in groups:
            invoice = self._read_group(pdf, group, options)
            if invoice is not None:
                found.append((group.page, invoice))
        if not found:
            if errors:
                raise errors[0]
            if b"%%EOF" not in data[-2048:]:
                raise CorruptFile("PDF 不完整（文件被截断）", "The PDF is truncated")
            raise NotAnInvoice("PDF 中没有找到发票", "No invoice found in the PDF")
        found.sort(key=lambda pair: pair[0])
        invoices = [ParsedInvoice(inv, page=page + 1) for page, inv in found]
        return ParseResult(FileFormat.PDF, invoices, errors)

    def _read_group(self, pdf: Any, group: _Group, options: ParseOptions) -> Invoice | None:
        candidate = extract(
            group.glyphs, source=FieldSource.PDF_TEXT, confidence=Trust.GOOD.confidence
        )
        if candidate is None:
            return None
        if not (options.verify_qr or needs_qr(candidate)):
            return candidate
        page = pdf[group.page]
        try:
            qr = qr_candidates(page_qr_texts(page))
        finally:
            page.close()
        return merge.merge([candidate, *qr]) if qr else candidate
