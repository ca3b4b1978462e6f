"""Claim pages: create, pick invoices, totals, decisions, refusals shown, company scoping."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fapiao.web.claims.models import Claim, ClaimItem, ClaimStatus
from fapiao.web.claims.services import claim_approve, claim_pay, claim_submit
from fapiao.web.companies.models import Role
from web.claims.factories import claim_with
from web.companies.factories import MembershipFactory, UserFactory
from web.helpers import index_company, login_as
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, company):
    user = UserFactory(username="clerk-claimant")
    login_as(client, user, company, Role.CLERK)
    return user


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_create_claim_add_invoice_and_receipt_and_see_totals(client, company, clerk):
    invoice = InvoiceRecordFactory(company=company, gross_amount=Decimal("113.00"))

    response = client.post(reverse("claims:new"), {"title": "上海出差", "note": ""})
    claim = Claim.objects.get(title="上海出差")
    assert response.url == reverse("claims:detail", args=[claim.pk])
    client.post(reverse("claims:add_invoice", args=[claim.pk]), {"invoice": invoice.pk})
    client.post(
        reverse("claims:add_receipt", args=[claim.pk]),
        {
            "description": "地铁票",
            "amount": "6.00",
            "file": SimpleUploadedFile("ticket.jpg", b"\xff\xd8\xff fake", "image/jpeg"),
        },
    )
    page = client.get(reverse("claims:detail", args=[claim.pk]))

    totals = page.context["totals"]
    assert (totals.invoice_total, totals.receipt_total, totals.total) == (
        Decimal("113.00"),
        Decimal("6.00"),
        Decimal("119.00"),
    )
    assert claim.items.get(invoice__isnull=True).stored_file.original_name == "ticket.jpg"
    assert 'data-total="all">119.00<' in page.content.decode()

    client.post(reverse("claims:action", args=[claim.pk, "submit"]))
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED


def test_picker_searches_and_hides_held_invoices(client, company, clerk):
    held = InvoiceRecordFactory(company=company, seller_name="北京华医网科技")
    free = InvoiceRecordFactory(company=company, seller_name="北京华医网科技")
    other = InvoiceRecordFactory(company=company, seller_name="重庆火锅店")
    owner = MembershipFactory(company=company, role=Role.CLERK).user
    claim_submit(claim=claim_with(company, owner, held), actor=owner)
    mine = claim_with(company, clerk)
    index_company(company)

    response = client.get(reverse("claims:picker", args=[mine.pk]), {"q": "华医"})

    assert [r.pk for r in response.context["candidates"]] == [free.pk]
    assert other.pk not in [r.pk for r in response.context["candidates"]]


def test_second_claim_on_a_paid_invoice_shows_the_pointer(client, company, clerk):
    invoice = InvoiceRecordFactory(company=company)
    first_owner = MembershipFactory(company=company, role=Role.CLERK).user
    first = claim_with(company, first_owner, invoice, title="第一张报销单")
    claim_submit(claim=first, actor=first_owner)
    claim_approve(claim=first, actor=MembershipFactory(company=company, role=Role.REVIEWER).user)
    claim_pay(claim=first, actor=MembershipFactory(company=company, role=Role.ADMIN).user)
    second = claim_with(company, clerk, title="第二张")

    response = client.post(
        reverse("claims:add_invoice", args=[second.pk]), {"invoice": invoice.pk}, follow=True
    )

    [text] = [m for m in _messages(response) if "不能重复报销" in m]
    assert f"#{first.pk}" in text
    assert "第一张报销单" in text
    assert first_owner.get_username() in text
    assert not ClaimItem.objects.filter(claim=second).exists()


def test_claimant_cannot_approve_own_claim_through_the_page(client, company):
    boss = UserFactory()
    login_as(client, boss, company, Role.ADMIN)
    claim = claim_with(company, boss, InvoiceRecordFactory(company=company))
    claim_submit(claim=claim, actor=boss)

    page = client.get(reverse("claims:detail", args=[claim.pk]))
    assert not page.context["can_decide"]
    response = client.post(reverse("claims:action", args=[claim.pk, "approve"]), follow=True)

    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED
    assert any("自己的报销单" in m for m in _messages(response))


def test_reviewer_approves_then_admin_pays_then_reject_is_refused(client, company, clerk):
    claim = claim_with(company, clerk, InvoiceRecordFactory(company=company))
    claim_submit(claim=claim, actor=clerk)

    login_as(client, UserFactory(), company, Role.REVIEWER)
    assert client.get(reverse("claims:list"), {"scope": "decide"}).context["claims"][0] == claim
    client.post(reverse("claims:action", args=[claim.pk, "approve"]))
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED
    client.post(reverse("claims:action", args=[claim.pk, "pay"]))
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED  # reviewers do not pay

    login_as(client, UserFactory(), company, Role.ADMIN)
    client.post(reverse("claims:action", args=[claim.pk, "pay"]))
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.PAID
    client.post(reverse("claims:action", args=[claim.pk, "reject"]), {"reason": "x"})
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.PAID


def test_reject_through_the_page_releases_the_invoice(client, company, clerk):
    invoice = InvoiceRecordFactory(company=company)
    claim = claim_with(company, clerk, invoice)
    claim_submit(claim=claim, actor=clerk)
    login_as(client, UserFactory(), company, Role.REVIEWER)

    client.post(reverse("claims:action", args=[claim.pk, "reject"]), {"reason": ""})
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED
    client.post(reverse("claims:action", args=[claim.pk, "reject"]), {"reason": "重复"})

    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.REJECTED
    assert not ClaimItem.objects.filter(invoice=invoice, reserves=True).exists()


def test_another_companys_claims_and_invoices_are_404(client, company, other_company, clerk):
    stranger = MembershipFactory(company=other_company, role=Role.CLERK).user
    foreign_invoice = InvoiceRecordFactory(company=other_company)
    foreign = claim_with(other_company, stranger, foreign_invoice)
    mine = claim_with(company, clerk)

    for name in ("claims:detail", "claims:picker"):
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    for action in ("submit", "approve", "reject", "return", "pay"):
        url = reverse("claims:action", args=[foreign.pk, action])
        assert client.post(url, {"reason": "x"}).status_code == 404
    url = reverse("claims:add_invoice", args=[mine.pk])
    assert client.post(url, {"invoice": foreign_invoice.pk}).status_code == 404
    item = foreign.items.get()
    assert client.post(reverse("claims:remove_item", args=[foreign.pk, item.pk])).status_code == 404
    assert not ClaimItem.objects.filter(claim=mine).exists()
    assert Claim.objects.get(pk=foreign.pk).status == ClaimStatus.DRAFT
    listed = client.get(reverse("claims:list"), {"scope": "all"}).context["claims"]
    assert foreign not in listed


def test_a_clerk_sees_only_their_own_claims(client, company, clerk):
    colleague = MembershipFactory(company=company, role=Role.CLERK).user
    theirs = claim_with(company, colleague)

    assert client.get(reverse("claims:detail", args=[theirs.pk])).status_code == 404
    assert list(client.get(reverse("claims:list"), {"scope": "all"}).context["claims"]) == []


def test_viewers_cannot_create_claims(client, company):
    login_as(client, UserFactory(), company, Role.VIEWER)

    assert client.post(reverse("claims:new"), {"title": "x"}).status_code == 403
    assert not Claim.objects.exists()
