"""Reading stored originals (原始文件) as plaintext, for parsing, previews and downloads.

Originals are read only through ``fapiao.web.invoices.storage`` (``read_original`` and
``open_original``, which decrypt files sealed at rest, and ``original_chunks`` for streamed
downloads); the path on disk is used for existence checks alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from fapiao.web.invoices import storage
from fapiao.web.invoices.models import StoredFile
from fapiao.web.invoices.selectors import stored_file_path


def original_bytes(stored_file: StoredFile) -> bytes:
    """The original's plaintext bytes."""
    reader = getattr(storage, "read_original", None)
    if reader is not None:
        return bytes(reader(stored_file))
    return stored_file_path(stored_file).read_bytes()  # storage without encryption at rest


def original_open(stored_file: StoredFile) -> BinaryIO:
    """The original's plaintext as a seekable file object (the caller closes it)."""
    opener = getattr(storage, "open_original", None)
    if opener is not None:
        handle: BinaryIO = opener(stored_file)
        return handle
    return stored_file_path(stored_file).open("rb")  # storage without encryption at rest


def original_stream(stored_file: StoredFile) -> Iterator[bytes]:
    """The original's plaintext chunk by chunk, decrypted as it is read (for downloads)."""
    chunks = getattr(storage, "original_chunks", None)
    if chunks is not None:
        yield from chunks(stored_file)
        return
    with stored_file_path(stored_file).open("rb") as handle:  # without encryption at rest
        while block := handle.read(64 * 1024):
            yield block


def original_exists(stored_file: StoredFile) -> bool:
    """Whether the original is stored (on disk, or in S3 with ``FAPIAO_STORAGE=s3``)."""
    exists = getattr(storage, "original_exists", None)
    if exists is not None:
        return bool(exists(stored_file))
    return stored_file_path(stored_file).exists()
