"""信封加密 (envelope encryption): per-company data keys wrapped by the master key; sealed files.

A data key (数据密钥) is 32 random bytes, one per company.  It is stored only wrapped: AES-256-GCM
under the active master key, in a self-describing blob ``version | id length | master key id |
nonce | ciphertext+tag`` whose associated data binds the company id, so a wrapped key copied to
another company's row does not unwrap.  Files are sealed with a subkey derived from the data key
(HKDF-SHA256), in one of two formats sharing the magic ``FPE``:

* version 1, one shot: ``FPE 01 | nonce(12) | ciphertext+tag``;
* version 2, streamed: ``FPE 02 | chunk size(4) | nonce prefix(8)`` then chunks of
  ``chunk size`` plaintext bytes, each ``ciphertext+tag`` under the nonce ``prefix | counter``,
  with a final-chunk flag in the associated data, so truncation, reordering, dropped or appended
  chunks all fail authentication (the STREAM construction of Hoang, Reyhanitabar, Rogaway and
  Vizár, 2015).

Every failure to decrypt raises :class:`~fapiao.core.crypto.errors.DecryptError`
(``keys.decrypt_failed``), never a raw ``cryptography`` exception.
"""

from __future__ import annotations

import io
import secrets
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fapiao.core.crypto.errors import DecryptError, UnknownMasterKeyError
from fapiao.core.crypto.keyring import KEY_SIZE, Keyring

NONCE_SIZE = 12
TAG_SIZE = 16
WRAP_VERSION = 1
MAGIC = b"FPE"
FILE_VERSION = 1
STREAM_VERSION = 2
DEFAULT_CHUNK_SIZE = 64 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024
_PREFIX_SIZE = 8
_STREAM_HEADER = struct.Struct(">3sBI8s")
_FILE_HEADER_SIZE = len(MAGIC) + 1 + NONCE_SIZE
_WRAP_AAD = b"fapiao/data-key/v1\x00"


