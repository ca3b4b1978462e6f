"""Status actions on the invoice page: the panel, htmx and plain posts, refusals, roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fapiao.web.companies.models import Role
from fapiao.web.invoices.models import InvoiceRecord, TaxStatus
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, company):
    user = UserFactory()
    login_as(client, user, company, Role.CLERK)
    return user


def test_panel_offers_only_allowed_transitions(client, company, clerk):
    record = InvoiceRecordFactory(company=company, tax_status=TaxStatus.RED_PARTIAL)

    response = client.get(reverse("invoices:status_actions", args=[record.pk]))

    assert response.status_code == 200
    targets = {t.value for t in response.context["tax_targets"]}
    assert targets == {"red_full", "abnormal"}
    assert {t.value for t in response.context["deduction_targets"]} == {
        "selected",
        "not_deductible",
    }


def test_detail_page_includes_the_status_actions(client, company, clerk):
    record = InvoiceRecordFactory(company=company)

    html = client.get(reverse("invoices:detail", args=[record.pk])).content.decode()

    assert reverse("invoices:status_actions", args=[record.pk]) in html


def test_plain_post_changes_status_and_redirects(client, company, clerk):
    record = InvoiceRecordFactory(company=company)
    url = reverse("invoices:status_set", args=[record.pk, "booking"])

    response = client.post(url, {"to": "booked", "voucher_number": "记-12"})

    assert response.status_code == 302
    assert response.url == reverse("invoices:detail", args=[record.pk])
    stored = InvoiceRecord.objects.get(pk=record.pk)
    assert (stored.booking_status, stored.voucher_number) == ("booked", "记-12")


def test_htmx_post_returns_the_panel_with_the_refusal(client, company, clerk):
    record = InvoiceRecordFactory(company=company, tax_status=TaxStatus.VOIDED)
    url = reverse("invoices:status_set", args=[record.pk, "tax"])

    response = client.post(url, {"to": "normal"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert "发票状态不能从“作废”变为“正常”" in html
    assert 'data-status="tax"' in html
    assert InvoiceRecord.objects.get(pk=record.pk).tax_status == TaxStatus.VOIDED


def test_confirm_with_period_through_the_page(client, company, clerk):
    record = InvoiceRecordFactory(company=company, deduction_status="selected")
    url = reverse("invoices:status_set", args=[record.pk, "deduction"])

    client.post(url, {"to": "confirmed", "period": ""})
    assert InvoiceRecord.objects.get(pk=record.pk).deduction_status == "selected"
    client.post(url, {"to": "confirmed", "period": "2025-04"})

    stored = InvoiceRecord.objects.get(pk=record.pk)
    assert (stored.deduction_status, stored.deduction_period) == ("confirmed", "2025-04")


def test_viewers_cannot_change_status(client, company):
    record = InvoiceRecordFactory(company=company)
    login_as(client, UserFactory(), company, Role.VIEWER)

    response = client.post(
        reverse("invoices:status_set", args=[record.pk, "tax"]), {"to": "voided"}
    )

    assert response.status_code == 403
    assert InvoiceRecord.objects.get(pk=record.pk).tax_status == TaxStatus.NORMAL
    panel = client.get(reverse("invoices:status_actions", args=[record.pk]))
    assert panel.status_code == 200
    assert "status_set" not in panel.content.decode()
    assert f"/invoices/{record.pk}/status/tax/" not in panel.content.decode()


def test_unknown_status_kind_is_404(client, company, clerk):
    record = InvoiceRecordFactory(company=company)

    response = client.post(reverse("invoices:status_set", args=[record.pk, "colour"]), {})

    assert response.status_code == 404
