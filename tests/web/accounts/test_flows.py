"""Accounts: registration, e-mail verification, login with TOTP and recovery codes, lock-out,
password reset, and the 2FA requirement of admins and reviewers."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fapiao.web.accounts.models import Profile
from fapiao.web.events.models import Event
from web.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db

PASSWORD = "Fapiao-测试-2024!x"
EMAIL = "zhang.san@example.cn"


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _link(message: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message)
    assert match, message
    return match.group(1)


def _register(client: Client, **overrides: str):
    data = {
        "full_name": "张三",
        "mobile": "138 0013 8000",
        "email": EMAIL,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "id_number": "",
        **overrides,
    }
    return client.post("/accounts/register/", data)


def _login(client: Client, password: str = PASSWORD, email: str = EMAIL):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_register_verify_login_totp_and_recovery_code(client: Client):
    response = _register(client, id_number="11010519491231002X")
    assert response.status_code == 302
    profile = Profile.objects.get(user__email=EMAIL)
    assert (profile.full_name, profile.mobile, profile.id_number) == (
        "张三",
        "13800138000",
        "11010519491231002X",
    )
    assert profile.user.password.startswith("argon2")
    # Not verified yet: the login is refused and the link sent again.
    assert len(mail.outbox) == 1
    _login(client)
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 2
    response = client.get(_link(mail.outbox[0].body))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.is_email_verified

    # Password login (no device yet), then TOTP setup.
    assert _login(client).status_code == 302
    assert client.session["_auth_user_id"] == str(profile.user_id)
    page = client.get("/accounts/2fa/")
    assert b"otpauth://totp/" in page.content
    assert b"data:image/png;base64," in page.content
    device = TOTPDevice.objects.get(user=profile.user, confirmed=False)
    wrong = "000000" if _code(device) != "000000" else "111111"
    assert client.post("/accounts/2fa/", {"code": wrong}).context["form"].errors
    # django-otp throttles a device after a wrong code; a user would wait a second.
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/accounts/2fa/", {"code": _code(device)})
    codes = response.context["codes"]
    assert len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session

    # Password alone is not enough any more: the TOTP step follows.
    response = _login(client)
    assert response.headers["Location"] == "/accounts/login/verify/"
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    response = client.post("/accounts/login/verify/", {"code": _code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(profile.user_id)
    assert client.get("/accounts/profile/").status_code == 200
    client.post("/accounts/logout/")

    # A recovery code works once.
    _login(client)
    response = client.post("/accounts/login/verify/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(profile.user_id)
    client.post("/accounts/logout/")
    _login(client)
    response = client.post("/accounts/login/verify/", {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert StaticToken.objects.filter(device__user=profile.user).count() == 9
    actions = set(Event.objects.filter(company=None).values_list("action", flat=True))
    assert {"account.registered", "account.email_verified", "account.totp_enabled"} <= actions


def test_verify_step_gives_up_after_five_wrong_codes(client: Client):
    user = UserFactory(username="li@example.cn", email="li@example.cn")
    user.set_password(PASSWORD)
    user.save()
    TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    _login(client, email="li@example.cn")
    for _ in range(4):
        assert client.post("/accounts/login/verify/", {"code": "12345a"}).status_code == 200
    response = client.post("/accounts/login/verify/", {"code": "12345a"})
    assert response.headers["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/verify/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mobile", "12800138000"),
        ("mobile", "1380013800"),
        ("id_number", "110105194912310021"),
        ("password1", "12345678901"),
        ("email", "not-an-email"),
    ],
)
def test_registration_rejects_bad_values(client: Client, field: str, value: str):
    data = {field: value}
    if field == "password1":
        data["password2"] = value
    response = _register(client, **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Profile.objects.exists()


def test_registration_refuses_a_taken_email(client: Client):
    UserFactory(username="x", email=EMAIL)
    response = _register(client, email=EMAIL.upper())
    assert "email" in response.context["form"].errors


def test_lockout_after_five_failed_logins(client: Client):
    user = UserFactory(username=EMAIL, email=EMAIL)
    user.set_password(PASSWORD)
    user.save()
    for _ in range(5):
        response = _login(client, password="wrong-password")
        assert "_auth_user_id" not in client.session
    response = _login(client)
    assert response.status_code == 429
    assert "账户已锁定".encode() in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_also_ends_a_lockout(client: Client):
    user = UserFactory(username=EMAIL, email=EMAIL)
    user.set_password("old-Password-123")
    user.save()
    for _ in range(5):
        _login(client, password="wrong-password")
    assert _login(client, password="old-Password-123").status_code == 429
    response = client.post("/accounts/password/reset/", {"email": EMAIL})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0].body)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "New-Password-456!"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert _login(client, password=new).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_of_unknown_address_sends_nothing(client: Client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.cn"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["admin", "reviewer"])
def test_roles_that_need_2fa_are_sent_to_setup(client: Client, role: str):
    membership = MembershipFactory(role=role)
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/2fa/"
    assert client.get("/companies/").status_code == 302
    assert client.get("/accounts/2fa/").status_code == 200


def test_clerk_needs_no_2fa(client: Client):
    membership = MembershipFactory(role="clerk")
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").status_code == 200


def test_unverified_session_of_a_user_with_device_is_logged_out(client: Client):
    membership = MembershipFactory(role="clerk")
    TOTPDevice.objects.create(user=membership.user, name="t", confirmed=True)
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/")
    assert response.headers["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_login_as_helper_makes_admins_verified(client: Client):
    company = CompanyFactory()
    user = UserFactory()
    login_as(client, user, company, role="admin")
    assert client.get("/").status_code == 200
