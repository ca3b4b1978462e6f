"""Opening a table file (表格文件): CSV, XLSX or XLS, recognised by content, not by file name.

XLSX is a zip (``PK``), XLS an OLE2 compound file (``D0 CF 11 E0``); both are read with
python-calamine.  Anything else that decodes as text is CSV: UTF-8 with or without BOM, UTF-16
with BOM (Excel's "Unicode text"), else GB18030 (a superset of GBK and GB2312); the delimiter
(``,`` ``;`` or tab) is the one that splits the first lines most consistently.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from fapiao.core.errors import CorruptFile, EncryptedFile, TabularError, UnsupportedFormat
from fapiao.core.parsing.base import FileFormat

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None
Row = Sequence[Cell]

CSV_SHEET = ""
"""The name of the one sheet a CSV file has."""

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 30


@dataclass(slots=True)
class Workbook:
    """An opened table file: its format, its sheets, and their rows read on demand."""

    format: FileFormat
    sheet_names: list[str]
    encoding: str | None = None  # for CSV
    delimiter: str | None = None  # for CSV
    _load: Callable[[str, int | None], list[Row]] | None = field(default=None, repr=False)
    _cache: dict[str, list[Row]] = field(default_factory=dict, repr=False)

    def rows(self, sheet: str) -> list[Row]:
        """Every row of a sheet from row 1, empty rows included."""
        if sheet not in self._cache:
            self._cache[sheet] = self._read(sheet, None)
        return self._cache[sheet]

    def head(self, sheet: str, nrows: int) -> list[Row]:
        """The first rows of a sheet, without reading the rest."""
        if sheet in self._cache:
            return self._cache[sheet][:nrows]
        return self._read(sheet, nrows)

    def _read(self, sheet: str, nrows: int | None) -> list[Row]:
        if sheet not in self.sheet_names or self._load is None:
            raise TabularError(f"找不到工作表：{sheet}", f"Sheet not found: {sheet}")
        return self._load(sheet, nrows)


def sniff(data: bytes) -> FileFormat:
    """The table format of some bytes, by their magic number."""
    if data.startswith(_ZIP_MAGIC):
        return FileFormat.XLSX
    if data.startswith(_OLE2_MAGIC):
        return FileFormat.XLS
    return FileFormat.CSV


def open_workbook(source: Path | bytes, *, filename: str | None = None) -> Workbook:
    """Open a CSV, XLSX or XLS file from a path or its bytes."""
    data = source.read_bytes() if isinstance(source, Path) else bytes(source)
    name = filename or (source.name if isinstance(source, Path) else "")
    fmt = sniff(data)
    if fmt is FileFormat.CSV:
        return _open_csv(data, name)
    return _open_excel(data, fmt, name)


def _open_excel(data: bytes, fmt: FileFormat, name: str) -> Workbook:
    if fmt is FileFormat.XLS and _ENCRYPTED_MARK in data:
        raise EncryptedFile(f"文件已加密，无法读取：{name}", f"The file is encrypted: {name}")
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise EncryptedFile(
            f"文件已加密，无法读取：{name}", f"The file is encrypted: {name}"
        ) from None
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError) as exc:
        if fmt is FileFormat.XLSX and b"xl/" not in data[:65536] and b"content.xml" not in data:
            raise UnsupportedFormat(
                f"压缩文件不是 Excel 表格：{name}", f"The zip file is not an Excel workbook: {name}"
            ) from exc
        raise CorruptFile(
            f"Excel 文件已损坏或不完整：{name}（{exc}）",
            f"The Excel file is damaged or truncated: {name} ({exc})",
        ) from exc

    parsed: dict[str, calamine.CalamineSheet] = {}

    def load(sheet: str, nrows: int | None) -> list[Row]:
        try:
            if sheet not in parsed:
                parsed[sheet] = book.get_sheet_by_name(sheet)  # parses the whole sheet
            worksheet = parsed[sheet]
            rows: list[Row] = list(worksheet.to_python(skip_empty_area=False, nrows=nrows))
        except calamine.CalamineError as exc:
            raise CorruptFile(
                f"工作表无法读取：{sheet}（{exc}）", f"The sheet cannot be read: {sheet} ({exc})"
            ) from exc
        return rows

    return Workbook(fmt, list(book.sheet_names), _load=load)


def _open_csv(data: bytes, name: str) -> Workbook:
    text, encoding = _decode(data, name)
    head = text.lstrip()[:512].lower()
    if head.startswith(("<html", "<!doctype", "<table", "<?xml")):
        raise UnsupportedFormat(
            f"文件是网页或 XML 而不是表格（常见于扩展名为 .xls 的网页导出）：{name}",
            f"The file is HTML or XML, not a table (often an HTML export named .xls): {name}",
        )
    lines = text.splitlines()
    delimiter = None
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter = lines[0].strip()[4]
    delimiter = delimiter or _detect_delimiter(lines[:_SNIFF_LINES])
    rows: list[Row] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return Workbook(
        FileFormat.CSV,
        [CSV_SHEET],
        encoding=encoding,
        delimiter=delimiter,
        _cache={CSV_SHEET: rows},
        _load=lambda _sheet, nrows: rows[:nrows],
    )


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, encoding
    raise UnsupportedFormat(
        f"无法识别的文件（不是 Excel，也不是 UTF-8 或 GB18030 编码的 CSV）：{name}",
        f"Unrecognised file (neither Excel nor a UTF-8 or GB18030 CSV): {name}",
    )


def _detect_delimiter(lines: list[str]) -> str:
    """The delimiter whose most common field count (above one) is largest and most frequent."""
    sample = "\n".join(lines)
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts = Counter(
            len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row
        )
        wide = [(count, freq) for count, freq in counts.items() if count > 1]
        if not wide:
            continue
        count, freq = max(wide, key=lambda item: (item[1], item[0]))
        if (freq, count) > best_score:
            best, best_score = delimiter, (freq, count)
    return best
