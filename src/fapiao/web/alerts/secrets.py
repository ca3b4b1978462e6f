"""渠道密钥 (channel secrets) sealed under the company's data key, never stored in clear.

A stored value is ``<data key id>|<field token>`` (:func:`fapiao.core.crypto.fields.encrypt_field`
with the context ``alerts.channel.secret``), so a data-key rotation still opens older values.
"""

from __future__ import annotations

from fapiao.core.crypto.fields import decrypt_field, encrypt_field
from fapiao.web.keys.services import data_key_active, data_key_get

CONTEXT = "alerts.channel.secret"


def secret_seal(*, company_id: int, secret: str) -> str:
    """The sealed form of a channel secret ('' stays '')."""
    if not secret:
        return ""
    key_id, data_key = data_key_active(company_id=company_id)
    return f"{key_id}|{encrypt_field(secret, data_key, context=CONTEXT)}"


def secret_open(*, company_id: int, sealed: str) -> str:
    """The channel secret in clear ('' when none is set)."""
    if not sealed:
        return ""
    key_id, _, token = sealed.partition("|")
    data_key = data_key_get(company_id=company_id, key_id=key_id)
    return decrypt_field(token, data_key, context=CONTEXT)
