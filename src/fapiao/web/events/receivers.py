"""Authentication events (登录事件) recorded from Django's and django-axes's signals.

Logins happen inside Django's and django-axes's own views, so their signals are the one place to
hear them; each receiver only calls :func:`event_record`.  They go to the system chain: a login
belongs to no company.  The user name tried in a failed login is kept (never the password).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from fapiao.web.events.services import event_record

_USERNAME_MAX = 150


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """登录成功 (login)."""
    event_record(
        company=None,
        actor=user,
        action="auth.login",
        obj=user,
        before=None,
        after={"username": user.get_username()},
        ip=_ip(request),
    )


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """退出登录 (logout)."""
    if user is None:
        return
    event_record(
        company=None,
        actor=user,
        action="auth.logout",
        obj=user,
        before=None,
        after=None,
        ip=_ip(request),
    )


def _tried_username(credentials: dict[str, Any] | None) -> str:
    credentials = credentials or {}
    field = get_user_model().USERNAME_FIELD
    value = credentials.get(field) or credentials.get("username") or ""
    return str(value)[:_USERNAME_MAX]


def on_login_failed(
    sender: Any, credentials: dict[str, Any] | None, request: HttpRequest | None = None, **kw: Any
) -> None:
    """登录失败 (failed login): the user name tried, never the password."""
    event_record(
        company=None,
        actor=None,
        action="auth.login_failed",
        obj=None,
        before=None,
        after={"username": _tried_username(credentials)},
        ip=_ip(request),
    )


def on_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None = None, **kw: Any
) -> None:
    """登录已锁定 (lock-out after repeated failures)."""
    event_record(
        company=None,
        actor=None,
        action="auth.locked_out",
        obj=None,
        before=None,
        after={"username": str(username or "")[:_USERNAME_MAX]},
        ip=kw.get("ip_address") or _ip(request),
    )
