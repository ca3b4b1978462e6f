"""Middleware of the web shell: Content-Security-Policy, the current company, the 2FA gate.

The current company (当前公司) lives in the session (``company_id``); a user only ever gets a
company they are a member of.  Users whose role requires two-factor authentication and who have
no device yet are sent to the setup page before anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from fapiao.web.accounts.selectors import user_has_device, user_requires_two_factor
from fapiao.web.companies.models import Company, Membership

COMPANY_SESSION_KEY = "company_id"
F = TypeVar("F", bound=Callable[..., Any])

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)


class ContentSecurityPolicyMiddleware:
    """Adds a strict Content-Security-Policy (no inline script or style) to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def current_membership(request: HttpRequest) -> Membership | None:
    """The user's membership in the company chosen in the session (or in their first company)."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user_id=user.pk).select_related("company")
    company_id = request.session.get(COMPANY_SESSION_KEY)
    membership = None
    if company_id is not None:
        membership = memberships.filter(company_id=company_id).first()
    if membership is None:
        membership = memberships.order_by("company__name", "company_id").first()
        if membership is not None:
            request.session[COMPANY_SESSION_KEY] = membership.company_id
        elif company_id is not None:
            del request.session[COMPANY_SESSION_KEY]
    return membership


class CurrentCompanyMiddleware:
    """Sets ``request.company`` and ``request.membership`` (None when there is none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = current_membership(request)
        company: Company | None = membership.company if membership is not None else None
        request.membership = membership  # type: ignore[attr-defined]
        request.company = company  # type: ignore[attr-defined]
        return self.get_response(request)


def two_factor_exempt(view: F) -> F:
    """Marks a view that a user who still has to set up 2FA may open (setup, logout …)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


class TwoFactorRequiredMiddleware:
    """Sends users to the TOTP setup page when their role requires 2FA and they have no device.

    A session of a user who has a device but did not verify it in this session (the device was
    added elsewhere) is logged out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or getattr(view_func, "two_factor_exempt", False):
            return None
        if user.is_verified():  # type: ignore[attr-defined]
            return None
        if user_has_device(user=user):
            logout(request)
            return HttpResponseRedirect(reverse("accounts:login"))
        if user_requires_two_factor(user=user):
            return HttpResponseRedirect(reverse("accounts:totp_setup"))
        return None
