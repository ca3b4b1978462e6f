"""Opening untrusted ZIP containers (uploads, OFD packages) within limits.

Guards against zip bombs (member and total uncompressed size, compression ratio, member count),
path traversal member names (``../``, absolute paths), encrypted members and truncated archives.
Member names without the UTF-8 flag (0x800) are decoded as GBK when they are not CP437 text,
so ``发票.ofd`` written by a Chinese Windows tool reads correctly.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from fapiao.core.errors import CorruptFile, EncryptedFile, TooLarge, UnsafeFile
from fapiao.core.parsing.base import Limits

_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_RATIO_FLOOR = 1024 * 1024  # small members may compress very well legitimately
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


def open_zip(data: bytes, limits: Limits, *, what: str = "ZIP") -> zipfile.ZipFile:
    """The archive; CorruptFile when truncated or damaged, TooLarge with too many members."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise CorruptFile(
            f"{what} 文件已损坏或不完整：{exc}", f"The {what} is damaged or truncated: {exc}"
        ) from None
    count, most = len(archive.infolist()), limits.max_members
    if count > most:
        raise TooLarge(
            f"{what} 含有 {count} 个文件，超过上限 {most}",
            f"The {what} holds {count} members, over the limit {most}",
        )
    return archive


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name, decoding GBK names stored without the UTF-8 flag."""
    name = info.filename
    if info.flag_bits & _UTF8_FLAG or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def is_unsafe_name(name: str) -> bool:
    """Absolute paths, drive letters and ``..`` components."""
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        return True
    return ".." in path.split("/")


@dataclass
class Budget:
    """Uncompressed bytes read so far from one upload (shared by nested archives)."""

    limits: Limits
    used: int = 0
    _seen: set[int] = field(default_factory=set)

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, what: str = "") -> bytes:
        """The member's bytes, refusing what breaks a limit."""
        name = what or member_name(info)
        limits = self.limits
        if is_unsafe_name(info.filename) or is_unsafe_name(name):
            raise UnsafeFile(
                f"不安全的文件名（路径穿越）：{name}",
                f"Unsafe member name (path traversal): {name}",
            )
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise EncryptedFile(f"{name} 已加密，无法读取", f"{name} is encrypted")
        size, packed = info.file_size, info.compress_size
        if size > limits.max_member_bytes:
            raise TooLarge(
                f"{name} 解压后 {size} 字节，超过上限 {limits.max_member_bytes}",
                f"{name} unpacks to {size} bytes, over the limit {limits.max_member_bytes}",
            )
        if size > _RATIO_FLOOR and size > limits.max_compression_ratio * max(packed, 1):
            raise UnsafeFile(
                f"{name} 压缩比异常（{size}/{packed}），疑似压缩炸弹",
                f"{name} has a suspicious compression ratio ({size}/{packed}): a zip bomb",
            )
        total = limits.max_total_unzipped_bytes
        if self.used + size > total:
            raise TooLarge(
                f"解压总量超过上限 {total} 字节（{name}）",
                f"Total unpacked size over the limit {total} bytes ({name})",
            )
        chunks: list[bytes] = []
        size = 0
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    size += len(chunk)
                    if size > info.file_size or size > limits.max_member_bytes:
                        raise TooLarge(
                            f"{name} 实际大小超过声明", f"{name} is larger than declared"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
            raise CorruptFile(f"{name} 已损坏：{exc}", f"{name} is damaged: {exc}") from None
        except NotImplementedError as exc:
            raise CorruptFile(
                f"{name} 的压缩方式不支持：{exc}", f"{name} uses an unsupported compression: {exc}"
            ) from None
        except (
            RuntimeError
        ) as exc:  # zipfile raises this for encrypted members it cannot detect early
            raise EncryptedFile(f"{name} 已加密，无法读取", f"{name} is encrypted: {exc}") from None
        self.used += size
        return b"".join(chunks)
