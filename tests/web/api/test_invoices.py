"""The invoice endpoints: list and filters, detail document, upload, review and status changes."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from fapiao.web.api.models import TokenScope
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord, ReviewStatus
from fapiao.web.invoices.services import invoice_save_parsed
from web.api.factories import bearer, member, token_for
from web.helpers import index_company
from web.invoices.factories import InvoiceRecordFactory, reading

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _client(company, role=Role.ADMIN, scope=TokenScope.WRITE):
    user = member(company, role)
    return user, bearer(token_for(user, company, scope=scope)[1])


def test_list_filters_and_paginates(company):
    _, client = _client(company, Role.VIEWER, TokenScope.READ)
    sales = InvoiceRecordFactory(company=company, direction="sales", seller_name="华医网科技")
    purchases = [InvoiceRecordFactory(company=company) for _ in range(3)]

    page = client.get("/api/invoices", {"direction": "purchase", "limit": 2}).json()
    assert (page["count"], page["limit"], len(page["items"])) == (3, 2, 2)
    rest = client.get("/api/invoices", {"direction": "purchase", "limit": 2, "offset": 2}).json()
    ids = {i["id"] for i in page["items"]} | {i["id"] for i in rest["items"]}
    assert ids == {p.pk for p in purchases}

    index_company(company)
    found = client.get("/api/invoices", {"q": "华医网"}).json()
    assert [i["id"] for i in found["items"]] == [sales.pk]
    assert found["items"][0]["gross_amount"] == "113.00"
    assert client.get("/api/invoices", {"limit": 501}).status_code == 422


def test_detail_is_the_invoice_schema_with_status(company):
    user, client = _client(company)
    record, _ = invoice_save_parsed(
        company=company, direction="purchase", invoice=reading(), actor=user
    )

    document = client.get(f"/api/invoices/{record.pk}").json()

    assert document["id"] == record.pk
    assert document["number"] == "25322000000365404822"
    assert document["seller"]["tax_id"] == "52320200MJ5702713X"
    assert document["gross_amount"] == "250.00"
    assert document["lines"][0]["unit_price"] == "235.8490566037736"
    assert document["status"]["review_status"] == "pending"
    assert document["status"]["tax_status"] == "normal"
    assert document["schema_version"]


def test_upload_parses_and_a_second_format_merges(
    company, corpus, django_capture_on_commit_callbacks
):
    _, client = _client(company, Role.CLERK)
    truth = corpus.random_truth(random.Random(7), digital=True)
    xml = corpus.einvoice_xml(truth)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/invoices/upload", {"files": [_file("a.xml", xml)]})

    assert response.status_code == 201, response.content
    batch = client.get(f"/api/batches/{response.json()['id']}").json()
    assert batch["finished"] is True
    [item] = batch["items"]
    assert item["status"] == "done", item["errors"]
    assert item["invoices_created"] == 1
    record = InvoiceRecord.objects.get(company=company)
    assert item["invoice_ids"] == [record.pk]
    assert record.number == truth.number

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            "/api/invoices/upload", {"files": [_file("a.zip", corpus.zip_of({"x.xml": xml}))]}
        )
    merged = client.get(f"/api/batches/{again.json()['id']}").json()
    assert merged["items"][0]["invoices_merged"] == 1
    assert merged["items"][0]["invoice_ids"] == [record.pk]
    assert InvoiceRecord.objects.filter(company=company).count() == 1


def test_upload_needs_a_writer_role(company, corpus):
    _, client = _client(company, Role.VIEWER)
    xml = corpus.einvoice_xml(corpus.random_truth(random.Random(1), digital=True))

    response = client.post("/api/invoices/upload", {"files": [_file("a.xml", xml)]})

    assert response.status_code == 403
    assert response.json()["code"] == "api.role_refused"
    assert not InvoiceRecord.objects.exists()


def test_self_approval_through_the_api_is_refused(company):
    reviewer = member(company, Role.REVIEWER)
    record, _ = invoice_save_parsed(
        company=company, direction="purchase", invoice=reading(), actor=reviewer
    )
    client = bearer(token_for(reviewer, company)[1])

    response = client.post(f"/api/invoices/{record.pk}/approve", {}, content_type=JSON)

    assert response.status_code == 403
    assert response.json()["code"] == "invoice.self_approval"
    assert "自己" in response.json()["message"]
    assert "approve" in response.json()["message_en"]
    record.refresh_from_db()
    assert record.review_status == ReviewStatus.PENDING

    other = member(company, Role.REVIEWER)
    ok = bearer(token_for(other, company)[1]).post(
        f"/api/invoices/{record.pk}/approve", {}, content_type=JSON
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"]["review_status"] == "approved"
    approved = Event.objects.get(company=company, action="invoice.approved")
    assert approved.actor == other


def test_return_and_resubmit(company):
    clerk = member(company, Role.CLERK)
    record, _ = invoice_save_parsed(
        company=company, direction="purchase", invoice=reading(), actor=clerk
    )
    _, reviewer = _client(company, Role.REVIEWER)
    clerk_client = bearer(token_for(clerk, company)[1])

    assert (
        reviewer.post(f"/api/invoices/{record.pk}/return", {}, content_type=JSON).status_code == 422
    )
    returned = reviewer.post(
        f"/api/invoices/{record.pk}/return", {"reason": "税号不清"}, content_type=JSON
    )
    assert returned.json()["status"]["review_status"] == "returned"
    assert returned.json()["status"]["review_note"] == "税号不清"
    resubmitted = clerk_client.post(f"/api/invoices/{record.pk}/submit", content_type=JSON)
    assert resubmitted.json()["status"]["review_status"] == "pending"
    # a clerk is no reviewer
    denied = clerk_client.post(f"/api/invoices/{record.pk}/approve", {}, content_type=JSON)
    assert denied.status_code == 403


def test_status_changes_follow_the_transition_tables(company):
    _, client = _client(company, Role.ADMIN)
    record = InvoiceRecordFactory(company=company)
    url = f"/api/invoices/{record.pk}"

    booked = client.post(f"{url}/booking-status", {"to": "booked"}, content_type=JSON)
    assert booked.status_code == 409
    booked = client.post(
        f"{url}/booking-status", {"to": "booked", "voucher_number": "记-12"}, content_type=JSON
    )
    assert booked.json()["status"]["voucher_number"] == "记-12"
    selected = client.post(f"{url}/deduction-status", {"to": "selected"}, content_type=JSON)
    assert selected.json()["status"]["deduction_status"] == "selected"
    confirmed = client.post(
        f"{url}/deduction-status", {"to": "confirmed", "period": "2025-03"}, content_type=JSON
    )
    assert confirmed.json()["status"]["deduction_period"] == "2025-03"
    voided = client.post(f"{url}/tax-status", {"to": "voided"}, content_type=JSON)
    assert voided.json()["status"]["tax_status"] == "voided"
    back = client.post(f"{url}/tax-status", {"to": "normal"}, content_type=JSON)
    assert back.status_code == 409
    assert back.json()["code"] == "invoice.status_transition_forbidden"
    bogus = client.post(f"{url}/tax-status", {"to": "burnt"}, content_type=JSON)
    assert bogus.status_code == 422


def test_every_invoice_endpoint_hides_other_companies(company, other_company):
    _, client = _client(company, Role.ADMIN)
    theirs = InvoiceRecordFactory(company=other_company)
    url = f"/api/invoices/{theirs.pk}"

    assert client.get(url).status_code == 404
    for path, body in [
        ("approve", {}),
        ("return", {"reason": "x"}),
        ("submit", None),
        ("tax-status", {"to": "voided"}),
        ("deduction-status", {"to": "selected"}),
        ("booking-status", {"to": "booked", "voucher_number": "1"}),
    ]:
        response = client.post(f"{url}/{path}", body, content_type=JSON)
        assert response.status_code == 404, path
    theirs.refresh_from_db()
    assert (theirs.tax_status, theirs.booking_status) == ("normal", "unbooked")


def test_other_companies_batches_are_404(company, other_company, corpus):
    _, theirs = _client(other_company, Role.CLERK)
    xml = corpus.einvoice_xml(corpus.random_truth(random.Random(3), digital=True))
    batch = theirs.post("/api/invoices/upload", {"files": [_file("a.xml", xml)]}).json()
    _, mine = _client(company, Role.ADMIN)

    assert mine.get(f"/api/batches/{batch['id']}").status_code == 404


def test_monthly_report_equals_the_database_totals(company, other_company):
    _, client = _client(company, Role.VIEWER, TokenScope.READ)
    for day, direction in [
        ("2025-03-01", "purchase"),
        ("2025-03-31", "purchase"),
        ("2025-04-01", "purchase"),
        ("2025-03-15", "sales"),
    ]:
        InvoiceRecordFactory(company=company, issue_date=day, direction=direction)
    InvoiceRecordFactory(company=other_company, issue_date="2025-03-02")

    rows = client.get("/api/reports/monthly").json()

    assert [(r["month"], r["direction"], r["count"]) for r in rows] == [
        ("2025-03", "purchase", 2),
        ("2025-03", "sales", 1),
        ("2025-04", "purchase", 1),
    ]
    assert rows[0]["gross_amount"] == "226.00"
    total = sum(Decimal(r["gross_amount"]) for r in rows)
    assert total == sum(r.gross_amount for r in InvoiceRecord.objects.filter(company=company))
    only = client.get("/api/reports/monthly", {"direction": "sales"}).json()
    assert [r["direction"] for r in only] == ["sales"]


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_search_by_pinyin_initials_and_number_typo_stays_in_the_company(company, other_company):
    from fapiao.web.search.services import search_index_rebuild

    _, client = _client(company, Role.VIEWER, TokenScope.READ)
    hit = InvoiceRecordFactory(company=company, seller_name="北京华医网科技有限公司")
    InvoiceRecordFactory(company=company, seller_name="重庆某某公司")
    InvoiceRecordFactory(company=other_company, seller_name="北京华医网科技有限公司")
    search_index_rebuild(company=company)
    search_index_rebuild(company=other_company)

    found = client.get("/api/invoices/search", {"q": "bjhy"}).json()
    assert [i["id"] for i in found["items"]] == [hit.pk]
    assert found["has_next"] is False

    typo = hit.number[:6] + "9" + hit.number[7:]  # one digit wrong, matching no other invoice
    by_typo = client.get("/api/invoices/search", {"q": typo}).json()["items"]
    assert [(i["id"], i["is_typo_match"]) for i in by_typo] == [(hit.pk, True)]
    assert client.get("/api/invoices/search", {"size": 201}).status_code == 422
