"""上传限制 (upload limits): size per file, files per request, and the allowed types.

The type of a file is judged by its content (:func:`fapiao.core.parsing.sniff.sniff`), never by
its name or by the ``Content-Type`` the browser sent: a ``.pdf`` that is really an executable is
refused, a PDF named ``scan.bin`` is accepted.  Settings: ``FAPIAO_MAX_UPLOAD_MB`` (per file),
``FAPIAO_MAX_UPLOAD_FILES`` (per request; a ZIP counts as one) and ``FAPIAO_UPLOAD_TYPES``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fapiao import config
from fapiao.core.parsing.base import FileFormat
from fapiao.core.parsing.sniff import sniff

TYPE_NAMES: dict[FileFormat, str] = {
    FileFormat.XML: "XML",
    FileFormat.OFD: "OFD",
    FileFormat.PDF: "PDF",
    FileFormat.IMAGE: "图片 image",
    FileFormat.ZIP: "ZIP",
    FileFormat.XLSX: "XLSX",
    FileFormat.XLS: "XLS",
    FileFormat.CSV: "CSV",
    FileFormat.UNKNOWN: "未知 unknown",
}
DEFAULT_TYPES = "xml,ofd,pdf,image,zip,xlsx,xls,csv"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an upload is refused: a stable code and the message in Chinese and English."""

    code: str
    message: str
    message_en: str


def max_upload_bytes() -> int:
    """``FAPIAO_MAX_UPLOAD_MB`` in bytes (default 50 MB)."""
    megabytes = config.int_setting("FAPIAO_MAX_UPLOAD_MB", 50)
    if megabytes < 1:
        raise ValueError(f"FAPIAO_MAX_UPLOAD_MB 至少为 1 / must be at least 1, got {megabytes}")
    return megabytes * 1024 * 1024


def max_upload_files() -> int:
    """``FAPIAO_MAX_UPLOAD_FILES``: files one request may carry (default 100)."""
    count = config.int_setting("FAPIAO_MAX_UPLOAD_FILES", 100)
    if count < 1:
        raise ValueError(f"FAPIAO_MAX_UPLOAD_FILES 至少为 1 / must be at least 1, got {count}")
    return count


def allowed_types() -> frozenset[FileFormat]:
    """``FAPIAO_UPLOAD_TYPES``: the sniffed formats accepted (a typo is an error naming it)."""
    text = config.get("FAPIAO_UPLOAD_TYPES") or DEFAULT_TYPES
    chosen: set[FileFormat] = set()
    for word in text.replace(" ", "").lower().split(","):
        if not word:
            continue
        try:
            fmt = FileFormat(word)
        except ValueError:
            fmt = FileFormat.UNKNOWN
        if fmt is FileFormat.UNKNOWN:
            known = ", ".join(f.value for f in TYPE_NAMES if f is not FileFormat.UNKNOWN)
            raise ValueError(
                f"FAPIAO_UPLOAD_TYPES 中的类型 {word!r} 未知（可用：{known}） / "
                f"unknown type {word!r} in FAPIAO_UPLOAD_TYPES (known: {known})"
            )
        chosen.add(fmt)
    if not chosen:
        raise ValueError("FAPIAO_UPLOAD_TYPES 不能为空 / must not be empty")
    return frozenset(chosen)


def _types_text(types: frozenset[FileFormat]) -> str:
    return "、".join(TYPE_NAMES[f] for f in TYPE_NAMES if f in types)


def too_many_files(count: int | None = None) -> Refusal:
    """The refusal of a request with too many files (``None``: too many to count, Django stopped
    reading at ``DATA_UPLOAD_MAX_NUMBER_FILES``)."""
    most = max_upload_files()
    got, got_en = ("", "") if count is None else (f"（收到 {count} 个）", f" (got {count})")
    return Refusal(
        "intake.too_many_files",
        f"一次最多上传 {most} 个文件{got}；更多文件请打包成 ZIP",
        f"At most {most} files per upload{got_en}; put more files in a ZIP",
    )


def count_refusal(count: int) -> Refusal | None:
    """A refusal when one request carries more files than allowed."""
    return too_many_files(count) if count > max_upload_files() else None


def size_refusal(name: str, size: int) -> Refusal | None:
    """A refusal when one file is larger than allowed."""
    limit = max_upload_bytes()
    if size <= limit:
        return None
    return Refusal(
        "intake.file_too_large",
        f"文件“{name}”超过 {limit // (1024 * 1024)} MB",
        f"{name} is larger than {limit // (1024 * 1024)} MB",
    )


def type_refusal(name: str, content: bytes) -> Refusal | None:
    """A refusal when a file's content is not of an allowed type (the name does not count)."""
    types = allowed_types()
    found = sniff(content)
    if found in types:
        return None
    what = TYPE_NAMES[found]
    return Refusal(
        "intake.type_not_allowed",
        f"文件“{name}”的内容是 {what}，不是允许的类型（{_types_text(types)}）",
        f"The content of {name} is {what}, not an allowed type ({_types_text(types)})",
    )


def upload_refusal(files: Sequence[tuple[str, bytes]]) -> Refusal | None:
    """The first limit that ``(name, content)`` pairs of one request break, or None."""
    refusal = count_refusal(len(files))
    for name, content in files:
        if refusal is not None:
            break
        refusal = size_refusal(name, len(content)) or type_refusal(name, content)
    return refusal
