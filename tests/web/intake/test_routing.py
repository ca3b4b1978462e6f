"""Agency batches routed by tax ID, and the unassigned tray (待分配)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fapiao.web.companies.models import Role
from fapiao.web.intake.models import IntakeBatch, UnassignedInvoice
from fapiao.web.intake.services import IntakeError, UploadFile, intake_upload, unassigned_assign
from fapiao.web.invoices.models import InvoiceRecord
from web.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from web.helpers import login_as
from web.intake.conftest import truth_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(user, company, other_company):
    """A clerk of two client companies."""
    MembershipFactory(user=user, company=company, role=Role.CLERK)
    MembershipFactory(user=user, company=other_company, role=Role.CLERK)
    return user


@pytest.fixture
def routed(agency, company, other_company, corpus, django_capture_on_commit_callbacks):
    """A mixed batch: one invoice bought by company, one sold by other_company, one stranger."""
    bought = truth_with(corpus, 11, buyer_tax_id=company.tax_id)
    sold = truth_with(corpus, 12, seller_tax_id=other_company.tax_id)
    stranger = truth_with(corpus, 13)
    with django_capture_on_commit_callbacks(execute=True):
        batch = intake_upload(
            company=company,
            actor=agency,
            files=[
                UploadFile(f"{t.number}.xml", corpus.einvoice_xml(t))
                for t in (bought, sold, stranger)
            ],
            direction="auto",
            routing="tax_id",
        )
    return batch, bought, sold, stranger


def test_mixed_batch_goes_to_each_client_company_by_tax_id(routed, company, other_company):
    batch, bought, sold, stranger = routed

    assert InvoiceRecord.objects.get(number=bought.number).company == company
    assert InvoiceRecord.objects.get(number=bought.number).direction == "purchase"
    sale = InvoiceRecord.objects.get(number=sold.number)
    assert (sale.company, sale.direction) == (other_company, "sales")
    assert sale.sources.get().stored_file.company == other_company  # stored for that company
    assert not InvoiceRecord.objects.filter(number=stranger.number).exists()
    entry = UnassignedInvoice.objects.get()
    assert entry.invoice["number"] == stranger.number
    assert sum(item.invoices_unassigned for item in batch.items.all()) == 1


def test_tray_shows_the_uploaders_invoices_and_assigns_them(
    client, routed, agency, company, other_company
):
    _, _, _, stranger = routed
    login_as(client, agency, company)
    page = client.get(reverse("intake:tray")).content.decode()
    assert stranger.number in page
    entry = UnassignedInvoice.objects.get()

    response = client.post(
        reverse("intake:tray_assign", args=[entry.pk]),
        {f"e{entry.pk}-company": other_company.pk, f"e{entry.pk}-direction": "purchase"},
    )

    assert response.status_code == 302
    record = InvoiceRecord.objects.get(number=stranger.number)
    assert (record.company, record.direction) == (other_company, "purchase")
    entry.refresh_from_db()
    assert entry.assigned_record == record
    assert stranger.number not in client.get(reverse("intake:tray")).content.decode()


def test_tray_is_private_to_the_uploader(client, routed, company):
    colleague = UserFactory()
    MembershipFactory(user=colleague, company=company, role=Role.CLERK)
    entry = UnassignedInvoice.objects.get()
    login_as(client, colleague, company)

    assert entry.invoice["number"] not in client.get(reverse("intake:tray")).content.decode()
    response = client.post(
        reverse("intake:tray_assign", args=[entry.pk]),
        {f"e{entry.pk}-company": company.pk, f"e{entry.pk}-direction": "purchase"},
    )
    assert response.status_code == 404
    with pytest.raises(IntakeError):
        unassigned_assign(entry=entry, company=company, direction="purchase", actor=colleague)
    assert not InvoiceRecord.objects.filter(number=entry.invoice["number"]).exists()


def test_tray_cannot_assign_to_a_company_the_user_is_not_in(client, routed, agency, company):
    foreign = CompanyFactory()
    entry = UnassignedInvoice.objects.get()
    login_as(client, agency, company)
    client.post(
        reverse("intake:tray_assign", args=[entry.pk]),
        {f"e{entry.pk}-company": foreign.pk, f"e{entry.pk}-direction": "purchase"},
    )
    assert not InvoiceRecord.objects.filter(company=foreign).exists()
    with pytest.raises(IntakeError):
        unassigned_assign(entry=entry, company=foreign, direction="purchase", actor=agency)


def test_upload_page_offers_routing_to_agency_users_only(client, agency, company, user):
    login_as(client, agency, company)
    assert 'value="tax_id"' in client.get(reverse("intake:upload")).content.decode()
    single = UserFactory()
    login_as(client, single, CompanyFactory(), Role.CLERK)
    assert 'value="tax_id"' not in client.get(reverse("intake:upload")).content.decode()


def test_batches_and_progress_of_another_company_are_404(client, routed, other_company):
    batch: IntakeBatch = routed[0]
    outsider = UserFactory()
    login_as(client, outsider, other_company, Role.CLERK)
    for name in ("intake:batch", "intake:batch_progress"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    listing = client.get(reverse("intake:batches")).content.decode()
    assert reverse("intake:batch", args=[batch.pk]) not in listing
