"""Attacks on authentication: brute force, session fixation, API token misuse, SQL injection."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from fapiao.web.api.models import ApiToken, TokenScope
from fapiao.web.api.services import api_token_create, api_token_revoke
from fapiao.web.companies.models import Membership, Role
from fapiao.web.events.models import Event
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.security.openapi import load_spec, operations
from web.security.world import build_world, routes

pytestmark = pytest.mark.django_db

PASSWORD = "Fapiao-测试-2024!x"
EMAIL = "li.si@example.cn"
SECRET = "VICTIM-SECRET-7781"
INJECTIONS = (
    "' OR '1'='1",
    "1; DROP TABLE invoices_invoicerecord; --",
    '" OR 1=1 --',
    "') UNION SELECT username, password FROM auth_user --",
    "%' AND 1=0 UNION SELECT NULL --",
    "\\'; SELECT pg_sleep(1); --",
    "1' ORDER BY 99 --",
    "\x00",
    "𠀀' OR ''='",
)


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user():
    user = UserFactory(username=EMAIL, email=EMAIL)
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client: Client, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": EMAIL, "password": password})


def test_brute_force_is_locked_out_and_every_attempt_recorded(client):
    _user()
    for _ in range(4):
        assert _login(client, "guess-123456").status_code == 200
    assert _login(client, "guess-123456").status_code in {200, 429}
    response = _login(client)  # even the right password is refused now
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    failed = Event.objects.filter(company=None, action="auth.login_failed")
    assert failed.count() >= 5
    assert all(e.after == {"username": EMAIL} for e in failed)
    assert all(PASSWORD not in str(e.after) and "guess" not in str(e.after) for e in failed)
    assert Event.objects.filter(company=None, action="auth.locked_out").exists()
    assert not Event.objects.filter(action="auth.login").exists()


def test_a_login_is_recorded_with_its_address(client):
    user = _user()
    response = client.post(
        "/accounts/login/", {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert response.status_code == 302
    event = Event.objects.get(action="auth.login")
    assert (event.actor_id, event.ip, event.company_id) == (user.pk, "203.0.113.5", None)


def test_session_fixation_the_session_key_changes_at_login(client):
    _user()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by attacker"
    session.save()
    planted_key = session.session_key
    client.cookies["sessionid"] = planted_key
    assert _login(client).status_code == 302
    assert client.cookies["sessionid"].value != planted_key
    attacker = Client()
    attacker.cookies["sessionid"] = planted_key
    assert attacker.get("/invoices/").status_code == 302  # the planted session is not logged in


def test_logout_ends_the_session(client, company):
    user = UserFactory()
    login_as(client, user, company, "clerk")
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/invoices/").status_code == 302


def _api(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_api_token_misuse_is_refused(company, other_company):
    user = UserFactory()
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    read, read_raw = api_token_create(user=user, company=company, name="r", scope=TokenScope.READ)
    _, write_raw = api_token_create(user=user, company=company, name="w", scope=TokenScope.WRITE)
    assert _api(read_raw).get("/api/invoices").status_code == 200
    # A read token cannot write.
    response = _api(read_raw).post("/api/claims", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    # Malformed, guessed, in the query string, or with another scheme: 401.
    for header in ("Bearer", "Bearer fp_", "Bearer fp_" + "A" * 40, f"Basic {read_raw}"):
        assert Client(headers={"Authorization": header}).get("/api/invoices").status_code == 401
    assert Client().get(f"/api/invoices?token={read_raw}").status_code == 401
    # Revoked, expired, or its user no longer a member: 401.
    api_token_revoke(token=read, actor=user)
    assert _api(read_raw).get("/api/invoices").status_code == 401
    ApiToken.objects.filter(name="w").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _api(write_raw).get("/api/invoices").status_code == 401
    _, again = api_token_create(user=user, company=company, name="w2", scope=TokenScope.WRITE)
    Membership.objects.filter(user=user).delete()
    assert _api(again).get("/api/invoices").status_code == 401
    # Raw tokens are never stored.
    assert not ApiToken.objects.filter(token_hash__contains=again[3:20]).exists()


def test_sql_injection_through_search_and_filters_neither_fails_nor_leaks(db):
    world = build_world(text=SECRET)
    client = Client(REMOTE_ADDR="203.0.113.9")  # from outside, like a real attacker
    login_as(client, world.attacker, world.attacker_company, "admin")
    api = Client(
        headers={"Authorization": f"Bearer {world.attacker_token}"}, REMOTE_ADDR="203.0.113.9"
    )
    spec = load_spec()
    gets = [r for r in routes() if not r.params and not r.module.startswith("ninja")]
    api_gets = [op for op in operations(spec) if op.method == "get" and "{" not in op.path]
    assert len(gets) > 30
    assert api_gets
    failures = []
    for n, payload in enumerate(INJECTIONS):
        # Every page gets a third of the payloads, and NUL (PostgreSQL text cannot hold it).
        for route in gets if n % 3 == 0 or "\x00" in payload else ():
            query = dict.fromkeys(("q", "search", "seller", "status", "action", "since"), payload)
            response = client.get(route.route, query)
            body = b"" if getattr(response, "streaming", False) else response.content
            if response.status_code >= 500 or SECRET.encode() in body:
                failures.append(f"{route.route} {payload!r} -> {response.status_code}")
        for op in api_gets:
            query = {p["name"]: payload for p in op.parameters if p.get("in") == "query"}
            response = api.get(
                "/api" + op.path if not op.path.startswith("/api") else op.path, query
            )
            if response.status_code >= 500 or SECRET.encode() in response.content:
                failures.append(f"{op.path} {payload!r} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    # The tables are all still there.
    assert Event.objects.exists()


def test_nul_characters_are_refused_by_the_api_not_a_500(company):
    user = UserFactory()
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    _, raw = api_token_create(user=user, company=company, name="w", scope=TokenScope.WRITE)
    assert _api(raw).get("/api/invoices", {"q": "a\x00b"}).status_code in {400, 422}
    body = '{"title": "a\\u0000b"}'
    response = _api(raw).post("/api/claims", body, content_type="application/json")
    assert response.status_code in {400, 422}
