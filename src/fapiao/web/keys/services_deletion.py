"""公司注销 (company deletion): keep the records for the retention period, or crypto-shred them.

Deleting a company ends every membership (nobody can open it any more) and keeps its records,
sealed, until ``FAPIAO_RETENTION_YEARS`` (default 30: 会计档案管理办法 keeps accounting vouchers
and books 30 years).  Crypto-shredding (密钥销毁), ordered by one of its admins who re-enters the
password, destroys the company's data keys and its stored originals: what remains in the database
or in any backup can no longer be decrypted.  Both are recorded in the company's event chain.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from fapiao import config
from fapiao.core.errors import FapiaoError
from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company, Membership, Role
from fapiao.web.events.services import event_record
from fapiao.web.invoices.storage import company_files_shred
from fapiao.web.keys.cache import keys_cache_forget
from fapiao.web.keys.models import CompanyDeletion, CompanyKey, DeletionStatus


class DeletionRefusedError(FapiaoError):
    """The deletion or shredding is not allowed (not an admin, wrong password, already done)."""

    code = "company.deletion_refused"
    default_message = "不能注销该公司"
    default_message_en = "The company cannot be deleted"


def retention_years() -> int:
    """``FAPIAO_RETENTION_YEARS`` (default 30)."""
    return config.int_setting("FAPIAO_RETENTION_YEARS", 30)


def _retain_until(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def _reauthenticate(actor: AbstractBaseUser, password: str) -> None:
    if not actor.check_password(password):
        raise DeletionRefusedError(
            "密码不正确：销毁密钥前须重新验证身份",
            "Wrong password: re-authenticate before shredding",
        )


def company_delete(
    *, company: Company, actor: AbstractBaseUser, password: str, ip: str | None = None
) -> CompanyDeletion:
    """Delete a company, keeping its records sealed for the retention period (admins only)."""
    _reauthenticate(actor, password)
    with transaction.atomic(durable=True):
        company_lock(company.pk)
        if not Membership.objects.filter(company=company, user_id=actor.pk, role=Role.ADMIN):
            raise DeletionRefusedError(
                "只有该公司的管理员可以注销公司", "Only an admin of the company can delete it"
            )
        if CompanyDeletion.objects.filter(company=company).exists():
            raise DeletionRefusedError("该公司已注销", "The company is already deleted")
        today = timezone.localdate()
        deletion = CompanyDeletion.objects.create(
            company=company,
            requested_by_id=actor.pk,
            retain_until=_retain_until(today, retention_years()),
        )
        members = list(Membership.objects.filter(company=company).values_list("user_id", "role"))
        Membership.objects.filter(company=company).delete()
        event_record(
            company=company,
            actor=actor,
            action="company.deleted",
            obj=company,
            before={"members": [{"user_id": u, "role": r} for u, r in members]},
            after={"retain_until": deletion.retain_until, "status": deletion.status},
            ip=ip,
        )
    return deletion


def company_shred(
    *, company: Company, actor: AbstractBaseUser, password: str, ip: str | None = None
) -> CompanyDeletion:
    """Crypto-shred a deleted company: destroy its data keys and files (re-authenticated admin).

    Only the admin who deleted the company (or a superuser) may order it, with the password.
    """
    _reauthenticate(actor, password)
    with transaction.atomic(durable=True):
        deletion = CompanyDeletion.objects.select_for_update().filter(company=company).first()
        if deletion is None:
            raise DeletionRefusedError(
                "请先注销公司，再销毁其密钥", "Delete the company before shredding it"
            )
        is_superuser = bool(getattr(actor, "is_superuser", False))
        if deletion.requested_by_id != actor.pk and not is_superuser:
            raise DeletionRefusedError(
                "只有注销该公司的管理员可以销毁其密钥",
                "Only the admin who deleted the company can shred it",
            )
        if deletion.status == DeletionStatus.SHREDDED:
            raise DeletionRefusedError("该公司的密钥已销毁", "The company is already shredded")
        key_ids = list(CompanyKey.objects.filter(company=company).values_list("key_id", flat=True))
        CompanyKey.objects.filter(company=company).delete()
        deletion.status = DeletionStatus.SHREDDED
        deletion.shredded_at = timezone.now()
        deletion.save(update_fields=["status", "shredded_at"])
        event_record(
            company=company,
            actor=actor,
            action="company.shredded",
            obj=company,
            before={"key_ids": key_ids},
            after={"status": deletion.status},
            ip=ip,
        )
        keys_cache_forget(company.pk)
        transaction.on_commit(lambda: company_files_shred(company.pk))
        transaction.on_commit(lambda: keys_cache_forget(company.pk))
    return deletion
