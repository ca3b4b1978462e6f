"""The token page: create (secret shown once, only its hash kept), list, revoke; scoping."""

from __future__ import annotations

import re

import pytest

from fapiao.web.api.models import ApiToken
from fapiao.web.api.tokens import token_hash
from fapiao.web.companies.models import Role
from web.api.factories import bearer, member, token_for
from web.helpers import login_as

pytestmark = pytest.mark.django_db


def test_create_shows_the_secret_once_and_it_works(client, company):
    user = member(company, Role.CLERK)
    login_as(client, user, company)

    response = client.post(
        "/api/tokens/", {"name": "记账软件", "scope": "write", "lifetime_days": "30"}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    [raw] = re.findall(r'id="raw-token">(fp_[^<]+)<', html)
    token = ApiToken.objects.get(user=user, company=company)
    assert token.token_hash == token_hash(raw)
    assert token.scope == "write"
    assert bearer(raw).get("/api/invoices").status_code == 200

    listing = client.get("/api/tokens/").content.decode()
    assert "记账软件" in listing
    assert token.prefix in listing
    assert raw not in listing


def test_invalid_form_creates_nothing(client, company):
    user = member(company, Role.VIEWER)
    login_as(client, user, company)

    response = client.post("/api/tokens/", {"name": "x", "scope": "write", "lifetime_days": "0"})

    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_revoke_own_token_only(client, company, other_company):
    user = member(company, Role.CLERK)
    token, raw = token_for(user, company)
    stranger = member(company, Role.ADMIN)
    foreign, _ = token_for(stranger, company)
    login_as(client, user, company)

    assert client.post(f"/api/tokens/{foreign.pk}/revoke/").status_code == 404
    response = client.post(f"/api/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    token.refresh_from_db()
    foreign.refresh_from_db()
    assert token.revoked_at is not None
    assert foreign.revoked_at is None
    assert bearer(raw).get("/api/invoices").status_code == 401


def test_tokens_of_another_company_are_not_listed_or_revocable(client, company, other_company):
    user = member(company, Role.CLERK)
    login_as(client, user, other_company, role=Role.CLERK)
    there, _ = token_for(user, other_company)
    here, _ = token_for(user, company)

    listing = client.get("/api/tokens/").content.decode()
    assert there.prefix in listing
    assert here.prefix not in listing
    assert client.post(f"/api/tokens/{here.pk}/revoke/").status_code == 404


def test_the_page_needs_a_login(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
