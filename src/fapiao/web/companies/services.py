"""Writes for companies and memberships (each writes an event)."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from fapiao.web.companies.models import Company, Membership, Role, TaxpayerType
from fapiao.web.events.services import event_record


def normalize_tax_id(value: str) -> str:
    """纳税人识别号 in canonical form: NFKC, upper case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def company_create(
    *,
    name: str,
    tax_id: str,
    taxpayer_type: TaxpayerType = TaxpayerType.GENERAL,
    actor: AbstractBaseUser | None = None,
) -> Company:
    """Create a company; the acting user, if any, becomes its first admin (管理员)."""
    with transaction.atomic(durable=True):
        company = Company.objects.create(
            name=unicodedata.normalize("NFKC", name).strip(),
            tax_id=normalize_tax_id(tax_id),
            taxpayer_type=taxpayer_type,
        )
        event_record(
            company=company,
            actor=actor,
            action="company.created",
            obj=company,
            before=None,
            after={
                "name": company.name,
                "tax_id": company.tax_id,
                "taxpayer_type": company.taxpayer_type,
            },
        )
        if actor is not None and actor.is_authenticated:
            _grant(company=company, user=actor, role=Role.ADMIN, actor=actor)
    return company


def membership_grant(
    *, company: Company, user: AbstractBaseUser, role: Role, actor: AbstractBaseUser | None
) -> Membership:
    """Give a user a role in a company, or change the role they have."""
    with transaction.atomic(durable=True):
        return _grant(company=company, user=user, role=role, actor=actor)


def _grant(
    *, company: Company, user: AbstractBaseUser, role: Role, actor: AbstractBaseUser | None
) -> Membership:
    membership = (
        Membership.objects.select_for_update().filter(company=company, user_id=user.pk).first()
    )
    before = None
    if membership is None:
        membership = Membership.objects.create(company=company, user_id=user.pk, role=role)
    elif membership.role != role:
        before = {"user": user.pk, "role": membership.role}
        membership.role = role
        membership.save(update_fields=["role"])
    else:
        return membership
    event_record(
        company=company,
        actor=actor,
        action="membership.granted",
        obj=membership,
        before=before,
        after={"user": user.pk, "role": role},
    )
    return membership


class LastAdminError(ValueError):
    """公司至少保留一名管理员 (a company keeps at least one admin)."""


class NotCompanyAdminError(PermissionError):
    """操作者不是该公司的管理员 (the actor is not an admin of the company)."""


def company_update(
    *,
    company: Company,
    name: str,
    taxpayer_type: TaxpayerType | str,
    preferences: dict[str, object],
    actor: AbstractBaseUser | None,
) -> Company:
    """Change a company's name, taxpayer type and preferences (the tax id never changes)."""
    with transaction.atomic(durable=True):
        locked = Company.objects.select_for_update().get(pk=company.pk)
        before = {
            "name": locked.name,
            "taxpayer_type": locked.taxpayer_type,
            "preferences": locked.preferences,
        }
        locked.name = unicodedata.normalize("NFKC", name).strip()
        locked.taxpayer_type = TaxpayerType(taxpayer_type)
        locked.preferences = {**locked.preferences, **preferences}
        after = {
            "name": locked.name,
            "taxpayer_type": locked.taxpayer_type,
            "preferences": locked.preferences,
        }
        if before != after:
            locked.save(update_fields=["name", "taxpayer_type", "preferences"])
            event_record(
                company=locked,
                actor=actor,
                action="company.updated",
                obj=locked,
                before=before,
                after=after,
            )
    return locked


def _other_admins(company: Company, user_id: int) -> bool:
    return (
        Membership.objects.filter(company=company, role=Role.ADMIN)
        .exclude(user_id=user_id)
        .exists()
    )


def membership_change_role(
    *, membership: Membership, role: Role, actor: AbstractBaseUser | None
) -> Membership:
    """Change a member's role; the last admin cannot be demoted (LastAdminError)."""
    with transaction.atomic(durable=True):
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == Role.ADMIN and role != Role.ADMIN:
            # Lock every admin row of the company so two demotions cannot race past the check.
            list(
                Membership.objects.select_for_update()
                .filter(company_id=locked.company_id, role=Role.ADMIN)
                .values_list("pk")
            )
            if not _other_admins(locked.company, locked.user_id):
                raise LastAdminError(locked.pk)
        if locked.role == role:
            return locked
        before = {"user": locked.user_id, "role": locked.role}
        locked.role = role
        locked.save(update_fields=["role"])
        event_record(
            company=locked.company,
            actor=actor,
            action="membership.role_changed",
            obj=locked,
            before=before,
            after={"user": locked.user_id, "role": role},
        )
    return locked


def membership_revoke(*, membership: Membership, actor: AbstractBaseUser | None) -> None:
    """Remove a member from a company; the last admin cannot be removed (LastAdminError)."""
    with transaction.atomic(durable=True):
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == Role.ADMIN:
            list(
                Membership.objects.select_for_update()
                .filter(company_id=locked.company_id, role=Role.ADMIN)
                .values_list("pk")
            )
            if not _other_admins(locked.company, locked.user_id):
                raise LastAdminError(locked.pk)
        event_record(
            company=locked.company,
            actor=actor,
            action="membership.revoked",
            obj=locked,
            before={"user": locked.user_id, "role": locked.role},
            after=None,
        )
        locked.delete()


def membership_bulk_assign(
    *,
    companies: list[Company],
    user: AbstractBaseUser,
    role: Role,
    actor: AbstractBaseUser,
) -> list[Membership]:
    """Give a staff user one role in many client companies at once (批量分配).

    The actor must be an admin of every company (NotCompanyAdminError otherwise; nothing changes).
    """
    ids = sorted({company.pk for company in companies})
    with transaction.atomic(durable=True):
        administered = set(
            Membership.objects.filter(
                user_id=actor.pk, role=Role.ADMIN, company_id__in=ids
            ).values_list("company_id", flat=True)
        )
        missing = [pk for pk in ids if pk not in administered]
        if missing:
            raise NotCompanyAdminError(missing)
        return [
            _grant(company=company, user=user, role=role, actor=actor)
            for company in Company.objects.filter(pk__in=ids).order_by("pk")
        ]
