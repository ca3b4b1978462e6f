"""Factories for users, companies and memberships."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from fapiao.web.companies.models import Company, Membership, Role, TaxpayerType


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = "!"  # unusable: no slow password hashing in tests


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"测试公司{n}有限公司")
    tax_id = factory.Sequence(lambda n: f"91110000{n:010d}")
    taxpayer_type = TaxpayerType.GENERAL


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Role.CLERK
