"""主密钥环 (master keyring) of this installation: from FAPIAO_MASTER_KEY or the key file.

Resolved once per process (:func:`keyring_get`) with
:func:`fapiao.core.crypto.keyring.resolve_keyring`: both given and different, or wrapped keys in
the database and no key given, is a refusal with a message that says what to do.  Servers call
:func:`keyring_check` at start-up so a wrong or missing key stops them before the first request.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from fapiao import config
from fapiao.core.crypto.envelope import unwrap_data_key
from fapiao.core.crypto.keyring import Keyring, resolve_keyring

_lock = threading.Lock()
_cache: dict[tuple[str | None, str], Keyring] = {}


def key_file_path() -> Path:
    """``FAPIAO_MASTER_KEY_FILE``, by default ``master.key`` in the data directory."""
    value = config.get("FAPIAO_MASTER_KEY_FILE")
    return Path(value) if value else Path(settings.DATA_DIR) / "master.key"


def _has_wrapped_keys() -> bool:
    from fapiao.web.keys.models import CompanyKey

    return CompanyKey.objects.exists()


def keyring_get() -> Keyring:
    """The master keyring (resolved on first use, then kept for the life of the process)."""
    env_value = config.get("FAPIAO_MASTER_KEY")
    path = key_file_path()
    cache_key = (env_value, str(path))
    with _lock:
        found = _cache.get(cache_key)
        if found is None:
            found = resolve_keyring(env_value, path, database_has_wrapped_keys=_has_wrapped_keys())
            _cache.clear()
            _cache[cache_key] = found
        return found


def keyring_reset() -> None:
    """Forget the resolved keyring and the unwrapped data keys (after a rotation, or in tests)."""
    from fapiao.web.keys.cache import keys_cache_forget

    with _lock:
        _cache.clear()
    keys_cache_forget()


def keyring_check() -> Keyring:
    """Start-up check: resolve the keyring and unwrap one data key per master key id.

    Raises a :class:`~fapiao.core.crypto.errors.KeysError` (conflict, missing key, wrong key)
    whose message says what to do.
    """
    from fapiao.web.keys.models import CompanyKey

    keyring_reset()
    keyring = keyring_get()
    seen: set[str] = set()
    for row in CompanyKey.objects.order_by("pk").only("company_id", "wrapped", "master_key_id"):
        if row.master_key_id in seen:
            continue
        seen.add(row.master_key_id)
        unwrap_data_key(bytes(row.wrapped), keyring, company_id=_aad_company(row.company_id))
    return keyring


def _aad_company(company_id: int | None) -> str:
    """The company id bound into a wrapped key (``system`` for the system key)."""
    return "system" if company_id is None else str(company_id)
