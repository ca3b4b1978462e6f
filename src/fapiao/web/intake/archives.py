"""ZIP uploads split into one item per member (压缩包拆分), so each file shows its own progress.

The ZIP itself is stored once, untouched; each item names its member.  Members are read straight
from the stored file (only the central directory and the member are read), within the core's
limits (``fapiao.core.parsing.zipsafe``).  A ZIP that cannot be listed stays one item, and parsing
it reports why.  Nested archives stay inside their member and are unpacked by the parser.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import BinaryIO

from fapiao.core.errors import CorruptFile
from fapiao.core.parsing.base import FileFormat, Limits
from fapiao.core.parsing.sniff import sniff
from fapiao.core.parsing.zipsafe import Budget, is_unsafe_name, member_name

LIMITS = Limits()
_SKIPPED_PREFIXES = ("__MACOSX/",)


def _skipped(name: str) -> bool:
    base = posixpath.basename(name.rstrip("/"))
    return name.startswith(_SKIPPED_PREFIXES) or base.startswith(".") or base == "Thumbs.db"


def zip_members(content: bytes) -> list[str] | None:
    """The member paths of a plain ZIP upload (not an OFD); None when it is no ZIP to split."""
    if sniff(content) is not FileFormat.ZIP:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > LIMITS.max_members:
                return None
            names = [member_name(info) for info in infos if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if any(is_unsafe_name(name) for name in names):
        return None  # one item: the parser reports the unsafe member and reads the rest
    members = [name for name in names if not _skipped(name)]
    return members or None


def read_member(source: BinaryIO, member: str) -> bytes:
    """One member's bytes, read from the stored ZIP (a seekable file) within the limits."""
    try:
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                if member_name(info) == member and not info.is_dir():
                    return Budget(LIMITS).read(archive, info, what=member)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptFile(f"压缩包已损坏：{exc}", f"The archive is damaged: {exc}") from None
    raise CorruptFile(f"压缩包中找不到 {member}", f"{member} is not in the archive")
