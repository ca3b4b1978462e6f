"""The contract every parser follows, and the typed result it returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from fapiao.core.errors import FapiaoError
from fapiao.core.invoice import Invoice


class FileFormat(StrEnum):
    """The formats ``fapiao parse`` reports (the ``format`` key of its JSON)."""

    XML = "xml"
    OFD = "ofd"
    PDF = "pdf"
    IMAGE = "image"
    ZIP = "zip"
    XLSX = "xlsx"
    XLS = "xls"
    CSV = "csv"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep hostile input from exhausting memory or time."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_member_bytes: int = 50 * 1024 * 1024  # one member of a zip, uncompressed
    max_total_unzipped_bytes: int = 200 * 1024 * 1024
    max_members: int = 2000
    max_zip_depth: int = 3
    max_compression_ratio: int = 200
    max_image_pixels: int = 40_000_000
    max_pdf_pages: int = 200


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """What the caller asks of a parse; the core reads no settings."""

    verify_qr: bool = False  # always decode the QR image and cross-check
    ocr: bool = True  # allow OCR for images and PDFs without a text layer
    limits: Limits = field(default_factory=Limits)
    company_tax_id: str | None = None  # the company whose books these are, for rules


@dataclass(frozen=True, slots=True)
class ParsedInvoice:
    """One invoice read from a file, with the path of the member it came from (inside a zip)."""

    invoice: Invoice
    member: str | None = None  # e.g. "2024-05/abc.ofd" inside an uploaded zip
    page: int | None = None  # first page (1-based) for PDFs holding several invoices


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What one file yielded: its format, the invoices found, and errors that stopped parts."""

    format: FileFormat
    invoices: Sequence[ParsedInvoice] = ()
    errors: Sequence[FapiaoError] = ()

    @property
    def ok(self) -> bool:
        """Whether nothing stopped the parse."""
        return not self.errors


class Parser(Protocol):
    """A reader for one or more formats; registered in ``fapiao.core.parsing.registry``."""

    formats: frozenset[FileFormat]

    def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
        """Read every invoice in ``data``; raise a ``ParseError`` only when nothing can be read."""
        ...
