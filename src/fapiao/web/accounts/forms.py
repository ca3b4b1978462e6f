"""Forms of the account pages (validation only; the work is done by services)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def clean_mobile(value: str) -> str:
    """手机号码 (Chinese mobile number): 11 digits, 1[3-9]…; +86 and spaces are dropped."""
    value = "".join(unicodedata.normalize("NFKC", value).split()).replace("-", "")
    value = value.removeprefix("+86")
    if not MOBILE_RE.fullmatch(value):
        raise forms.ValidationError(
            _("手机号码应为 11 位，以 13–19 开头 · A mobile number has 11 digits starting 13–19"),
            code="mobile_invalid",
        )
    return value


class RegistrationForm(forms.Form):
    """注册 (registration)."""

    full_name = forms.CharField(label=_("姓名 · Name"), max_length=100)
    mobile = forms.CharField(label=_("手机号码 · Mobile number"), max_length=20)
    email = forms.EmailField(label=_("电子邮箱 · E-mail"))
    password1 = forms.CharField(
        label=_("密码 · Password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label=_("确认密码 · Confirm password"), strip=False, widget=forms.PasswordInput()
    )
    id_number = forms.CharField(
        label=_("身份证号（可选） · ID card number (optional)"), max_length=30, required=False
    )

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])

    def clean_email(self) -> str:
        email: str = unicodedata.normalize("NFKC", self.cleaned_data["email"]).strip().lower()
        user_model = get_user_model()
        taken = user_model.objects.filter(email__iexact=email).exists()
        if taken or user_model.objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(
                _("该邮箱已注册 · This e-mail address is already registered"), code="email_taken"
            )
        return email

    def clean_id_number(self) -> str:
        value: str = unicodedata.normalize("NFKC", self.cleaned_data["id_number"]).strip()
        if not value:
            return ""
        try:
            return str(ric.validate(value))
        except Exception:
            raise forms.ValidationError(
                _("身份证号无效（18 位，校验位不符或日期错误） · Invalid ID card number"),
                code="id_number_invalid",
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("两次输入的密码不一致 · The two passwords do not match"))
        elif password1:
            user = get_user_model()(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("full_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginForm(AuthenticationForm):
    """登录 (login) by e-mail address and password."""

    username = forms.CharField(
        label=_("电子邮箱 · E-mail"), widget=forms.TextInput(attrs={"autofocus": True})
    )

    def clean_username(self) -> str:
        value = str(unicodedata.normalize("NFKC", self.cleaned_data["username"]).strip())
        return value.lower() if "@" in value else value


class OTPForm(forms.Form):
    """两步验证码 (one-time code): a 6-digit TOTP code or a recovery code."""

    code = forms.CharField(
        label=_("验证码或恢复码 · Code or recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class ReauthForm(forms.Form):
    """再次验证身份 (re-authentication): the password, and a code when the user has TOTP."""

    password = forms.CharField(
        label=_("密码 · Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("验证码或恢复码 · Code or recovery code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, needs_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_code:
            self.fields["code"].required = True
        else:
            del self.fields["code"]


class ProfileForm(forms.Form):
    """个人资料 (profile)."""

    full_name = forms.CharField(label=_("姓名 · Name"), max_length=100)
    mobile = forms.CharField(label=_("手机号码 · Mobile number"), max_length=20)

    def clean_mobile(self) -> str:
        return clean_mobile(self.cleaned_data["mobile"])
