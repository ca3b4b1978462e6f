"""Claim endpoints: create, add, submit; a second claim on a held invoice is refused; scoping."""

from __future__ import annotations

import pytest

from fapiao.web.claims.models import Claim
from fapiao.web.companies.models import Role
from web.api.factories import bearer, member, token_for
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _client(company, role=Role.CLERK):
    user = member(company, role, first_name="李", last_name="雷")
    return user, bearer(token_for(user, company)[1])


def test_create_add_and_submit_a_claim(company):
    user, client = _client(company)
    record = InvoiceRecordFactory(company=company)

    created = client.post("/api/claims", {"title": "出差北京"}, content_type=JSON)
    assert created.status_code == 201, created.content
    claim_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    added = client.post(
        f"/api/claims/{claim_id}/invoices", {"invoice_id": record.pk}, content_type=JSON
    )
    assert added.json()["invoice_total"] == "113.00"
    receipt = client.post(
        f"/api/claims/{claim_id}/receipts",
        {"description": "出租车", "amount": "35.50"},
        content_type=JSON,
    )
    assert receipt.json()["total"] == "148.50"
    submitted = client.post(f"/api/claims/{claim_id}/submit", content_type=JSON)
    assert submitted.json()["status"] == "submitted"

    listed = client.get("/api/claims", {"mine": True}).json()
    assert [(c["id"], c["total"], c["item_count"]) for c in listed] == [(claim_id, "148.50", 2)]
    detail = client.get(f"/api/claims/{claim_id}").json()
    assert [i["invoice_id"] for i in detail["items"]] == [record.pk, None]
    assert Claim.objects.get(pk=claim_id).claimant == user


def test_second_claim_on_a_held_invoice_is_refused_with_a_pointer(company):
    _, first = _client(company)
    _, second = _client(company)
    record = InvoiceRecordFactory(company=company)
    held = first.post("/api/claims", {"title": "第一张"}, content_type=JSON).json()["id"]
    first.post(f"/api/claims/{held}/invoices", {"invoice_id": record.pk}, content_type=JSON)
    first.post(f"/api/claims/{held}/submit", content_type=JSON)

    other = second.post("/api/claims", {"title": "第二张"}, content_type=JSON).json()["id"]
    refused = second.post(
        f"/api/claims/{other}/invoices", {"invoice_id": record.pk}, content_type=JSON
    )

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "claim.invoice_already_claimed"
    assert f"#{held}" in body["message"]
    assert "第一张" in body["message"]


def test_viewer_cannot_create_claims(company):
    _, client = _client(company, Role.VIEWER)
    response = client.post("/api/claims", {"title": "x"}, content_type=JSON)
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_claims_and_invoices_of_other_companies_are_404(company, other_company):
    _, mine = _client(company)
    _, theirs = _client(other_company)
    their_claim = theirs.post("/api/claims", {"title": "别家"}, content_type=JSON).json()["id"]
    their_invoice = InvoiceRecordFactory(company=other_company)
    my_claim = mine.post("/api/claims", {"title": "我的"}, content_type=JSON).json()["id"]

    assert mine.get(f"/api/claims/{their_claim}").status_code == 404
    assert mine.post(f"/api/claims/{their_claim}/submit", content_type=JSON).status_code == 404
    body = {"description": "x", "amount": "1.00"}
    assert (
        mine.post(f"/api/claims/{their_claim}/receipts", body, content_type=JSON).status_code == 404
    )
    add = mine.post(
        f"/api/claims/{my_claim}/invoices", {"invoice_id": their_invoice.pk}, content_type=JSON
    )
    assert add.status_code == 404
    assert [c["id"] for c in mine.get("/api/claims").json()] == [my_claim]
