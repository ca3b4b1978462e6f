"""Re-sealing of sensitive invoice fields (地址、电话 · 开户行及账号) during a data-key rotation.

After :func:`fapiao.web.keys.services.data_key_rotate` a company has a new active data key and
retired ones.  :func:`invoice_fields_reencrypt` moves every sealed value (and any value still
stored in clear) to the active key, in batches, each its own transaction under the company
lock; it is idempotent and writes one ``key.fields_resealed`` event when it changed something.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record
from fapiao.web.invoices.fields import SealedText
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.sensitive import (
    SEALED_COLUMNS,
    SEPARATOR,
    is_sealed,
    seal,
    stored_key_id,
    unseal,
)
from fapiao.web.keys.models import CompanyKey, KeyStatus

BATCH = 500
_COLUMNS = tuple(sorted(SEALED_COLUMNS))


def _stale(key_ids: Iterable[str]) -> models.Q:
    """Rows with a sealed column under one of ``key_ids``."""
    query = models.Q(pk__in=[])
    for key_id in key_ids:
        for column in _COLUMNS:
            query |= models.Q(**{f"{column}__contains": f"{SEPARATOR}{key_id}{SEPARATOR}"})
    return query


def _plaintext() -> models.Q:
    """Rows with a non-empty column not in sealed form (written before sealing existed)."""
    query = models.Q(pk__in=[])
    for column in _COLUMNS:
        query |= ~models.Q(**{column: ""}) & ~models.Q(**{f"{column}__contains": "~f1."})
    return query


def invoice_fields_under_keys(*, company_id: int, key_ids: Iterable[str]) -> int:
    """How many of the company's records still have a sealed field under one of ``key_ids``."""
    wanted = list(key_ids)
    if not wanted:
        return 0
    return InvoiceRecord.objects.filter(_stale(wanted), company_id=company_id).count()


def invoice_fields_reencrypt(*, company_id: int, actor: AbstractBaseUser | None = None) -> int:
    """Re-seal the company's sensitive fields under its active data key; fields changed."""
    retired = list(
        CompanyKey.objects.filter(company_id=company_id, status=KeyStatus.RETIRED).values_list(
            "key_id", flat=True
        )
    )
    changed = 0
    last_pk = 0
    while True:
        with transaction.atomic(durable=True):
            company_lock(company_id)
            rows = list(
                InvoiceRecord.objects.filter(_stale(retired) | _plaintext())
                .filter(company_id=company_id, pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", *_COLUMNS)[:BATCH]
            )
            for pk, *stored in rows:
                updates: dict[str, SealedText] = {}
                for column, value in zip(_COLUMNS, stored, strict=True):
                    if not value or (is_sealed(value) and stored_key_id(value) not in retired):
                        continue
                    plain = unseal(column, company_id, value)
                    updates[column] = SealedText(seal(column, company_id, plain))
                if updates:
                    InvoiceRecord.objects.filter(pk=pk).update(**updates)
                    changed += len(updates)
        if len(rows) < BATCH:
            break
        last_pk = rows[-1][0]
    if changed:
        with transaction.atomic(durable=True):
            event_record(
                company=Company.objects.get(pk=company_id),
                actor=actor,
                action="key.fields_resealed",
                obj=None,
                before={"key_ids": retired},
                after={"fields": changed},
            )
    return changed
