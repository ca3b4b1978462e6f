"""Unwrapped data keys kept in memory for a short while: one query per key, not per value.

Sealed invoice fields and event values are opened row by row (a list page, an export, the
alert scan); each would otherwise query and unwrap its company's key.  Entries live
``KEY_CACHE_SECONDS``; :func:`keys_cache_forget` drops them at once in this process (rotation,
crypto-shredding), other processes lose a destroyed key within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from fapiao.core.crypto.envelope import DataKey

KEY_CACHE_SECONDS = 30.0

_lock = threading.Lock()
_keys: dict[tuple[int, str], tuple[DataKey, float]] = {}


def data_key_cached(company_id: int, key_id: str) -> DataKey:
    """A company's data key by id (active, retired or audit), from memory when fresh."""
    now = time.monotonic()
    with _lock:
        found = _keys.get((company_id, key_id))
    if found is not None and found[1] > now:
        return found[0]
    from fapiao.web.keys.services import data_key_get

    data_key = data_key_get(company_id=company_id, key_id=key_id)
    with _lock:
        _keys[(company_id, key_id)] = (data_key, now + KEY_CACHE_SECONDS)
    return data_key


def _active_cached(
    status: str, company_id: int, create: Callable[..., tuple[str, DataKey]]
) -> tuple[str, DataKey]:
    """Which key is current is always read from the database (one small query), so no process
    seals with a key that a rotation has just retired; only the unwrapped bytes are cached."""
    from fapiao.web.keys.models import CompanyKey

    key_id = (
        CompanyKey.objects.filter(company_id=company_id, status=status)
        .values_list("key_id", flat=True)
        .first()
    )
    if key_id is not None:
        return key_id, data_key_cached(company_id, key_id)
    key_id, data_key = create(company_id=company_id)
    with _lock:
        _keys[(company_id, key_id)] = (data_key, time.monotonic() + KEY_CACHE_SECONDS)
    return key_id, data_key


def data_key_active_cached(company_id: int) -> tuple[str, DataKey]:
    """The company's active data key (created on first use)."""
    from fapiao.web.keys.services import data_key_active

    return _active_cached("active", company_id, data_key_active)


def audit_key_active_cached(company_id: int) -> tuple[str, DataKey]:
    """The company's audit key (seals event values; created on first use)."""
    from fapiao.web.keys.services import audit_key_active

    return _active_cached("audit", company_id, audit_key_active)


def keys_cache_forget(company_id: int | None = None) -> None:
    """Drop cached keys of one company (or all) in this process."""
    with _lock:
        if company_id is None:
            _keys.clear()
            return
        for key in [k for k in _keys if k[0] == company_id]:
            del _keys[key]
