"""Account pages: register, verify e-mail, log in (password, then TOTP), 2FA setup, profile."""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from fapiao.web.accounts import selectors, services
from fapiao.web.accounts.forms import (
    LoginForm,
    OTPForm,
    ProfileForm,
    ReauthForm,
    RegistrationForm,
)
from fapiao.web.accounts.qr import qr_data_uri
from fapiao.web.accounts.sessions import mark_reauthenticated, reauth_failed, reauth_required
from fapiao.web.shell.middleware import two_factor_exempt
from fapiao.web.shell.permissions import login_required_view

PENDING_KEY = "pending_2fa"
PENDING_MAX_AGE = 300
PENDING_MAX_TRIES = 5


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


@two_factor_exempt
def register(request: HttpRequest) -> HttpResponse:
    """注册 (register), then send the e-mail verification link."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_register(
            full_name=data["full_name"],
            mobile=data["mobile"],
            email=data["email"],
            password=data["password1"],
            id_number=data["id_number"],
        )
        services.email_verification_send(user=user, base_url=request.build_absolute_uri("/"))
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@two_factor_exempt
def register_done(request: HttpRequest) -> HttpResponse:
    """注册成功：请查收验证邮件 (check your mailbox)."""
    return render(request, "accounts/register_done.html")


@two_factor_exempt
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """验证邮箱 (verify e-mail) from the signed link."""
    try:
        services.email_verify(token=token)
    except services.TokenInvalidError:
        return render(request, "accounts/verify_invalid.html", status=400)
    messages.success(request, _("邮箱已验证，请登录 · E-mail verified, please log in"))
    return redirect("accounts:login")


@two_factor_exempt
def login(request: HttpRequest) -> HttpResponse:
    """登录 (log in), step 1: e-mail and password; users with TOTP go on to step 2."""
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        profile = selectors.profile_get(user=user)
        if profile is not None and not profile.is_email_verified:
            services.email_verification_send(user=user, base_url=request.build_absolute_uri("/"))
            messages.warning(
                request,
                _(
                    "请先验证邮箱：验证邮件已重新发送 · "
                    "Verify your e-mail first: the link was sent again"
                ),
            )
            return redirect("accounts:login")
        if selectors.user_has_device(user=user):
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
                "at": time.time(),
                "tries": 0,
                "next": _next_url(request),
            }
            return redirect("accounts:login_verify")
        auth_login(request, user)
        return HttpResponseRedirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@two_factor_exempt
def login_verify(request: HttpRequest) -> HttpResponse:
    """登录 (log in), step 2: a TOTP code or a recovery code."""
    pending: dict[str, Any] | None = request.session.get(PENDING_KEY)
    if pending is None or time.time() - pending["at"] > PENDING_MAX_AGE:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("请重新登录 · Please log in again"))
        return redirect("accounts:login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.otp_check(user=user, code=form.cleaned_data["code"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                left = selectors.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _(
                        "已使用恢复码登录，剩余 %(left)d 个 · "
                        "Logged in with a recovery code, %(left)d left"
                    )
                    % {"left": left},
                )
            return HttpResponseRedirect(pending["next"])
        pending["tries"] += 1
        if pending["tries"] >= PENDING_MAX_TRIES:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _("验证码错误次数过多 · Too many wrong codes"))
            return redirect("accounts:login")
        request.session[PENDING_KEY] = pending
        form.add_error("code", _("验证码错误 · Wrong code"))
    return render(request, "accounts/login_verify.html", {"form": form})


logout = two_factor_exempt(auth_views.LogoutView.as_view(next_page="accounts:login"))


@login_required_view
def reauth(request: HttpRequest) -> HttpResponse:
    """再次验证身份 (confirm your identity) before a sensitive action; then back to ``next``.

    Too many wrong answers end the session.
    """
    needs_code = selectors.user_has_device(user=request.user)
    form = ReauthForm(request.POST or None, needs_code=needs_code)
    if request.method == "POST" and form.is_valid():
        ok = services.user_reauthenticate(
            user=request.user,  # type: ignore[arg-type]
            password=form.cleaned_data["password"],
            code=form.cleaned_data.get("code", ""),
            ip=request.META.get("REMOTE_ADDR"),
        )
        if ok:
            mark_reauthenticated(request)
            return HttpResponseRedirect(_next_url(request))
        ended = reauth_failed(request)
        if ended is not None:
            return ended
        form.add_error(
            None,
            _("密码或验证码错误 · Wrong password or code"),
        )
    return render(request, "accounts/reauth.html", {"form": form, "next": _next_url(request)})


@two_factor_exempt
@login_required_view
def totp_setup(request: HttpRequest) -> HttpResponse:
    """两步验证 (TOTP) setup: QR code and secret, confirmed with a code; then recovery codes."""
    if selectors.user_has_device(user=request.user):
        return render(
            request,
            "accounts/totp_status.html",
            {
                "codes_left": selectors.recovery_codes_left(user=request.user),
                "may_disable": not selectors.user_requires_two_factor(user=request.user),
            },
        )
    device = services.totp_device_pending(user=request.user)  # type: ignore[arg-type]
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            user=request.user,  # type: ignore[arg-type]
            device_id=device.pk,
            token=form.cleaned_data["code"],
        )
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, _("两步验证已启用 · Two-factor authentication is on"))
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("code", _("验证码错误 · Wrong code"))
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "config_url": device.config_url,
            "secret": b32encode(device.bin_key).decode("ascii"),
            "qr": qr_data_uri(device.config_url),
            "required": selectors.user_requires_two_factor(user=request.user),
        },
    )


@require_POST
@login_required_view
@reauth_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """生成新的恢复码 (new recovery codes); only for a verified session with TOTP."""
    if not selectors.user_has_device(user=request.user) or not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:totp_setup")
    codes = services.recovery_codes_regenerate(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@require_POST
@login_required_view
@reauth_required
def totp_disable(request: HttpRequest) -> HttpResponse:
    """关闭两步验证 (turn 2FA off), unless the user's role requires it."""
    if selectors.user_requires_two_factor(user=request.user):
        messages.error(request, _("您的角色必须启用两步验证 · Your role requires 2FA"))
    else:
        services.totp_disable(user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("两步验证已关闭 · Two-factor authentication is off"))
    return redirect("accounts:totp_setup")


