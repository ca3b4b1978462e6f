"""Register, verify the e-mail, log in, set up TOTP, log out, log in with password + TOTP code."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from typing import Any

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fapiao.web.accounts.models import Profile

pytestmark = [pytest.mark.browser]

EMAIL = "li.na@example.com"
PASSWORD = "Huo-Shan-2025-xiang"


def _code(secret: str, *, ahead: int = 0) -> str:
    """The authenticator app's code, ``ahead`` time steps from now."""
    totp = TOTP(b32decode(secret), step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * ahead
    return f"{totp.token():06d}"


def _log_in(tab: Any, email: str, password: str) -> None:
    tab.fill("#id_username", email)
    tab.fill("#id_password", password)
    tab.click("form.fapiao-form button[type=submit]")


def test_register_verify_and_log_in_with_totp(browser: Any) -> None:
    anon = browser.open()
    tab = anon.page
    anon.goto("/accounts/register/")
    tab.fill("#id_full_name", "李娜")
    tab.fill("#id_mobile", "13912345678")
    tab.fill("#id_email", EMAIL)
    tab.fill("#id_password1", PASSWORD)
    tab.fill("#id_password2", PASSWORD)
    anon.shot("register")
    tab.click("form.fapiao-form button[type=submit]")
    tab.wait_for_url("**/accounts/register/done/")
    anon.shot("register-done")

    # the verification e-mail (Django's locmem backend under pytest) carries the link
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    link = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[0].body)
    assert link is not None, mail.outbox[0].body
    tab.goto(link.group(0))
    tab.wait_for_url("**/accounts/login/")
    assert "邮箱已验证" in tab.inner_text(".alert-success")
    anon.shot("verified")
    assert Profile.objects.get(user__email=EMAIL).email_verified_at is not None

    _log_in(tab, EMAIL, PASSWORD)
    tab.wait_for_url("**/companies/**")  # no company yet: the company list
    assert "李娜" in tab.inner_text("#user-menu")
    anon.shot("logged-in")

    anon.goto("/accounts/2fa/")
    secret = tab.inner_text("code.user-select-all").strip()
    assert tab.locator("img.qr-code").evaluate("img => img.naturalWidth") > 0
    anon.shot("totp-setup")
    tab.fill("#id_code", _code(secret))
    tab.click("form.fapiao-form button[type=submit]")
    tab.wait_for_selector(".alert-success")
    assert "两步验证已启用" in tab.inner_text(".alert-success")
    anon.shot("recovery-codes")
    assert TOTPDevice.objects.filter(user__email=EMAIL, confirmed=True).count() == 1

    tab.click("#user-menu")
    tab.click("button:has-text('退出登录')")
    tab.wait_for_url("**/accounts/login/")
    anon.shot("logged-out")
    assert tab.locator("#user-menu").count() == 0

    _log_in(tab, EMAIL, PASSWORD)
    tab.wait_for_url("**/accounts/login/verify/")
    anon.shot("totp-step")
    tab.fill("#id_code", "000000" if _code(secret) != "000000" else "111111")
    tab.click("form.fapiao-form button[type=submit]")
    assert "验证码错误" in tab.inner_text(".fapiao-form")
    assert tab.locator("#user-menu").count() == 0
    anon.shot("totp-wrong")
    time.sleep(1.5)  # django-otp throttles the device for a second after a wrong code
    # the setup code's time step is used up: the app's next code is accepted (tolerance 1)
    tab.fill("#id_code", _code(secret, ahead=1))
    tab.click("form.fapiao-form button[type=submit]")
    tab.wait_for_url("**/companies/**")
    assert "李娜" in tab.inner_text("#user-menu")
    anon.shot("logged-in-with-totp")
