"""Permission checks of pages: login, a current company, and a role (角色) in it.

``company_required(*roles)`` guards a view; ``require_role(request, *roles)`` checks inside one.
A user who is not logged in is sent to the login page; a logged-in user without a company to the
company list (to create or join one); a member without one of the roles gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from fapiao.web.companies.models import Role

F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def require_role(request: HttpRequest, *roles: Role | str) -> Role:
    """The member's role in the current company; PermissionDenied unless it is one of ``roles``."""
    membership = getattr(request, "membership", None)
    if membership is None or not request.user.is_authenticated:
        raise PermissionDenied(_("您不是当前公司的成员 · You are not a member of this company"))
    role = Role(membership.role)
    if roles and role not in {Role(r) for r in roles}:
        raise PermissionDenied(_("您的角色无权执行此操作 · Your role may not do this"))
    return role


def company_required(*roles: Role | str) -> Callable[[F], F]:
    """View decorator: login, a current company, and one of ``roles`` (none given = any member)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if getattr(request, "company", None) is None:
                messages.info(request, _("请先创建或加入一家公司 · Create or join a company first"))
                return HttpResponseRedirect(reverse("companies:list"))
            require_role(request, *roles)
            return view(request, *args, **kwargs)

        return cast("F", wrapped)

    return decorator


def login_required_view(view: F) -> F:
    """View decorator for pages that need a login but no company (profile, company list)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return cast("F", wrapped)
