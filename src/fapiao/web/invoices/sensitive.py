"""敏感字段 (sensitive invoice fields): which fields are sealed, and how they are sealed and found.

The policy (reasons in ``docs/security.md``): 地址、电话 and 开户行及账号 of both parties are
sealed wherever they are stored: the record's columns, the values of ``invoice.*`` events and the
findings that would quote them.  They hold bank account numbers and, for individual buyers and
sole traders, home addresses and mobile numbers; nothing matches, groups or searches on them.
Names and 纳税人识别号 stay clear: reconciliation, rules, search and the indexes work on them.

A sealed column value is ``<blind index>~<data key id>~<field token>``: the token is AES-256-GCM
(:func:`fapiao.core.crypto.fields.encrypt_field`) under the company's data key, with the column
and the company id as associated data, so a value copied to another column or company does not
open.  The blind index (HMAC under a key derived from the same data key) covers the account or
phone number in the value, so an exact lookup by that number (:func:`sealed_lookup`) needs no
decryption.  ``""`` stays ``""``: an empty field reveals only that nothing was read.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models

from fapiao.core.crypto.envelope import DataKey
from fapiao.core.crypto.errors import DecryptError
from fapiao.core.crypto.fields import (
    TOKEN_PREFIX,
    blind_index,
    decrypt_field,
    derive_index_key,
    encrypt_field,
    normalise_phone,
    normalise_text,
)
from fapiao.web.keys.cache import data_key_active_cached, data_key_cached

SEALED_FIELDS: tuple[str, ...] = (
    "seller.address_phone",
    "seller.bank_account",
    "buyer.address_phone",
    "buyer.bank_account",
)
"""Field paths sealed at rest (地址、电话 · 开户行及账号 of seller and buyer)."""

SEALED_COLUMNS: frozenset[str] = frozenset(p.replace(".", "_") for p in SEALED_FIELDS)
"""The record columns of :data:`SEALED_FIELDS`, also the event payload keys that are sealed."""

SEPARATOR = "~"

_NUMBER = re.compile(r"\+?\d[\d \-]{4,}\d")


def lookup_digits(text: str) -> str:
    """What the blind index covers: the last number of 6+ digits (account or phone), else text.

    ``中国工商银行北京分行 0200 0012-3456`` and ``020000123456`` index alike; so do
    ``北京市海淀区 010-62345678`` and ``01062345678``.
    """
    found = _NUMBER.findall(unicodedata.normalize("NFKC", text))
    if found:
        return normalise_phone(found[-1]).replace(" ", "").replace("-", "")
    return normalise_text(text)


def _context(column: str, company_id: int) -> str:
    return f"invoice.{column}/{company_id}"


def _require_company(company_id: int | None, column: str) -> int:
    if company_id is None:
        raise ValueError(f"{column}: a sealed invoice field needs the record's company")
    return int(company_id)


def is_sealed(stored: str) -> bool:
    """Whether a stored column value is in the sealed form (not legacy plaintext)."""
    parts = stored.split(SEPARATOR)
    return len(parts) == 3 and parts[2].startswith(TOKEN_PREFIX)


def stored_key_id(stored: str) -> str | None:
    """The data key id a sealed value was sealed with (None for plaintext or empty)."""
    return stored.split(SEPARATOR)[1] if is_sealed(stored) else None


def _index(column: str, company_id: int, text: str, data_key: DataKey) -> str:
    return blind_index(
        text,
        derive_index_key(data_key),
        normalise=lookup_digits,
        context=_context(column, company_id),
    )


def seal(column: str, company_id: int | None, text: str) -> str:
    """The stored form of a plaintext value under the company's active data key."""
    if text == "":
        return ""
    company = _require_company(company_id, column)
    key_id, data_key = data_key_active_cached(company)
    token = encrypt_field(text, data_key, context=_context(column, company))
    return SEPARATOR.join((_index(column, company, text, data_key), key_id, token))


def unseal(column: str, company_id: int | None, stored: str) -> str:
    """The plaintext of a stored value; raises :class:`DecryptError` naming the column."""
    if not is_sealed(stored):
        return stored  # "" or plaintext stored before sealing was switched on
    company = _require_company(company_id, column)
    _index_part, key_id, token = stored.split(SEPARATOR)
    return decrypt_field(token, data_key_cached(company, key_id), context=_context(column, company))


def sealed_lookup(column: str, company_id: int, value: str) -> models.Q:
    """Rows of the company whose ``column`` equals ``value`` by its number (blind index).

    Covers every data key the company holds (active and, during a rotation, retired).
    """
    if column not in SEALED_COLUMNS:
        raise ValueError(f"{column} is not a sealed invoice field")
    from fapiao.web.keys.models import CompanyKey

    query = models.Q(pk__in=[])
    for key_id in CompanyKey.objects.filter(company_id=company_id).values_list("key_id", flat=True):
        index = _index(column, company_id, value, data_key_cached(company_id, key_id))
        query |= models.Q(**{f"{column}__startswith": f"{index}{SEPARATOR}{key_id}{SEPARATOR}"})
    return models.Q(company_id=company_id) & query


def mask_tail(value: str, keep: int = 4) -> str:
    """A sealed value as a finding may quote it: ``…3456`` (the last ``keep`` characters)."""
    compact = "".join(unicodedata.normalize("NFKC", value).split())
    return "…" + compact[-keep:] if len(compact) > 2 * keep else "…"


def decrypt_error_of(column: str, exc: DecryptError) -> DecryptError:
    """The same refusal, saying which invoice field could not be opened."""
    return DecryptError(
        f"发票字段 {column} 无法解密：{exc.message}",
        f"Invoice field {column} cannot be decrypted: {exc.message_en}",
    )
