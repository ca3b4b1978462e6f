"""Invoice pages: list with filters, detail with provenance, downloads, cross-company 404s."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from fapiao.core.invoice import FieldInfo, FieldSource
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.services import invoice_save_parsed, stored_file_create
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory, reading

pytestmark = pytest.mark.django_db

XML_BYTES = b"<?xml version='1.0'?><EInvoice>synthetic</EInvoice>"


@pytest.fixture
def saved(company, user):
    """One invoice of ``company`` read from a stored XML file, low confidence on the seller."""
    stored, _ = stored_file_create(company=company, content=XML_BYTES, original_name="a.xml")
    invoice = reading(FieldSource.XML)
    fields = dict(invoice.fields)
    fields["seller.name"] = FieldInfo(FieldSource.OCR, 0.4)
    invoice = dataclasses.replace(invoice, fields=fields)
    record, _ = invoice_save_parsed(
        company=company, direction="purchase", invoice=invoice, actor=user, stored_file=stored
    )
    return record


def test_list_shows_the_companys_invoices_with_filters(client, user, company, other_company):
    login_as(client, user, company, Role.VIEWER)
    mine = InvoiceRecordFactory(company=company, direction="purchase")
    sale = InvoiceRecordFactory(company=company, direction="sales")
    theirs = InvoiceRecordFactory(company=other_company)

    page = client.get(reverse("invoices:list")).content.decode()
    assert mine.number in page
    assert sale.number in page
    assert theirs.number not in page
    only_sales = client.get(reverse("invoices:list"), {"direction": "sales"}).content.decode()
    assert sale.number in only_sales
    assert mine.number not in only_sales
    searched = client.get(reverse("invoices:list"), {"q": mine.number}).content.decode()
    assert mine.number in searched
    assert sale.number not in searched


def test_list_pages_by_key_without_counting(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    numbers = [InvoiceRecordFactory(company=company).number for _ in range(30)]
    first = client.get(reverse("invoices:list")).context
    assert len(first["invoices"]) == 25
    assert first["next_after"]
    second = client.get(reverse("invoices:list"), {"after": first["next_after"]}).context
    assert len(second["invoices"]) == 5
    assert not second["next_after"]
    shown = {r.number for r in first["invoices"]} | {r.number for r in second["invoices"]}
    assert shown == set(numbers)


def test_detail_shows_fields_with_provenance_findings_sources_and_history(
    client, user, company, saved
):
    login_as(client, user, company, Role.VIEWER)
    response = client.get(reverse("invoices:detail", args=[saved.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    assert saved.number in page
    assert 'data-field="seller.name"' in page
    low = [row for row in response.context["fields"] if row["is_low"]]
    assert [row["path"] for row in low] == ["seller.name"]
    assert "party.test" in page  # the finding the reading carried
    assert "a.xml" in page
    assert "invoice.created" in page
    assert "*经纪代理服务*培训费" in page  # the line


def test_download_is_an_attachment_with_nosniff_and_an_event(client, user, company, saved):
    login_as(client, user, company, Role.VIEWER)
    source = saved.sources.get()
    response = client.get(reverse("invoices:source_download", args=[saved.pk, source.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == XML_BYTES
    event = Event.objects.filter(company=company, action="invoice.downloaded").get()
    assert event.actor_id == user.pk
    assert event.object_id == str(saved.pk)


def test_zip_of_the_filtered_list_holds_every_original(client, user, company, saved):
    login_as(client, user, company, Role.VIEWER)
    response = client.get(reverse("invoices:download_zip"), {"direction": "purchase"})

    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert [archive.read(name) for name in archive.namelist()] == [XML_BYTES]
    assert Event.objects.filter(company=company, action="invoice.downloaded").exists()
    empty = client.get(reverse("invoices:download_zip"), {"direction": "sales"})
    assert zipfile.ZipFile(io.BytesIO(b"".join(empty.streaming_content))).namelist() == []


def test_every_invoice_url_of_another_company_is_404(client, company, saved, other_company):
    outsider = UserFactory()
    login_as(client, outsider, other_company, Role.ADMIN)
    source = saved.sources.get()
    urls = [
        reverse("invoices:detail", args=[saved.pk]),
        reverse("invoices:source_download", args=[saved.pk, source.pk]),
        reverse("invoices:source_preview", args=[saved.pk, source.pk, 1]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    zipped = client.get(reverse("invoices:download_zip"))
    assert zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content))).namelist() == []
    confirm = client.post(
        reverse("invoices:ledger_confirm"),
        {"stored": source.stored_file_id, "direction": "purchase"},
    )
    assert confirm.status_code == 404
    assert not Event.objects.filter(company=company, action="invoice.downloaded").exists()


def test_a_source_of_another_invoice_is_404(client, user, company, saved):
    login_as(client, user, company, Role.VIEWER)
    other = InvoiceRecordFactory(company=company)
    source = saved.sources.get()
    url = reverse("invoices:source_download", args=[other.pk, source.pk])
    assert client.get(url).status_code == 404


def test_pages_need_a_login(client, saved):
    response = client.get(reverse("invoices:detail", args=[saved.pk]))
    assert response.status_code == 302
    assert InvoiceRecord.objects.filter(gross_amount=Decimal("250.00")).exists()
