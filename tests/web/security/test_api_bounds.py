"""Bounds found by schemathesis: an offset too large for the database is a 422, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fapiao.web.api.models import TokenScope
from fapiao.web.api.schemas import MAX_OFFSET
from fapiao.web.companies.models import Role
from fapiao.web.invoices.models import StoredFile
from web.api.factories import bearer, member, token_for
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db

HUGE = "101261254035494490351023159165780492288"  # the offset schemathesis sent


def test_an_offset_beyond_the_database_integers_is_refused(company):
    client = bearer(token_for(member(company, Role.VIEWER), company, scope=TokenScope.READ)[1])
    InvoiceRecordFactory(company=company)
    for offset in (HUGE, str(2**63), str(MAX_OFFSET + 1)):
        response = client.get("/api/invoices", {"offset": offset, "issued_to": "0818-06-23"})
        assert response.status_code == 422, offset
        assert client.get("/api/reconciliation/runs/1/results", {"offset": offset}).status_code in (
            404,
            422,
        )
        search = client.get("/api/invoices/search", {"page": offset})
        assert search.status_code == 422, offset
        assert search.json()["code"] == "api.invalid"  # the documented error shape
        assert search.json()["detail"]
    assert client.get("/api/invoices", {"offset": str(MAX_OFFSET)}).json()["items"] == []


def test_an_upload_with_an_unknown_direction_is_refused_clearly(company):
    client = bearer(token_for(member(company, Role.CLERK), company, scope=TokenScope.WRITE)[1])
    upload = SimpleUploadedFile("a.xml", b"<EInvoice/>", content_type="text/xml")
    response = client.post("/api/invoices/upload", {"files": [upload], "direction": "buyer"})
    assert response.status_code == 422
    assert response.json()["code"] == "intake.bad_direction"
    assert "'buyer'" in response.json()["message_en"]
    assert not StoredFile.objects.exists()


def test_a_path_no_api_route_matches_answers_json(company, client):
    api = bearer(token_for(member(company, Role.ADMIN), company, scope=TokenScope.WRITE)[1])
    response = api.post("/api/invoices/-1272/approve", "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "api.not_found"
    page = client.get("/invoices/-5/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "body",
    [b'{"reason": "\\ud9ef"}', b"not json", b'{"reason": "a\\u0000b"}', b"\xff\xfe"],
)
def test_a_body_that_cannot_be_parsed_is_a_documented_422(company, body):
    api = bearer(token_for(member(company, Role.ADMIN), company, scope=TokenScope.WRITE)[1])
    record = InvoiceRecordFactory(company=company)
    response = api.post(f"/api/invoices/{record.pk}/return", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] in {"api.unparsable", "api.invalid"}
    assert response.json()["message_en"]
