"""备份文件格式 (backup archive format): one tar, sealed under a key derived from the master key.

Layout of an archive file::

    b"FPBAK1\n" | header length (4 bytes, big endian) | header (UTF-8 JSON) | sealed tar stream

The header is readable without a key and says which master key (by id) sealed the archive, with a
key check value (HMAC under a separate HKDF subkey), so a wrong master key is told apart from a
damaged archive.  The tar is sealed with :func:`fapiao.core.crypto.envelope.encrypt_stream` (the
STREAM construction: altering, truncating or reordering fails) under
``HKDF(master key, "fapiao/backup/v1")``, with the magic and the header as associated data.  The
master key itself is never in the archive.

Inside the tar (gzip-compressed): ``manifest.json`` first (format, schema version, counts per
table, and the size and SHA-256 of every other member), then ``db/…`` (the database snapshot) and
``files/…`` (the stored originals exactly as they lie on disk, already sealed by
:mod:`fapiao.web.invoices.storage`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from fapiao.core.crypto.envelope import DataKey, decrypt_stream, derive_subkey, encrypt_stream
from fapiao.core.crypto.errors import DecryptError
from fapiao.core.crypto.keyring import Keyring, MasterKey
from fapiao.web.ops.errors import BackupCorruptError, BackupUnsupportedError, BackupWrongKeyError

MAGIC = b"FPBAK1\n"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_LENGTH = struct.Struct(">I")
_MAX_HEADER = 64 * 1024
_BACKUP_PURPOSE = "fapiao/backup/v1"
_CHECK_PURPOSE = "fapiao/backup/key-check/v1"


def key_check(master: MasterKey) -> str:
    """A value that shows whether a master key is the one that sealed an archive (not the key)."""
    check_key = derive_subkey(master.key, _CHECK_PURPOSE)
    return hmac.new(check_key, b"fapiao backup key check", hashlib.sha256).hexdigest()[:32]


def _backup_key(master: MasterKey) -> DataKey:
    return DataKey(derive_subkey(master.key, _BACKUP_PURPOSE))


def sha256_file(path: Path) -> str:
    """SHA-256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Member:
    """One file to put in the archive under ``name`` (a relative POSIX path)."""

    name: str
    path: Path


def build_manifest(members: Iterable[Member], **fields: Any) -> dict[str, Any]:
    """The manifest: ``fields`` plus size and SHA-256 of every member."""
    listed = {
        m.name: {"size": m.path.stat().st_size, "sha256": sha256_file(m.path)} for m in members
    }
    return {"format": FORMAT_VERSION, **fields, "members": listed}


def write_archive(
    out: BinaryIO, members: Iterable[Member], manifest: dict[str, Any], master: MasterKey
) -> None:
    """Write the sealed archive of ``members`` with ``manifest`` to ``out``."""
    header = json.dumps(
        {
            "format": FORMAT_VERSION,
            "key_id": master.key_id,
            "key_check": key_check(master),
            "created_at": manifest.get("created_at"),
            "vendor": manifest.get("vendor"),
        },
        sort_keys=True,
    ).encode()
    with tempfile.TemporaryFile() as plain:
        with tarfile.open(
            fileobj=plain, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6
        ) as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, _BytesReader(data))
            for member in members:
                info = tar.gettarinfo(str(member.path), arcname=member.name)
                info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                with member.path.open("rb") as handle:
                    tar.addfile(info, handle)
        plain.seek(0)
        out.write(MAGIC + _LENGTH.pack(len(header)) + header)
        encrypt_stream(plain, out, _backup_key(master), aad=MAGIC + header)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._pos + size
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return chunk


def read_header(handle: BinaryIO) -> tuple[bytes, dict[str, Any]]:
    """The raw header bytes and the parsed header of an archive (the handle is left after it)."""
    if handle.read(len(MAGIC)) != MAGIC:
        raise BackupCorruptError(
            "不是 fapiao 备份文件（文件头不符）", "Not a fapiao backup archive (wrong magic bytes)"
        )
    raw_length = handle.read(_LENGTH.size)
    length = _LENGTH.unpack(raw_length)[0] if len(raw_length) == _LENGTH.size else -1
    raw = handle.read(length) if 0 < length <= _MAX_HEADER else b""
    try:
        header = json.loads(raw) if len(raw) == length else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = None
    if not isinstance(header, dict):
        raise BackupCorruptError("备份文件头已损坏", "The backup archive's header is damaged")
    if header.get("format") != FORMAT_VERSION:
        raise BackupUnsupportedError(
            f"备份格式版本 {header.get('format')} 未知（本程序支持 {FORMAT_VERSION}）",
            f"Unknown backup format version {header.get('format')} (this program reads "
            f"{FORMAT_VERSION})",
        )
    return raw, header


