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