def derive_subkey(key: bytes, purpose: str) -> bytes:
    """A 32-byte subkey for one purpose (HKDF-SHA256, RFC 5869); purposes never share keys."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_SIZE, salt=None, info=purpose.encode()
    ).derive(key)


class DataKey:
    """数据密钥 (data key) of one company; the bytes are hidden from ``repr``."""

    __slots__ = ("_file_aead", "_key")

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise ValueError(f"a data key has {KEY_SIZE} bytes, got {len(key)}")
        self._key = bytes(key)
        self._file_aead = AESGCM(derive_subkey(self._key, "fapiao/file/v1"))

    @classmethod
    def generate(cls) -> DataKey:
        """A new random data key."""
        return cls(secrets.token_bytes(KEY_SIZE))

    @property
    def key(self) -> bytes:
        """The raw key bytes (for wrapping and key derivation only)."""
        return self._key

    def subkey(self, purpose: str) -> bytes:
        """A key for one purpose derived from this data key (HKDF); see :func:`derive_subkey`."""
        return derive_subkey(self._key, purpose)

    def __repr__(self) -> str:
        return "DataKey(<hidden>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DataKey):
            return NotImplemented
        return secrets.compare_digest(self._key, other._key)

    def __hash__(self) -> int:
        return hash(self._key)


def _wrap_aad(header: bytes, company_id: str | int) -> bytes:
    return _WRAP_AAD + str(company_id).encode() + b"\x00" + header


def _split_wrapped(wrapped: bytes) -> tuple[bytes, str, bytes, bytes]:
    """``(header, master key id, nonce, ciphertext)`` of a wrapped data key."""
    if len(wrapped) < 2 or wrapped[0] != WRAP_VERSION:
        raise DecryptError(
            "数据密钥格式不正确或版本未知", "The wrapped data key has an unknown format or version"
        )
    id_len = wrapped[1]
    header = wrapped[: 2 + id_len]
    body = wrapped[2 + id_len :]
    if len(header) != 2 + id_len or len(body) != NONCE_SIZE + KEY_SIZE + TAG_SIZE:
        raise DecryptError("数据密钥长度不正确", "The wrapped data key has the wrong length")
    try:
        key_id = header[2:].decode("ascii")
    except UnicodeDecodeError:
        raise DecryptError("数据密钥格式不正确", "The wrapped data key is malformed") from None
    return header, key_id, body[:NONCE_SIZE], body[NONCE_SIZE:]


def wrapped_key_id(wrapped: bytes) -> str:
    """The id of the master key that wrapped this data key."""
    return _split_wrapped(wrapped)[1]


def wrap_data_key(data_key: DataKey, keyring: Keyring, *, company_id: str | int) -> bytes:
    """The data key sealed under the active master key, bound to ``company_id``."""
    master = keyring.active
    kid = master.key_id.encode("ascii")
    header = bytes([WRAP_VERSION, len(kid)]) + kid
    nonce = secrets.token_bytes(NONCE_SIZE)
    sealed = AESGCM(master.key).encrypt(nonce, data_key.key, _wrap_aad(header, company_id))
    return header + nonce + sealed


def unwrap_data_key(wrapped: bytes, keyring: Keyring, *, company_id: str | int) -> DataKey:
    """Open a wrapped data key with whichever master key wrapped it."""
    header, key_id, nonce, sealed = _split_wrapped(wrapped)
    master = keyring.get(key_id)
    if master is None:
        raise UnknownMasterKeyError(
            f"数据密钥由主密钥 {key_id} 加密，但当前密钥环只有 {', '.join(keyring.key_ids)}；"
            "请把该主密钥加回 FAPIAO_MASTER_KEY 或密钥文件",
            f"The data key was wrapped by master key {key_id}, but the keyring holds only "
            f"{', '.join(keyring.key_ids)}; add that master key back to FAPIAO_MASTER_KEY or "
            "the key file",
        )
    try:
        raw = AESGCM(master.key).decrypt(nonce, sealed, _wrap_aad(header, company_id))
    except InvalidTag:
        raise DecryptError(
            f"无法解开公司 {company_id} 的数据密钥：主密钥 {key_id} 不正确，"
            "或该数据密钥属于另一家公司、已被篡改",
            f"Cannot unwrap the data key of company {company_id}: master key {key_id} is wrong, "
            "or the wrapped key belongs to another company or was altered",
        ) from None
    return DataKey(raw)


def needs_rewrap(wrapped: bytes, keyring: Keyring) -> bool:
    """Whether this data key is wrapped by a master key other than the active one."""
    return wrapped_key_id(wrapped) != keyring.active.key_id


def rewrap(wrapped: bytes, keyring: Keyring, *, company_id: str | int) -> bytes:
    """Rotation: unwrap with the old master key, wrap with the active one (unchanged if current)."""
    if not needs_rewrap(wrapped, keyring):
        unwrap_data_key(wrapped, keyring, company_id=company_id)
        return wrapped
    return wrap_data_key(
        unwrap_data_key(wrapped, keyring, company_id=company_id), keyring, company_id=company_id
    )


def _tampered() -> DecryptError:
    return DecryptError(
        "文件解密失败：密钥不正确，或文件已被篡改、截断或重新排列",
        "File decryption failed: wrong key, or the file was altered, truncated or reordered",
    )


def _not_sealed() -> DecryptError:
    return DecryptError(
        "不是 fapiao 加密文件，或格式版本未知",
        "Not a fapiao encrypted file, or an unknown format version",
    )


def encrypt_bytes(data: bytes, data_key: DataKey, *, aad: bytes) -> bytes:
    """Seal ``data`` in one piece (format 1); ``aad`` binds it to its place, e.g. a file id."""
    nonce = secrets.token_bytes(NONCE_SIZE)
    header = MAGIC + bytes([FILE_VERSION]) + nonce
    return header + data_key._file_aead.encrypt(nonce, data, header + aad)


def decrypt_bytes(sealed: bytes, data_key: DataKey, *, aad: bytes) -> bytes:
    """Open a sealed file (format 1 or 2) held in memory."""
    if sealed[:3] == MAGIC and len(sealed) > 3 and sealed[3] == STREAM_VERSION:
        out = io.BytesIO()
        decrypt_stream(io.BytesIO(sealed), out, data_key, aad=aad)
        return out.getvalue()
    if len(sealed) < _FILE_HEADER_SIZE + TAG_SIZE or sealed[:3] != MAGIC:
        raise _not_sealed()
    if sealed[3] != FILE_VERSION:
        raise _not_sealed()
    header = sealed[:_FILE_HEADER_SIZE]
    try:
        return data_key._file_aead.decrypt(header[4:], sealed[_FILE_HEADER_SIZE:], header + aad)
    except InvalidTag:
        raise _tampered() from None


def _read_exact(src: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at end of stream (``read`` may return short)."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        part = src.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _chunk_aad(header: bytes, is_final: bool, aad: bytes) -> bytes:
    return header + (b"\x01" if is_final else b"\x00") + aad


def encrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    data_key: DataKey,
    *,
    aad: bytes,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> int:
    """Seal ``src`` into ``dst`` chunk by chunk (format 2) in constant memory; bytes written."""
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be 1..{MAX_CHUNK_SIZE}")
    prefix = secrets.token_bytes(_PREFIX_SIZE)
    header = _STREAM_HEADER.pack(MAGIC, STREAM_VERSION, chunk_size, prefix)
    dst.write(header)
    written = len(header)
    aead = data_key._file_aead
    counter = 0
    chunk = _read_exact(src, chunk_size)
    while True:
        following = _read_exact(src, chunk_size) if len(chunk) == chunk_size else b""
        is_final = not following
        if counter >= 2**32:
            raise ValueError("stream too long for one nonce prefix")
        nonce = prefix + counter.to_bytes(4, "big")
        sealed = aead.encrypt(nonce, chunk, _chunk_aad(header, is_final, aad))
        dst.write(sealed)
        written += len(sealed)
        if is_final:
            return written
        chunk = following
        counter += 1


def decrypt_stream(src: BinaryIO, dst: BinaryIO, data_key: DataKey, *, aad: bytes) -> int:
    """Open a streamed file (format 2) from ``src`` into ``dst``; plaintext bytes written.

    Each chunk is authenticated before it is written, but truncation is only known at the end:
    on :class:`DecryptError` the caller must discard whatever ``dst`` received.
    """
    written = 0
    for plain in decrypt_chunks(src, data_key, aad=aad):
        dst.write(plain)
        written += len(plain)
    return written


def decrypt_chunks(src: BinaryIO, data_key: DataKey, *, aad: bytes) -> Iterator[bytes]:
    """The plaintext of a sealed file (format 1 or 2), one authenticated chunk at a time.

    Memory stays at two records whatever the file size.  Truncation is only known at the end:
    a consumer that already passed chunks on (a download) must abort when DecryptError comes.
    """
    header = _read_exact(src, _STREAM_HEADER.size)
    if len(header) < 4 or header[:3] != MAGIC:
        raise _not_sealed()
    if header[3] == FILE_VERSION:
        yield decrypt_bytes(header + src.read(), data_key, aad=aad)
        return
    if header[3] != STREAM_VERSION or len(header) < _STREAM_HEADER.size:
        raise _not_sealed()
    _, _, chunk_size, prefix = _STREAM_HEADER.unpack(header)
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise _not_sealed()
    record_size = chunk_size + TAG_SIZE
    aead = data_key._file_aead
    counter = 0
    record = _read_exact(src, record_size)
    while True:
        following = _read_exact(src, record_size) if len(record) == record_size else b""
        is_final = not following
        if len(record) < TAG_SIZE or counter >= 2**32:
            raise _tampered()
        nonce = prefix + counter.to_bytes(4, "big")
        try:
            plain = aead.decrypt(nonce, record, _chunk_aad(header, is_final, aad))
        except InvalidTag:
            raise _tampered() from None
        if is_final:
            if src.read(1):
                raise _tampered()
            yield plain
            return
        yield plain
        record = following
        counter += 1
