"""Session lifetime (idle and maximum age) and re-authentication before sensitive actions."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fapiao.web.accounts import sessions
from fapiao.web.events.models import Event
from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db

PASSWORD = "Fapiao-会话-2024!x"


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _age(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


@pytest.fixture
def user_with_totp():
    user = UserFactory(username="wangwu")
    user.set_password(PASSWORD)
    user.save()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


@pytest.fixture
def logged_in(client: Client, user_with_totp):
    user, device = user_with_totp
    login_as(client, user, CompanyFactory(), role="clerk")
    return client, user, device


def test_login_stamps_both_clocks_and_an_idle_expiry(logged_in):
    client, _, _ = logged_in
    session = client.session
    assert abs(session[sessions.LOGIN_AT] - time.time()) < 60
    assert session[sessions.REAUTH_AT] == session[sessions.LOGIN_AT]
    assert session.get_expiry_age() == sessions.idle_seconds()


def test_a_session_past_its_maximum_age_ends(logged_in, monkeypatch):
    client, _, _ = logged_in
    assert client.get("/accounts/profile/").status_code == 200
    _age(client, sessions.LOGIN_AT, 13 * 3600)
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session
    monkeypatch.setenv("FAPIAO_SESSION_MAX_HOURS", "24")
    login_as(client, logged_in[1])
    _age(client, sessions.LOGIN_AT, 13 * 3600)
    assert client.get("/accounts/profile/").status_code == 200


def test_the_idle_expiry_slides_at_most_once_a_minute(logged_in):
    client, _, _ = logged_in
    _age(client, sessions.SEEN_AT, 30)
    seen = client.session[sessions.SEEN_AT]
    client.get("/accounts/profile/")
    assert client.session[sessions.SEEN_AT] == seen  # no session write for a read
    _age(client, sessions.SEEN_AT, 90)
    client.get("/accounts/profile/")
    assert time.time() - client.session[sessions.SEEN_AT] < 5


def test_disabling_2fa_needs_a_recent_reauthentication(logged_in):
    client, user, device = logged_in
    _age(client, sessions.REAUTH_AT, 11 * 60)
    response = client.post("/accounts/2fa/disable/", HTTP_REFERER="http://testserver/accounts/2fa/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/reauth/?next=%2Faccounts%2F2fa%2F"
    assert TOTPDevice.objects.filter(user=user).exists()  # nothing happened

    page = client.get("/accounts/reauth/?next=/accounts/2fa/")
    assert "确认身份 · Confirm your identity" in page.content.decode()
    wrong = client.post(
        "/accounts/reauth/", {"password": "nope", "code": _code(device), "next": "/accounts/2fa/"}
    )
    assert wrong.status_code == 200
    assert "密码或验证码错误 · Wrong password or code" in wrong.content.decode()
    no_code = client.post("/accounts/reauth/", {"password": PASSWORD, "next": "/accounts/2fa/"})
    assert no_code.status_code == 200  # the code is required when the user has a device
    ok = client.post(
        "/accounts/reauth/", {"password": PASSWORD, "code": _code(device), "next": "/accounts/2fa/"}
    )
    assert ok.headers["Location"] == "/accounts/2fa/"
    actions = list(Event.objects.filter(actor_id=user.pk).values_list("action", flat=True))
    assert actions.count("auth.reauth_failed") == 1
    assert actions.count("auth.reauthenticated") == 1
    assert client.post("/accounts/2fa/disable/").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_reauth_refuses_an_outside_next_and_ends_the_session_after_five_failures(logged_in):
    client, _, device = logged_in
    ok = client.post(
        "/accounts/reauth/",
        {"password": PASSWORD, "code": _code(device), "next": "https://evil.example/"},
    )
    assert ok.headers["Location"] == "/"
    for _ in range(5):
        response = client.post("/accounts/reauth/", {"password": "wrong", "code": "000000"})
    assert response.headers["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_htmx_requests_get_an_hx_redirect(logged_in):
    client, _, _ = logged_in
    _age(client, sessions.REAUTH_AT, 11 * 60)
    response = client.post("/accounts/2fa/disable/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/accounts/reauth/?next=")


SENSITIVE = [
    ("get", "/reports/export/invoices.xlsx"),
    ("get", "/reports/export/events.xlsx"),
    ("get", "/audit/export.xlsx"),
    ("get", "/invoices/download.zip"),
    ("get", "/companies/members/bulk/"),
    ("post", "/companies/members/{member}/role/"),
    ("post", "/companies/members/{member}/remove/"),
]


@pytest.mark.parametrize(("method", "url"), SENSITIVE)
def test_full_exports_and_role_changes_need_a_recent_reauthentication(client, method, url):
    from fapiao.web.companies.models import Membership

    company = CompanyFactory()
    admin = UserFactory(username="admin-reauth")
    login_as(client, admin, company, role="admin")
    member = Membership.objects.create(user=UserFactory(username="clerk-reauth"), company=company)
    url = url.format(member=member.pk)
    data = {"role": "reviewer"} if method == "post" else None
    fresh = getattr(client, method)(url, data)
    assert not fresh.headers.get("Location", "").startswith("/accounts/reauth/"), fresh
    _age(client, sessions.REAUTH_AT, 11 * 60)
    stale = getattr(client, method)(url, data)
    assert stale.status_code == 302
    assert stale.headers["Location"].startswith("/accounts/reauth/?next=")
