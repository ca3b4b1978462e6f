"""Helpers for API tests: members with roles, tokens, a client that sends the bearer token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from fapiao.web.api.models import ApiToken, TokenScope
from fapiao.web.api.services import api_token_create
from fapiao.web.companies.models import Company, Role
from web.companies.factories import MembershipFactory, UserFactory


def member(company: Company, role: Role = Role.CLERK, **user_fields: Any) -> Any:
    """A new user with the role in the company."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, company=company, role=role)
    return user


def token_for(
    user: Any, company: Company, scope: TokenScope = TokenScope.WRITE, **kw: Any
) -> tuple[ApiToken, str]:
    """A token of the user in the company, through the service."""
    return api_token_create(user=user, company=company, name="测试 test", scope=scope, **kw)


def bearer(raw: str) -> Client:
    """A test client that authenticates every request with the raw token."""
    return Client(headers={"Authorization": f"Bearer {raw}"})


def expire(token: ApiToken) -> None:
    """Move a token's expiry into the past."""
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