def _master_for(header: dict[str, Any], keyring: Keyring) -> MasterKey:
    wanted = str(header.get("key_check", ""))
    for master in keyring:
        if hmac.compare_digest(key_check(master), wanted):
            return master
    key_id = header.get("key_id")
    raise BackupWrongKeyError(
        f"该备份由主密钥 {key_id} 加密，与本实例的主密钥（{', '.join(keyring.key_ids)}）不符；"
        "请使用制作备份时的 FAPIAO_MASTER_KEY 或密钥文件",
        f"The backup was encrypted under master key {key_id}, which is not this instance's "
        f"master key ({', '.join(keyring.key_ids)}); use the FAPIAO_MASTER_KEY or key file "
        "the backup was made with",
    )


@dataclass(frozen=True, slots=True)
class OpenedArchive:
    """An archive decrypted and checked into ``root``: every member matches the manifest."""

    header: dict[str, Any]
    manifest: dict[str, Any]
    root: Path

    def path(self, name: str) -> Path:
        """Where a member was extracted."""
        return self.root / name

    def names(self, prefix: str) -> list[str]:
        """Member names under a prefix (``files/``)."""
        return sorted(n for n in self.manifest["members"] if n.startswith(prefix))


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def open_archive(path: Path, keyring: Keyring, workdir: Path) -> OpenedArchive:
    """Decrypt ``path`` into ``workdir`` and check it against its manifest.

    Raises :class:`BackupWrongKeyError` for another master key, :class:`BackupCorruptError` (with
    the reason) for an altered, truncated or inconsistent archive.
    """
    with path.open("rb") as handle:
        raw, header = read_header(handle)
        master = _master_for(header, keyring)
        tar_path = workdir / "archive.tar"
        with tar_path.open("wb") as plain:
            try:
                decrypt_stream(handle, plain, _backup_key(master), aad=MAGIC + raw)
            except DecryptError:
                raise BackupCorruptError(
                    "备份文件已被修改或截断（解密认证失败）",
                    "The backup archive was altered or truncated (authentication failed)",
                ) from None
    root = workdir / "contents"
    root.mkdir()
    try:
        with tarfile.open(tar_path, mode="r:gz") as tar:
            for info in tar:
                if not info.isfile() or not _safe_name(info.name):
                    raise BackupCorruptError(
                        f"备份中有不允许的条目：{info.name}",
                        f"The backup holds a member that is not allowed: {info.name}",
                    )
                tar.extract(info, root, filter="data")
    except tarfile.TarError as exc:
        raise BackupCorruptError(
            f"备份内容无法读取：{exc}", f"The backup's contents cannot be read: {exc}"
        ) from None
    finally:
        tar_path.unlink(missing_ok=True)
    manifest = _read_manifest(root)
    _check_members(root, manifest)
    return OpenedArchive(header, manifest, root)


def _read_manifest(root: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), dict):
        raise BackupCorruptError(
            "备份清单缺失或已损坏", "The backup manifest is missing or damaged"
        )
    return manifest


def _check_members(root: Path, manifest: dict[str, Any]) -> None:
    listed: dict[str, Any] = manifest["members"]
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {MANIFEST}
    for name in sorted(set(listed) - present):
        raise BackupCorruptError(
            f"备份清单列出的文件缺失：{name}", f"A file listed in the manifest is missing: {name}"
        )
    for name in sorted(present - set(listed)):
        raise BackupCorruptError(
            f"备份中有清单未列出的文件：{name}",
            f"The backup holds a file not in its manifest: {name}",
        )
    for name in sorted(listed):
        entry = listed[name]
        expected = str(entry.get("sha256")) if isinstance(entry, dict) else "?"
        actual = sha256_file(root / name)
        if expected != actual:
            raise BackupCorruptError(
                f"校验和不符：{name}（清单 {expected[:12]}…，实际 {actual[:12]}…）",
                f"Checksum mismatch: {name} (manifest {expected[:12]}…, actual {actual[:12]}…)",
            )
