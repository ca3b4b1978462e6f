"""Session lifetime and re-authentication (再次验证身份) for sensitive actions.

Two clocks live in the session:

- ``login_at``: when the user logged in.  A session older than ``FAPIAO_SESSION_MAX_HOURS`` ends,
  however busy it is; a session idle longer than ``FAPIAO_SESSION_IDLE_MINUTES`` ends too (the
  cookie's expiry slides, refreshed at most once a minute so that reads do not write the session
  table on every request).
- ``reauth_at``: when the user last proved who they are (the login itself, or the re-authentication
  page: password, plus a TOTP or recovery code when they have a device).  Views decorated with
  :func:`reauth_required` (role changes, full exports, 2FA changes) need it younger than
  ``FAPIAO_REAUTH_MINUTES``; otherwise the user is sent to the page and comes back.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from fapiao import config

LOGIN_AT = "login_at"
REAUTH_AT = "reauth_at"
SEEN_AT = "seen_at"
FAILURES = "reauth_failures"
MAX_FAILURES = 5
REFRESH_EVERY = 60.0
F = TypeVar("F", bound=Callable[..., HttpResponseBase])


def idle_seconds() -> int:
    """How long a session may sit unused (``FAPIAO_SESSION_IDLE_MINUTES``)."""
    return max(1, config.int_setting("FAPIAO_SESSION_IDLE_MINUTES", 120)) * 60


def max_age_seconds() -> int:
    """How long a session may live at most (``FAPIAO_SESSION_MAX_HOURS``)."""
    return max(1, config.int_setting("FAPIAO_SESSION_MAX_HOURS", 12)) * 3600


def reauth_seconds() -> int:
    """How long a re-authentication counts for sensitive actions (``FAPIAO_REAUTH_MINUTES``)."""
    return max(1, config.int_setting("FAPIAO_REAUTH_MINUTES", 10)) * 60


@receiver(user_logged_in)
def _stamp_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[REAUTH_AT] = now
    request.session[SEEN_AT] = now
    request.session.set_expiry(idle_seconds())


def mark_reauthenticated(request: HttpRequest) -> None:
    """The user has just proved who they are again (the failure count starts over)."""
    request.session[REAUTH_AT] = time.time()
    request.session.pop(FAILURES, None)


def reauth_failed(request: HttpRequest) -> HttpResponse | None:
    """Count a wrong answer to any identity check of the session (the re-authentication page,
    company deletion); the ``MAX_FAILURES``-th ends the session: then the redirect to answer."""
    failures = int(request.session.get(FAILURES, 0)) + 1
    if failures < MAX_FAILURES:
        request.session[FAILURES] = failures
        return None
    logout(request)
    messages.error(request, _("验证失败次数过多，请重新登录 · Too many failures, log in again"))
    return HttpResponseRedirect(reverse("accounts:login"))


def is_recently_authenticated(request: HttpRequest) -> bool:
    """True when the last proof of identity is younger than ``FAPIAO_REAUTH_MINUTES``."""
    at = request.session.get(REAUTH_AT)
    return isinstance(at, int | float) and time.time() - at <= reauth_seconds()


class SessionLifetimeMiddleware:
    """Ends sessions past their maximum age; slides the idle expiry (at most one write a minute)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            login_at = request.session.get(LOGIN_AT)
            if not isinstance(login_at, int | float):  # a session from before these clocks
                request.session[LOGIN_AT] = login_at = now
            if now - login_at > max_age_seconds():
                logout(request)
                messages.info(
                    request, _("登录已过期，请重新登录 · Your session expired, log in again")
                )
                return HttpResponseRedirect(_login_url(request))
            seen = request.session.get(SEEN_AT)
            if not isinstance(seen, int | float) or now - seen >= REFRESH_EVERY:
                request.session[SEEN_AT] = now
                request.session.set_expiry(idle_seconds())
        return self.get_response(request)


def _login_url(request: HttpRequest) -> str:
    return reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})


def _back_url(request: HttpRequest) -> str:
    """Where to come back after re-authenticating: this page (GET) or the referring page (POST)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def reauth_required(view: F) -> F:
    """Views of sensitive actions: a recent proof of identity, or a detour to the re-auth page.

    A POST is never replayed: the user re-authenticates and submits again from the page they came
    from.  htmx requests get an ``HX-Redirect``.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated or is_recently_authenticated(request):
            return view(request, *args, **kwargs)
        url = reverse("accounts:reauth") + "?" + urlencode({"next": _back_url(request)})
        if request.method not in ("GET", "HEAD"):
            messages.warning(
                request,
                _(
                    "此操作需要再次验证身份，验证后请重新提交 · "
                    "Confirm your identity, then submit again"
                ),
            )
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)

    return wrapped  # type: ignore[return-value]
