"""API tokens: stored hashed, shown once, expire, revoke, one company, scope, last use, events."""

from __future__ import annotations

import hashlib

import pytest

from fapiao.web.api.models import ApiToken, TokenScope
from fapiao.web.api.selectors import api_token_find
from fapiao.web.api.services import TokenRefusedError, api_token_create, api_token_revoke
from fapiao.web.companies.models import Membership, Role
from fapiao.web.events.models import Event
from web.api.factories import bearer, expire, member, token_for
from web.companies.factories import UserFactory
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_sha256(company):
    user = member(company)
    token, raw = token_for(user, company)

    assert raw.startswith("fp_")
    assert len(raw) >= 40
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.values_list(flat=False).get(pk=token.pk)
    assert raw not in [str(v) for v in stored]
    assert token.prefix == raw[:10]
    assert api_token_find(raw=raw) == token
    assert Event.objects.filter(company=company, action="api_token.created").count() == 1


def test_valid_token_lists_its_company_invoices(company):
    user = member(company, Role.VIEWER)
    _, raw = token_for(user, company, scope=TokenScope.READ)
    record = InvoiceRecordFactory(company=company)

    response = bearer(raw).get("/api/invoices")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [record.pk]


def test_missing_or_malformed_or_unknown_token_is_401(client, company):
    user = member(company)
    _, raw = token_for(user, company)

    assert client.get("/api/invoices").status_code == 401
    assert bearer(raw[:-2] + "xx").get("/api/invoices").status_code == 401
    assert bearer("not-a-token").get("/api/invoices").status_code == 401
    response = client.get("/api/invoices", headers={"Authorization": f"Basic {raw}"})
    assert response.status_code == 401


def test_expired_token_is_refused(company):
    user = member(company)
    token, raw = token_for(user, company)
    expire(token)

    assert bearer(raw).get("/api/invoices").status_code == 401


def test_revoked_token_is_refused_and_revoking_twice_is_one_event(company):
    user = member(company)
    token, raw = token_for(user, company)
    assert bearer(raw).get("/api/invoices").status_code == 200

    api_token_revoke(token=token, actor=user)
    api_token_revoke(token=token, actor=user)

    assert bearer(raw).get("/api/invoices").status_code == 401
    assert Event.objects.filter(company=company, action="api_token.revoked").count() == 1


def test_token_stops_working_when_the_user_leaves_the_company(company):
    user = member(company)
    _, raw = token_for(user, company)
    Membership.objects.filter(user=user, company=company).delete()

    assert bearer(raw).get("/api/invoices").status_code == 401


def test_token_stops_working_when_the_user_is_deactivated(company):
    user = member(company)
    _, raw = token_for(user, company)
    user.is_active = False
    user.save()

    assert bearer(raw).get("/api/invoices").status_code == 401


def test_token_of_one_company_never_sees_another(company, other_company):
    user = member(company, Role.ADMIN)
    Membership.objects.create(user=user, company=other_company, role=Role.ADMIN)
    _, raw = token_for(user, company)
    mine = InvoiceRecordFactory(company=company)
    theirs = InvoiceRecordFactory(company=other_company)
    client = bearer(raw)

    listed = [item["id"] for item in client.get("/api/invoices").json()["items"]]
    assert listed == [mine.pk]
    assert client.get(f"/api/invoices/{theirs.pk}").status_code == 404
    assert client.get(f"/api/invoices/{mine.pk}").status_code == 200


def test_read_scope_is_refused_on_write_endpoints(company):
    user = member(company, Role.ADMIN)
    _, raw = token_for(user, company, scope=TokenScope.READ)
    record = InvoiceRecordFactory(company=company)

    response = bearer(raw).post(
        f"/api/invoices/{record.pk}/tax-status", {"to": "voided"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "api.read_only_token"
    record.refresh_from_db()
    assert record.tax_status == "normal"


def test_write_use_is_an_event_with_the_user_as_actor(company):
    user = member(company, Role.ADMIN)
    token, raw = token_for(user, company)
    record = InvoiceRecordFactory(company=company)

    response = bearer(raw).post(
        f"/api/invoices/{record.pk}/tax-status", {"to": "voided"}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    [use] = Event.objects.filter(company=company, action="api_token.used")
    assert use.actor == user
    assert use.after["method"] == "POST"
    assert use.after["path"] == f"/api/invoices/{record.pk}/tax-status"
    changed = Event.objects.get(company=company, action="invoice.tax_status_changed")
    assert changed.actor == user
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_reads_record_last_use_but_no_event(company):
    user = member(company)
    token, raw = token_for(user, company)

    bearer(raw).get("/api/invoices")

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert not Event.objects.filter(action="api_token.used").exists()


def test_token_needs_membership_a_name_and_a_bounded_lifetime(company, other_company):
    user = member(company)
    with pytest.raises(TokenRefusedError):
        api_token_create(user=user, company=other_company, name="x")
    with pytest.raises(TokenRefusedError):
        api_token_create(user=user, company=company, name="  ")
    with pytest.raises(TokenRefusedError):
        api_token_create(user=user, company=company, name="x", lifetime_days=0)
    with pytest.raises(TokenRefusedError):
        api_token_create(user=user, company=company, name="x", lifetime_days=400)
    assert not ApiToken.objects.exists()


def test_a_stranger_cannot_make_a_token(company):
    stranger = UserFactory()
    with pytest.raises(TokenRefusedError):
        api_token_create(user=stranger, company=company, name="x")
