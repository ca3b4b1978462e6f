"""The parser registry: which reader handles which :class:`FileFormat`.

Built-in readers are imported on first use, so a missing optional reader (PDF, image) makes only
its formats unavailable: they give an :class:`~fapiao.core.errors.UnsupportedFormat` error that
says so, and every other format still parses.
"""

from __future__ import annotations

import importlib

from fapiao.core.errors import CorruptFile, FapiaoError, NotAnInvoice, UnsupportedFormat
from fapiao.core.parsing.base import FileFormat, ParseOptions, Parser, ParseResult
from fapiao.core.parsing.sniff import sniff

BUILTIN_PARSERS: dict[FileFormat, tuple[str, str]] = {
    FileFormat.XML: ("fapiao.core.parsing.xml_invoice", "XmlParser"),
    FileFormat.OFD: ("fapiao.core.parsing.ofd", "OfdParser"),
    FileFormat.ZIP: ("fapiao.core.parsing.archive", "ArchiveParser"),
    FileFormat.PDF: ("fapiao.core.parsing.pdf", "PdfParser"),
    FileFormat.IMAGE: ("fapiao.core.parsing.image", "ImageParser"),
    FileFormat.XLSX: ("fapiao.core.parsing.tabular_invoices", "TabularParser"),
    FileFormat.XLS: ("fapiao.core.parsing.tabular_invoices", "TabularParser"),
    FileFormat.CSV: ("fapiao.core.parsing.tabular_invoices", "TabularParser"),
}
"""Format → (module, class) of the reader imported on first use."""

_PARSERS: dict[FileFormat, Parser] = {}


def register(parser: Parser) -> None:
    """Make ``parser`` the reader of every format it declares."""
    for fmt in parser.formats:
        _PARSERS[fmt] = parser


def parser_for(fmt: FileFormat) -> Parser:
    """The reader of ``fmt``; UnsupportedFormat when there is none or it cannot be loaded."""
    if fmt in _PARSERS:
        return _PARSERS[fmt]
    spec = BUILTIN_PARSERS.get(fmt)
    if spec is None:
        raise UnsupportedFormat(
            "无法识别的文件格式，不是发票文件", "Unrecognised file format: not an invoice file"
        )
    module_name, class_name = spec
    try:
        parser: Parser = getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError) as exc:
        raise UnsupportedFormat(
            f"{fmt.value.upper()} 读取器不可用：{exc}",
            f"The {fmt.value.upper()} reader is unavailable: {exc}",
        ) from None
    register(parser)
    return parser


def parse_data(data: bytes, options: ParseOptions, filename: str | None = None) -> ParseResult:
    """Sniff and dispatch one file's bytes; every failure comes back as a typed error.

    A reader with a ``parse_named(data, options, filename)`` method gets the file name too (the
    tax bureau's export says its direction, 取得/开具, only there).
    """
    if not data:
        return ParseResult(
            FileFormat.UNKNOWN, errors=(NotAnInvoice("文件为空", "The file is empty"),)
        )
    fmt = sniff(data)
    try:
        parser = parser_for(fmt)
        named = getattr(parser, "parse_named", None)
        if filename and callable(named):
            result: ParseResult = named(data, options, filename)
            return result
        return parser.parse(data, options)
    except FapiaoError as exc:
        return ParseResult(fmt, errors=(exc,))
    except RecursionError:
        error = CorruptFile("文件结构嵌套过深", "The file's structure is nested too deeply")
    except MemoryError:
        error = CorruptFile("文件过大，内存不足", "The file is too large to read in memory")
    except Exception as exc:  # a reader's bug must not crash the caller
        error = CorruptFile(
            f"读取文件时出错：{type(exc).__name__}: {exc}",
            f"Reading the file failed: {type(exc).__name__}: {exc}",
        )
    return ParseResult(fmt, errors=(error,))
