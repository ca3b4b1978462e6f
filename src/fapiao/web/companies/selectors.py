"""Reads for companies and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

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


def membership_list(*, company: Company) -> QuerySet[Membership]:
    """The members of a company with their users, admins first."""
    return (
        Membership.objects.filter(company=company)
        .select_related("user")
        .order_by("role", "user__email", "user__username", "id")
    )


def membership_get(*, company: Company, pk: int) -> Membership:
    """One membership of the company; Http404 for another company's."""
    return get_object_or_404(Membership.objects.select_related("user"), company=company, pk=pk)


def membership_for_user(*, user: AbstractBaseUser, company_id: int) -> Membership | None:
    """The user's membership in the company with this id, or None when they are not a member."""
    return (
        Membership.objects.filter(user_id=user.pk, company_id=company_id)
        .select_related("company")
        .first()
    )


def company_list_administered(*, user: AbstractBaseUser) -> QuerySet[Company]:
    """The companies where the user is an admin (管理员)."""
    return Company.objects.filter(
        memberships__user_id=user.pk, memberships__role=Role.ADMIN
    ).order_by("name", "id")


def membership_roles_for_user(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    """All memberships of a user with their companies (for the company list)."""
    return (
        Membership.objects.filter(user_id=user.pk)
        .select_related("company")
        .order_by("company__name", "company_id")
    )
