"""Writes of data keys (数据密钥): get-or-create, master-key rotation, data-key rotation.

Every key operation writes an event (``key.created``, ``key.rewrapped``, ``key.rotated``).
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction

from fapiao.core.crypto.envelope import (
    DataKey,
    needs_rewrap,
    rewrap,
    unwrap_data_key,
    wrap_data_key,
    wrapped_key_id,
)
from fapiao.core.crypto.errors import DecryptError, KeysError, UnknownMasterKeyError
from fapiao.core.crypto.keyring import Keyring
from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record
from fapiao.web.keys.cache import keys_cache_forget
from fapiao.web.keys.keyring import _aad_company, keyring_get, keyring_reset
from fapiao.web.keys.models import CompanyKey, KeyStatus


def _owner(company_id: int | None) -> models.Q:
    if company_id is None:
        return models.Q(company__isnull=True)
    return models.Q(company_id=company_id)


def _unwrap(wrapped: bytes, company_id: int | None) -> DataKey:
    """Unwrap; a key id this process does not know yet (a rotation elsewhere) re-reads the file."""
    try:
        return unwrap_data_key(wrapped, keyring_get(), company_id=_aad_company(company_id))
    except UnknownMasterKeyError:
        keyring_reset()
        return unwrap_data_key(wrapped, keyring_get(), company_id=_aad_company(company_id))


def _new_key_row(
    company_id: int | None, keyring: Keyring, *, status: KeyStatus = KeyStatus.ACTIVE
) -> tuple[CompanyKey, DataKey]:
    data_key = DataKey.generate()
    wrapped = wrap_data_key(data_key, keyring, company_id=_aad_company(company_id))
    row = CompanyKey.objects.create(
        company_id=company_id,
        key_id=f"dk{secrets.token_hex(6)}",
        wrapped=wrapped,
        master_key_id=wrapped_key_id(wrapped),
        status=status,
    )
    return row, data_key


def _record(company_id: int | None, action: str, row: CompanyKey, **after: object) -> None:
    event_record(
        company=Company.objects.get(pk=company_id) if company_id is not None else None,
        actor=None,
        action=action,
        obj=row,
        before=None,
        after={"key_id": row.key_id, "master_key_id": row.master_key_id, **after},
    )


def _key_of_status(*, company_id: int | None, status: KeyStatus) -> tuple[str, DataKey]:
    keyring = keyring_get()
    row = CompanyKey.objects.filter(_owner(company_id), status=status).first()
    if row is not None:
        return row.key_id, _unwrap(bytes(row.wrapped), company_id)
    try:
        with transaction.atomic():
            if company_id is not None:
                # Queue concurrent creators of one company's key behind the company row.
                company_lock(company_id)
                again = CompanyKey.objects.filter(company_id=company_id, status=status).first()
                if again is not None:
                    return again.key_id, _unwrap(bytes(again.wrapped), company_id)
            row, data_key = _new_key_row(company_id, keyring, status=status)
            extra = {"status": status.value} if status is KeyStatus.AUDIT else {}
            _record(company_id, "key.created", row, **extra)
    except IntegrityError:  # another process created the system key first
        return _key_of_status(company_id=company_id, status=status)
    return row.key_id, data_key


def data_key_active(*, company_id: int | None) -> tuple[str, DataKey]:
    """The active data key of a company (or the system key), created on first use."""
    return _key_of_status(company_id=company_id, status=KeyStatus.ACTIVE)


def audit_key_active(*, company_id: int) -> tuple[str, DataKey]:
    """The audit key (审计密钥) of a company, sealing values in its events; created on first use.

    Events cannot be rewritten, so a data-key rotation leaves this key in place; a master-key
    rotation re-wraps it like every other key, crypto-shredding destroys it.
    """
    return _key_of_status(company_id=company_id, status=KeyStatus.AUDIT)


def data_key_get(*, company_id: int | None, key_id: str) -> DataKey:
    """A data key by its id (active or retired), checked to belong to this company."""
    row = CompanyKey.objects.filter(_owner(company_id), key_id=key_id).first()
    if row is None:
        raise DecryptError(
            f"找不到数据密钥 {key_id}：该公司的密钥已被销毁，或文件属于其他公司",
            f"Data key {key_id} not found: the company's keys were shredded, or the file "
            "belongs to another company",
        )
    return _unwrap(bytes(row.wrapped), company_id)


def keys_rewrap(*, keyring: Keyring, actor: AbstractBaseUser | None = None) -> int:
    """Master-key rotation: re-wrap every data key under the keyring's active key; rows changed.

    ``keyring`` must still hold the old master keys.  Rows are replaced one by one inside one
    transaction; the data keys themselves (and so every file and field) stay the same.
    """
    changed = 0
    with transaction.atomic(durable=True):
        for row in CompanyKey.objects.select_for_update().order_by("pk"):
            wrapped = bytes(row.wrapped)
            if not needs_rewrap(wrapped, keyring):
                continue
            before = row.master_key_id
            row.wrapped = rewrap(wrapped, keyring, company_id=_aad_company(row.company_id))
            row.master_key_id = keyring.active.key_id
            row.save(update_fields=["wrapped", "master_key_id"])
            event_record(
                company=row.company,
                actor=actor,
                action="key.rewrapped",
                obj=row,
                before={"master_key_id": before},
                after={"master_key_id": row.master_key_id},
            )
            changed += 1
    return changed


def data_key_rotate(*, company: Company, actor: AbstractBaseUser | None = None) -> CompanyKey:
    """Start a data-key rotation: a new active key; the old one is retired (still opens files).

    :func:`fapiao.web.invoices.storage.company_files_reencrypt` then moves every file to the new
    key and :func:`data_keys_retired_delete` destroys the retired keys.
    """
    with transaction.atomic(durable=True):
        company_lock(company.pk)
        old = list(CompanyKey.objects.filter(company=company, status=KeyStatus.ACTIVE))
        CompanyKey.objects.filter(pk__in=[r.pk for r in old]).update(status=KeyStatus.RETIRED)
        row, _ = _new_key_row(company.pk, keyring_get())
        event_record(
            company=company,
            actor=actor,
            action="key.rotated",
            obj=row,
            before={"key_ids": [r.key_id for r in old]},
            after={"key_id": row.key_id, "master_key_id": row.master_key_id},
        )
    return row


def data_keys_retired_delete(
    *, company: Company, actor: AbstractBaseUser | None = None
) -> list[str]:
    """Destroy a company's retired data keys (after its files were re-encrypted).

    Sealed invoice fields still under a retired key are first re-sealed under the active key
    (:func:`fapiao.web.invoices.services_sensitive.invoice_fields_reencrypt`); a value that
    still needs a retired key afterwards stops the destruction, so no field becomes unreadable.
    """
    from fapiao.web.invoices.services_sensitive import (
        invoice_fields_reencrypt,
        invoice_fields_under_keys,
    )

    invoice_fields_reencrypt(company_id=company.pk)
    with transaction.atomic(durable=True):
        company_lock(company.pk)
        rows = list(CompanyKey.objects.filter(company=company, status=KeyStatus.RETIRED))
        still = invoice_fields_under_keys(company_id=company.pk, key_ids=[r.key_id for r in rows])
        if still:
            raise KeysError(
                f"仍有 {still} 个发票字段使用旧数据密钥，未销毁旧密钥；请重新运行轮换",
                f"{still} invoice field(s) still use a retired data key; the retired keys were "
                "kept: run the rotation again",
            )
        CompanyKey.objects.filter(pk__in=[r.pk for r in rows]).delete()
        if rows:
            event_record(
                company=company,
                actor=actor,
                action="key.retired_destroyed",
                obj=company,
                before={"key_ids": [r.key_id for r in rows]},
                after=None,
            )
    keys_cache_forget(company.pk)
    return [r.key_id for r in rows]
