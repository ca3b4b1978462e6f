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
from fapiao.core.crypto.errors import DecryptError, UnknownMasterKeyError
from fapiao.core.crypto.keyring import Keyring
from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record
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


def _new_key_row(company_id: int | None, keyring: Keyring) -> tuple[CompanyKey, DataKey]:
    data_key = DataKey.generate()
    wrapped = wrap_data_key(data_key, keyring, company_id=_aad_company(company_id))
    row = CompanyKey.objects.create(
        company_id=company_id,
        key_id=f"dk{secrets.token_hex(6)}",
        wrapped=wrapped,
        master_key_id=wrapped_key_id(wrapped),
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


def data_key_active(*, company_id: int | None) -> tuple[str, DataKey]:
    """The active data key of a company (or the system key), created on first use."""
    keyring = keyring_get()
    row = CompanyKey.objects.filter(_owner(company_id), status=KeyStatus.ACTIVE).first()
    if row is not None:
        return row.key_id, _unwrap(bytes(row.wrapped), company_id)
    try:
        with transaction.atomic():
            if company_id is not None:
                # Queue concurrent creators of one company's key behind the company row.
                company_lock(company_id)
                again = CompanyKey.objects.filter(
                    company_id=company_id, status=KeyStatus.ACTIVE
                ).first()
                if again is not None:
                    return again.key_id, _unwrap(bytes(again.wrapped), company_id)
            row, data_key = _new_key_row(company_id, keyring)
            _record(company_id, "key.created", row)
    except IntegrityError:  # another process created the system key first
        return data_key_active(company_id=company_id)
    return row.key_id, data_key


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
    """Destroy a company's retired data keys (after its files were re-encrypted)."""
    with transaction.atomic(durable=True):
        rows = list(CompanyKey.objects.filter(company=company, status=KeyStatus.RETIRED))
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
    return [r.key_id for r in rows]