@login_required_view
def profile(request: HttpRequest) -> HttpResponse:
    """个人资料 (profile)."""
    current = selectors.profile_get(user=request.user)
    initial = {"full_name": current.full_name, "mobile": current.mobile} if current else {}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=request.user,  # type: ignore[arg-type]
            full_name=form.cleaned_data["full_name"],
            mobile=form.cleaned_data["mobile"],
        )
        messages.success(request, _("已保存 · Saved"))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "profile": current})


password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/form_page.html",
    success_url=reverse_lazy("accounts:password_change_done"),
    extra_context={"heading": _("修改密码 · Change password")},
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/message_page.html",
    extra_context={"message": _("密码已修改 · Your password was changed")},
)
password_reset = two_factor_exempt(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/form_page.html",
        email_template_name="accounts/email/password_reset_body.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
        extra_context={"heading": _("重置密码 · Reset password")},
    )
)
password_reset_done = two_factor_exempt(
    auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/message_page.html",
        extra_context={
            "message": _(
                "如果该邮箱已注册，重置链接已发出 · If the address is registered, a link was sent"
            )
        },
    )
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """设置新密码 (set a new password); a lock-out of the account ends with it."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.login_lockout_clear(user=form.user)
        return response


password_reset_confirm = two_factor_exempt(
    PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = two_factor_exempt(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/message_page.html",
        extra_context={"message": _("密码已重置，请登录 · Password reset, please log in")},
    )
)
