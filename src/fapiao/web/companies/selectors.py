"""Reads for companies and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from fapiao.web.companies.models import Company, Membership, Role


def company_list_for_user(*, user: AbstractBaseUser) -> QuerySet[Company]:
    """The companies a user is a member of."""
    return Company.objects.filter(memberships__user_id=user.pk).order_by("name", "id")


def membership_role(*, user: AbstractBaseUser, company: Company) -> Role | None:
    """The user's role in the company, or None when they are not a member."""
    role = (
        Membership.objects.filter(user_id=user.pk, company=company)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role is not None else None
