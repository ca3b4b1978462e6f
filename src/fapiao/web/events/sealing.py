"""Sealed values inside event payloads (事件中的敏感值): stored encrypted, shown to the company.

An event's ``before``/``after`` may quote a sensitive field (an invoice's 开户行及账号).  Such a
value is stored as ``{"$sealed": "<audit key id>~<field token>"}``: AES-256-GCM under the
company's audit key (:func:`fapiao.web.keys.services.audit_key_active`) with the payload key and
the company id as associated data.  The hash chain covers the stored (sealed) payload, so
``fapiao audit verify`` never needs a key; the audit pages and the export open the values for the
company's own members (:func:`payload_open`).  Events cannot be rewritten, which is why they
use an audit key that a data-key rotation leaves in place.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from fapiao.core.crypto.errors import DecryptError
from fapiao.core.crypto.fields import decrypt_field, encrypt_field
from fapiao.web.keys.cache import audit_key_active_cached, data_key_cached

MARKER = "$sealed"
SEPARATOR = "~"
UNREADABLE = "🔒 无法解密 · cannot be decrypted"


def _context(key: str, company_id: int) -> str:
    return f"event.{key}/{company_id}"


def is_sealed_value(value: Any) -> bool:
    """Whether a payload value is a sealed marker."""
    return isinstance(value, Mapping) and set(value) == {MARKER} and isinstance(value[MARKER], str)


def payload_seal(
    company_id: int, payload: Mapping[str, Any] | None, *, keys: Collection[str]
) -> dict[str, Any] | None:
    """``payload`` with the non-empty text values under ``keys`` sealed (other values as given)."""
    if payload is None:
        return None
    out = dict(payload)
    active = None  # looked up once per payload (one query), when there is something to seal
    for key in keys:
        value = out.get(key)
        if not isinstance(value, str) or value == "":
            continue
        active = active or audit_key_active_cached(company_id)
        key_id, audit_key = active
        token = encrypt_field(value, audit_key, context=_context(key, company_id))
        out[key] = {MARKER: f"{key_id}{SEPARATOR}{token}"}
    return out


def value_open(company_id: int, key: str, value: Any) -> Any:
    """A payload value opened (plaintext), or as it is when it is not sealed."""
    if not is_sealed_value(value):
        return value
    key_id, sep, token = str(value[MARKER]).partition(SEPARATOR)
    if not sep:
        raise DecryptError("事件中的密文格式不正确", "A sealed event value is malformed")
    return decrypt_field(
        token, data_key_cached(company_id, key_id), context=_context(key, company_id)
    )


def payload_open(
    company_id: int | None, payload: Mapping[str, Any] | None, *, strict: bool = False
) -> dict[str, Any] | None:
    """``payload`` with its sealed values opened; unreadable ones (a shredded company's) are
    shown as :data:`UNREADABLE` unless ``strict``, which raises :class:`DecryptError`."""
    if payload is None:
        return None
    out = dict(payload)
    for key, value in payload.items():
        if not is_sealed_value(value):
            continue
        if company_id is None:
            raise DecryptError("系统事件不含加密值", "System events hold no sealed values")
        try:
            out[key] = value_open(company_id, key, value)
        except DecryptError:
            if strict:
                raise
            out[key] = UNREADABLE
    return out
