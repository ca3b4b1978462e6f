"""加密字段 (encrypted model fields): sensitive text sealed in the database with a blind index.

A stored value is ``<blind index>~<field token>`` (see :mod:`fapiao.core.crypto.fields`): the
token is AES-256-GCM under the system data key with the column as associated data, the index a
keyed HMAC of the normalised value, so an exact lookup is a prefix match
(:meth:`EncryptedTextField.lookup`) and the plaintext never reaches the database.  The empty
string stays empty (nothing to hide, and "not given" stays visible).  Values read back without
the separator are plaintext written before encryption was switched on; saving them seals them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from fapiao.core.crypto.fields import (
    blind_index,
    decrypt_field,
    derive_index_key,
    encrypt_field,
    normalise_id_number,
    normalise_phone,
    normalise_text,
)

SEPARATOR = "~"
NORMALISERS: dict[str, Callable[[str], str]] = {
    "text": normalise_text,
    "id_number": normalise_id_number,
    "phone": normalise_phone,
}


def _system_key() -> Any:
    from fapiao.web.keys.services import data_key_active

    return data_key_active(company_id=None)[1]


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text sealed with the system data key; ``normaliser`` names how the blind index sees it."""

    def __init__(self, *args: Any, context: str = "", normaliser: str = "text", **kwargs: Any):
        self.context = context
        self.normaliser = normaliser
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        kwargs["normaliser"] = self.normaliser
        return name, path, args, kwargs

    def _context(self) -> str:
        return self.context or f"{self.model._meta.label_lower}.{self.name}"

    def index_of(self, value: str) -> str:
        """The blind index of a plaintext value."""
        return blind_index(
            value,
            derive_index_key(_system_key()),
            normalise=NORMALISERS[self.normaliser],
            context=self._context(),
        )

    def lookup(self, value: str) -> models.Q:
        """A filter for rows whose value equals ``value`` (after normalising)."""
        return models.Q(**{f"{self.name}__startswith": self.index_of(value) + SEPARATOR})

    def seal(self, value: str) -> str:
        """The stored form of a plaintext value."""
        if value == "":
            return ""
        token = encrypt_field(value, _system_key(), context=self._context())
        return f"{self.index_of(value)}{SEPARATOR}{token}"

    def open(self, stored: str) -> str:
        """The plaintext of a stored value (legacy plaintext is returned as it is)."""
        _index, sep, token = stored.partition(SEPARATOR)
        if not sep or not token.startswith("f1."):
            return stored
        return decrypt_field(token, _system_key(), context=self._context())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return self.open(str(value))

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        value = super().get_db_prep_save(value, connection)
        if value is None:
            return value
        return self.seal(str(value))


def mask(value: str, *, keep_start: int = 3, keep_end: int = 4) -> str:
    """A value as events and logs may show it: ``138****8000`` (short values fully masked)."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
