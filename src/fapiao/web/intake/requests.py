"""Typed access to what the shell middleware puts on a request (the current company, the user)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from fapiao.web.companies.models import Company


def current_company(request: HttpRequest) -> Company:
    """The current company (``company_required`` has made sure there is one)."""
    company = getattr(request, "company", None)
    if not isinstance(company, Company):
        raise PermissionDenied
    return company


def acting_user(request: HttpRequest) -> AbstractBaseUser:
    """The logged-in user acting in a service."""
    user = request.user
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        raise PermissionDenied
    return user


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the server saw it."""
    return request.META.get("REMOTE_ADDR") or None
