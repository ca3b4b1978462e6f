"""Where stored originals (原始文件) live on disk, encrypted at rest.

Layout: ``FAPIAO_DATA_DIR/files/<company id>/<sha256[:2]>/<sha256>`` (content-addressed by the
SHA-256 of the plaintext).  Each file is sealed with AES-256-GCM under its company's data key
(:mod:`fapiao.core.crypto.envelope`, streamed format), bound to its place by the associated data
``<company id>/<sha256>``, behind a small header that names the data key:

``FPK1 | key id length (1 byte) | key id (ASCII) | sealed stream``

A file moved to another company's folder, edited, truncated, or read with the wrong keys fails
with :class:`~fapiao.core.crypto.errors.DecryptError`.  Read originals with :func:`read_original`,
:func:`open_original` or (downloads, chunk by chunk) :func:`original_chunks`, never from the path.

With ``FAPIAO_STORAGE=s3`` the same sealed bytes go to an S3-compatible store instead of the
directory (:mod:`fapiao.web.invoices.blobs`, below the encryption); paths then only name objects.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from django.conf import settings

from fapiao.core.crypto.envelope import decrypt_chunks, decrypt_stream, encrypt_stream
from fapiao.core.crypto.errors import DecryptError
from fapiao.web.invoices import blobs

if TYPE_CHECKING:
    from fapiao.web.invoices.models import StoredFile

MAGIC = b"FPK1"


def files_root() -> Path:
    """Where originals live: ``FAPIAO_DATA_DIR/files``."""
    return Path(settings.MEDIA_ROOT)


def relative_path(company_id: int, sha256: str) -> str:
    """The path of an original under :func:`files_root`."""
    return f"{company_id}/{sha256[:2]}/{sha256}"


def _place(target: Path) -> tuple[int, str]:
    """``(company id, sha256)`` of a path laid out by :func:`relative_path`."""
    relative = target.resolve().relative_to(files_root().resolve())
    if len(relative.parts) != 3 or not relative.parts[0].isdigit():
        raise ValueError(f"not an original's path: {target}")
    return int(relative.parts[0]), relative.parts[2]


def _aad(company_id: int, sha256: str) -> bytes:
    return f"{company_id}/{sha256}".encode("ascii")


def _seal_into(handle: BinaryIO, content: BinaryIO, company_id: int, sha256: str) -> None:
    from fapiao.web.keys.services import data_key_active

    key_id, data_key = data_key_active(company_id=company_id)
    encoded = key_id.encode("ascii")
    handle.write(MAGIC + bytes([len(encoded)]) + encoded)
    encrypt_stream(content, handle, data_key, aad=_aad(company_id, sha256))


def _relative(target: Path) -> str:
    """The name of an original under :func:`files_root` (its object name in S3)."""
    return target.resolve().relative_to(files_root().resolve()).as_posix()


def _open_sealed(path: Path) -> BinaryIO:
    """The sealed bytes of an original, from the directory or from S3 (``blobs``)."""
    store = blobs.remote()
    if store is None:
        return path.open("rb")
    return blobs.open_read(store, _relative(path))  # type: ignore[return-value]


def _replace_atomically(target: Path, content: BinaryIO, company_id: int, sha256: str) -> None:
    store = blobs.remote()
    if store is not None:  # one PUT of the sealed bytes: the object appears whole or not at all
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as sealed:
            _seal_into(sealed, content, company_id, sha256)  # type: ignore[arg-type]
            sealed.seek(0)
            blobs.put(store, _relative(target), sealed)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            _seal_into(handle, content, company_id, sha256)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_once(target: Path, content: bytes) -> None:
    """Encrypt and write an original atomically (a leftover after a rollback is harmless).

    The file is always (re)written: a leftover of a rolled-back upload may be sealed under a data
    key that was rolled back with it.
    """
    company_id, sha256 = _place(target)
    _replace_atomically(target, io.BytesIO(content), company_id, sha256)


def _key_id(handle: BinaryIO, path: Path) -> str:
    head = handle.read(len(MAGIC) + 1)
    if len(head) != len(MAGIC) + 1 or head[: len(MAGIC)] != MAGIC:
        raise DecryptError(
            f"原始文件未加密或格式未知：{path.name}",
            f"The original is not encrypted or has an unknown format: {path.name}",
        )
    encoded = handle.read(head[-1])
    try:
        return encoded.decode("ascii")
    except UnicodeDecodeError:
        raise DecryptError(
            f"原始文件头已损坏：{path.name}", f"The original's header is damaged: {path.name}"
        ) from None


def decrypt_path(path: Path, dst: BinaryIO) -> int:
    """Decrypt the original at ``path`` into ``dst``; plaintext bytes written."""
    from fapiao.web.keys.services import data_key_get

    company_id, sha256 = _place(path)
    with _open_sealed(path) as handle:
        key_id = _key_id(handle, path)
        data_key = data_key_get(company_id=company_id, key_id=key_id)
        return decrypt_stream(handle, dst, data_key, aad=_aad(company_id, sha256))


def original_chunks(stored_file: StoredFile) -> Iterator[bytes]:
    """The plaintext of a stored original, decrypted chunk by chunk (64 KiB, constant memory).

    For streaming downloads: nothing is spooled to memory or disk.  A file cut short or altered
    raises :class:`DecryptError` at the chunk where it is found, after the chunks before it were
    yielded; a response that passed them on must then be aborted.
    """
    from fapiao.web.keys.services import data_key_get

    path = original_path(stored_file)
    company_id, sha256 = _place(path)
    with _open_sealed(path) as handle:
        key_id = _key_id(handle, path)
        data_key = data_key_get(company_id=company_id, key_id=key_id)
        yield from decrypt_chunks(handle, data_key, aad=_aad(company_id, sha256))


def original_path(stored_file: StoredFile) -> Path:
    """Where the encrypted original lies (for existence checks, never for reading)."""
    return files_root() / stored_file.path


def original_exists(stored_file: StoredFile) -> bool:
    """Whether the sealed original is there (in the directory or in S3)."""
    store = blobs.remote()
    if store is None:
        return original_path(stored_file).exists()
    return bool(store.exists(_relative(original_path(stored_file))))


def read_original(stored_file: StoredFile) -> bytes:
    """The plaintext of a stored original, bit for bit (raises DecryptError when it cannot)."""
    out = io.BytesIO()
    decrypt_path(original_path(stored_file), out)
    return out.getvalue()


def open_original(stored_file: StoredFile) -> BinaryIO:
    """The plaintext of a stored original as a file object (spooled to a temporary file)."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    try:
        decrypt_path(original_path(stored_file), out)  # type: ignore[arg-type]
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out  # type: ignore[return-value]


