"""The parse entry points: bytes or a path in, a :class:`ParseResult` out (解析入口).

``sniff → reader → merge → validate``: every invoice found carries the findings of the rules
(``fapiao.core.rules``).  Bad input never raises: it comes back as typed errors in
``ParseResult.errors`` (NotAnInvoice, EncryptedFile, CorruptFile, UnsafeFile, TooLarge,
UnsupportedFormat).
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

from fapiao.core.errors import FapiaoError, ParseError, TooLarge, UnsupportedFormat
from fapiao.core.findings import warning
from fapiao.core.invoice import Invoice
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult
from fapiao.core.parsing.registry import parse_data

_DEFAULT = ParseOptions()


def _validate(invoice: Invoice, options: ParseOptions) -> Invoice:
    from fapiao.core.rules.base import RuleContext, validate

    try:
        return validate(invoice, RuleContext(company_tax_id=options.company_tax_id))
    except Exception as exc:  # a rule's bug must not lose the invoice
        finding = warning(
            "parse.rules_failed",
            f"规则检查出错：{type(exc).__name__}: {exc}",
            f"The rule check failed: {type(exc).__name__}: {exc}",
        )
        return dataclasses.replace(invoice, findings=(*invoice.findings, finding))


def _too_large(size: int, limit: int) -> TooLarge:
    return TooLarge(
        f"文件大小 {size} 字节，超过上限 {limit} 字节",
        f"The file has {size} bytes, over the limit {limit}",
    )


def parse_bytes(
    data: bytes, *, filename: str | None = None, options: ParseOptions = _DEFAULT
) -> ParseResult:
    """Every invoice in one file's bytes, validated; errors instead of exceptions."""
    if len(data) > options.limits.max_file_bytes:
        return ParseResult(
            FileFormat.UNKNOWN, errors=(_too_large(len(data), options.limits.max_file_bytes),)
        )
    result = parse_data(data, options, filename)
    invoices = tuple(
        dataclasses.replace(parsed, invoice=_validate(parsed.invoice, options))
        for parsed in result.invoices
    )
    errors = tuple(result.errors)
    if filename and result.format is FileFormat.UNKNOWN and errors:
        errors = tuple(
            UnsupportedFormat(f"{filename}：{e.message}", f"{filename}: {e.message_en}")
            if isinstance(e, UnsupportedFormat)
            else e
            for e in errors
        )
    return ParseResult(result.format, invoices=invoices, errors=errors)


def _is_ofd_folder(path: Path) -> bool:
    return path.is_dir() and any(child.name.lower() == "ofd.xml" for child in path.iterdir())


def _zip_folder(path: Path, options: ParseOptions) -> bytes:
    """An unzipped OFD folder packed back into a zip, within the limits."""
    limits = options.limits
    buffer = io.BytesIO()
    total = count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(path.rglob("*")):
            if file.is_symlink() or not file.is_file():
                continue
            count += 1
            total += file.stat().st_size
            if count > limits.max_members or total > limits.max_total_unzipped_bytes:
                raise _too_large(total, limits.max_total_unzipped_bytes)
            archive.write(file, file.relative_to(path).as_posix())
    return buffer.getvalue()


def parse_path(path: Path, options: ParseOptions = _DEFAULT) -> ParseResult:
    """Every invoice in one file (or unzipped OFD folder); errors instead of exceptions."""
    path = Path(path)
    try:
        if _is_ofd_folder(path):
            return parse_bytes(_zip_folder(path, options), filename=path.name, options=options)
        if path.is_dir():
            raise UnsupportedFormat(
                f"{path.name} 是文件夹，不是发票文件",
                f"{path.name} is a folder, not an invoice file",
            )
        if not path.exists():
            raise ParseError(f"找不到文件：{path}", f"No such file: {path}")
        size = path.stat().st_size
        if size > options.limits.max_file_bytes:
            raise _too_large(size, options.limits.max_file_bytes)
        data = path.read_bytes()
    except FapiaoError as exc:
        return ParseResult(FileFormat.UNKNOWN, errors=(exc,))
    except OSError as exc:
        error = ParseError(f"无法读取文件 {path}：{exc}", f"Cannot read the file {path}: {exc}")
        return ParseResult(FileFormat.UNKNOWN, errors=(error,))
    return parse_bytes(data, filename=path.name, options=options)


__all__ = ["ParseOptions", "ParseResult", "ParsedInvoice", "parse_bytes", "parse_path"]
