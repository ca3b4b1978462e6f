"""Bearer-token authentication (``Authorization: Bearer fp_…``) and role checks of the API.

A token acts as its user in its one company, with that user's current role there: a user who has
left the company, or whose account is inactive, is refused like one without a token.  A read-scope
token is refused on every write (non-GET) endpoint; each write use is an event row.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from fapiao.web.api.errors import ApiError
from fapiao.web.api.models import ApiToken, TokenScope
from fapiao.web.api.selectors import api_token_find
from fapiao.web.api.services import api_token_use
from fapiao.web.companies.models import Company, Role
from fapiao.web.companies.selectors import membership_role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def client_ip(request: HttpRequest) -> str | None:
    """The peer address as the server saw it (no proxy headers are trusted)."""
    return request.META.get("REMOTE_ADDR") or None


class TokenAuth(HttpBearer):
    """接口令牌 authentication: a live token of a current member of its company."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_find(raw=token)
        if found is None:
            return None
        role = membership_role(user=found.user, company=found.company)
        if role is None:
            return None
        is_write = request.method not in SAFE_METHODS
        if is_write and found.scope != TokenScope.WRITE:
            raise ApiError(
                403,
                "api.read_only_token",
                "此令牌只读，不能用于修改数据",
                "This token is read-only and cannot change data",
            )
        api_token_use(
            token=found,
            method=request.method or "",
            path=request.path,
            is_write=is_write,
            ip=client_ip(request),
        )
        request.user = found.user
        any_request: Any = request
        any_request.company = found.company
        any_request.role = role
        return found


def token_of(request: HttpRequest) -> ApiToken:
    """The token that authenticated this request."""
    token: Any = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise ApiError(401, "api.unauthenticated", "需要接口令牌", "An API token is required")
    return token


def actor_of(request: HttpRequest) -> AbstractBaseUser:
    """The user the token acts for (the actor of every event the request writes)."""
    user: AbstractBaseUser = token_of(request).user
    return user


def company_of(request: HttpRequest) -> Company:
    """The one company this request may see (the token's company)."""
    return token_of(request).company


def require_role(request: HttpRequest, *roles: Role) -> Role:
    """The user's role in the token's company; 403 unless it is one of ``roles``."""
    role = Role(getattr(request, "role", None) or Role.VIEWER)
    if roles and role not in roles:
        labels = "、".join(str(r.label) for r in roles)
        raise ApiError(
            403,
            "api.role_refused",
            f"您的角色（{role.label}）无权执行此操作，需要：{labels}",
            f"Your role ({role.value}) may not do this; needed: {', '.join(roles)}",
        )
    return role
