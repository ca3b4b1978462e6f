"""敏感字段加密 (sensitive fields): 身份证号, 手机号, 银行账号 sealed as short text tokens.

A token is ``f1.`` followed by base64url (no padding) of ``nonce(12) | ciphertext+tag``, sealed
with AES-256-GCM under a field subkey of the company's data key; ``context`` (e.g.
``"employee.id_number"``) is associated data, so a token copied into another column fails.

Sealed values cannot be searched, so each also gets a 盲索引 (blind index): a truncated
HMAC-SHA256 of the normalised value under an index key derived from the data key with HKDF.
Equal values give equal indexes (exact lookup) without revealing the value or the encryption key;
the index does reveal which rows share a value, and a low-entropy value (a mobile number) could be
guessed by someone who holds the index key, which is why it is per company and never stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fapiao.core.crypto.envelope import NONCE_SIZE, TAG_SIZE, DataKey
from fapiao.core.crypto.errors import DecryptError

TOKEN_PREFIX = "f1."  # noqa: S105 - a format marker, not a secret
INDEX_SIZE = 16
_FIELD_PURPOSE = "fapiao/field/v1"
_INDEX_PURPOSE = "fapiao/blind-index/v1"

Normaliser = Callable[[str], str]


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise binascii.Error("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encrypt_field(text: str, data_key: DataKey, *, context: str) -> str:
    """Seal a short value as a text token; a fresh nonce each time, so tokens never repeat."""
    nonce = secrets.token_bytes(NONCE_SIZE)
    aead = AESGCM(data_key.subkey(_FIELD_PURPOSE))
    sealed = aead.encrypt(nonce, text.encode("utf-8"), context.encode("utf-8"))
    return TOKEN_PREFIX + _b64encode(nonce + sealed)


def decrypt_field(token: str, data_key: DataKey, *, context: str) -> str:
    """Open a token from :func:`encrypt_field` with the same data key and context."""
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptError(
            "字段密文格式不正确或版本未知", "The field token has an unknown format or version"
        )
    try:
        raw = _b64decode(token[len(TOKEN_PREFIX) :])
    except (binascii.Error, ValueError):
        raise DecryptError(
            "字段密文不是有效的 base64url", "The field token is not base64url"
        ) from None
    if len(raw) < NONCE_SIZE + TAG_SIZE:
        raise DecryptError("字段密文太短", "The field token is too short")
    aead = AESGCM(data_key.subkey(_FIELD_PURPOSE))
    try:
        plain = aead.decrypt(raw[:NONCE_SIZE], raw[NONCE_SIZE:], context.encode("utf-8"))
    except InvalidTag:
        raise DecryptError(
            f"字段解密失败（{context}）：密钥不正确，或密文已被篡改或来自其他字段",
            f"Field decryption failed ({context}): wrong key, or the token was altered or "
            "belongs to another field",
        ) from None
    return plain.decode("utf-8")


def normalise_text(text: str) -> str:
    """NFKC (全角 to 半角) and no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def normalise_id_number(text: str) -> str:
    """身份证号 and other ID numbers: :func:`normalise_text`, upper case (the check letter X)."""
    return normalise_text(text).upper()


def normalise_phone(text: str) -> str:
    """手机号: digits only, without the +86 / 0086 country prefix of a mainland mobile number."""
    digits = re.sub(r"[\s\-().]", "", unicodedata.normalize("NFKC", text))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def normalise_bank_account(text: str) -> str:
    """银行账号: :func:`normalise_text` without the hyphens people type."""
    return normalise_text(text).replace("-", "")


class IndexKey:
    """盲索引密钥 (blind-index key); the bytes are hidden from ``repr``."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("an index key needs at least 16 bytes")
        self._key = bytes(key)

    def __repr__(self) -> str:
        return "IndexKey(<hidden>)"

    def mac(self, message: bytes) -> bytes:
        """HMAC-SHA256 of ``message`` under this key."""
        return hmac.new(self._key, message, hashlib.sha256).digest()


def derive_index_key(data_key: DataKey) -> IndexKey:
    """The blind-index key of a company: HKDF of its data key, unrelated to the encryption key."""
    return IndexKey(data_key.subkey(_INDEX_PURPOSE))


def blind_index(
    text: str,
    index_key: IndexKey,
    *,
    normalise: Normaliser = normalise_text,
    context: str = "",
    size: int = INDEX_SIZE,
) -> str:
    """盲索引: base64url of the first ``size`` bytes of HMAC(context, normalised value)."""
    if not 8 <= size <= 32:
        raise ValueError("size must be 8..32 bytes")
    message = context.encode("utf-8") + b"\x00" + normalise(text).encode("utf-8")
    return _b64encode(index_key.mac(message)[:size])