def company_file_paths(company_id: int) -> Iterator[Path]:
    """Every original stored for a company."""
    store = blobs.remote()
    if store is not None:
        for name in blobs.names_under(store, str(company_id)):
            yield files_root() / name
        return
    folder = files_root() / str(company_id)
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("??/*")):
        if path.is_file() and not path.name.startswith("."):
            yield path


def company_files_reencrypt(company_id: int) -> int:
    """Re-encrypt every original of a company under its active data key; files rewritten.

    Each file is decrypted (with whichever key sealed it) into a temporary file and sealed again;
    the result replaces the original atomically, so a crash leaves each file readable.
    """
    from fapiao.web.keys.services import data_key_active

    active_id, _ = data_key_active(company_id=company_id)
    rewritten = 0
    for path in company_file_paths(company_id):
        with _open_sealed(path) as handle:
            if _key_id(handle, path) == active_id:
                continue
        with tempfile.TemporaryFile() as plain:
            decrypt_path(path, plain)
            plain.seek(0)
            _, sha256 = _place(path)
            _replace_atomically(path, plain, company_id, sha256)
        rewritten += 1
    return rewritten


def company_files_shred(company_id: int) -> int:
    """Delete every original of a company (after its keys were destroyed); files removed."""
    removed = 0
    store = blobs.remote()
    for path in company_file_paths(company_id):
        if store is not None:
            store.delete(_relative(path))
        else:
            path.unlink(missing_ok=True)
        removed += 1
    return removed
