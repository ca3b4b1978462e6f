"""Claim services: workflow, four eyes, and one active claim per invoice (record and identity)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fapiao.web.claims.models import Claim, ClaimItem, ClaimStatus
from fapiao.web.claims.selectors import claim_item_holding, claim_totals, claimable_invoices
from fapiao.web.claims.services import (
    ClaimConflictError,
    claim_approve,
    claim_create,
    claim_invoice_add,
    claim_item_remove,
    claim_pay,
    claim_receipt_add,
    claim_reject,
    claim_return,
    claim_submit,
)
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import Direction, InvoiceRecord, TaxStatus
from fapiao.web.invoices.workflow_errors import (
    NotPermittedError,
    ReasonRequiredError,
    SelfApprovalError,
    StatusTransitionError,
)
from web.claims.factories import claim_with
from web.companies.factories import MembershipFactory, UserFactory
from web.invoices.factories import InvoiceRecordFactory

pytestmark = pytest.mark.django_db


def _member(company, role, **kw):
    return MembershipFactory(company=company, role=role, **kw).user


@pytest.fixture
def alice(company):
    return _member(company, Role.CLERK, user=UserFactory(username="alice", first_name="爱丽丝"))


@pytest.fixture
def bob(company):
    return _member(company, Role.CLERK, user=UserFactory(username="bob"))


@pytest.fixture
def reviewer(company):
    return _member(company, Role.REVIEWER)


@pytest.fixture
def admin(company):
    return _member(company, Role.ADMIN)


@pytest.fixture
def invoice(company):
    return InvoiceRecordFactory(company=company, gross_amount=Decimal("113.00"))


def _paid(company, claimant, invoice, reviewer, admin, title="北京出差"):
    claim = claim_with(company, claimant, invoice, title=title)
    claim_submit(claim=claim, actor=claimant)
    claim_approve(claim=claim, actor=reviewer)
    claim_pay(claim=claim, actor=admin)
    return claim


def test_full_workflow_is_evented(company, alice, reviewer, admin, invoice):
    claim = claim_create(company=company, claimant=alice, title=" 北京 出差 ")
    claim_invoice_add(claim=claim, record=invoice, actor=alice)
    claim_receipt_add(claim=claim, actor=alice, description="出租车票", amount="35.5")
    claim_submit(claim=claim, actor=alice)
    claim_approve(claim=claim, actor=reviewer)
    claim_pay(claim=claim, actor=admin)

    stored = Claim.objects.get(pk=claim.pk)
    assert stored.title == "北京 出差"
    assert stored.status == ClaimStatus.PAID
    assert (stored.approved_by, stored.paid_by) == (reviewer, admin)
    totals = claim_totals(claim=stored)
    assert (totals.invoice_total, totals.receipt_total, totals.total) == (
        Decimal("113.00"),
        Decimal("35.50"),
        Decimal("148.50"),
    )
    actions = list(
        Event.objects.filter(object_type="claims.claim", object_id=str(claim.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "claim.created",
        "claim.item_added",
        "claim.item_added",
        "claim.submitted",
        "claim.approved",
        "claim.paid",
    ]


def test_second_claim_on_a_paid_invoice_is_refused_with_a_pointer(
    company, alice, bob, reviewer, admin, invoice
):
    first = _paid(company, alice, invoice, reviewer, admin)
    second = claim_create(company=company, claimant=bob, title="重复")

    with pytest.raises(ClaimConflictError) as info:
        claim_invoice_add(claim=second, record=invoice, actor=bob)

    error = info.value
    assert error.code == "claim.invoice_already_claimed"
    assert error.claim == first
    assert f"#{first.pk}" in error.message
    assert "北京出差" in error.message
    assert "爱丽丝" in error.message
    assert "已支付" in error.message
    assert f"claim #{first.pk}" in error.message_en
    assert error.values["claimant"] == "爱丽丝"
    assert not ClaimItem.objects.filter(claim=second).exists()


def test_a_submitted_claim_reserves_and_a_rejected_one_releases(
    company, alice, bob, reviewer, invoice
):
    first = claim_with(company, alice, invoice)
    second = claim_with(company, bob, invoice)  # drafts do not reserve
    claim_submit(claim=first, actor=alice)

    with pytest.raises(ClaimConflictError):
        claim_submit(claim=second, actor=bob)
    third = claim_create(company=company, claimant=bob, title="再试")
    with pytest.raises(ClaimConflictError):
        claim_invoice_add(claim=third, record=invoice, actor=bob)
    assert invoice not in claimable_invoices(company=company)

    claim_reject(claim=first, actor=reviewer, reason="不符合差旅标准")

    assert claim_item_holding(company=company, record=invoice) is None
    claim_submit(claim=second, actor=bob)
    assert Claim.objects.get(pk=second.pk).status == ClaimStatus.SUBMITTED


def test_an_approved_claim_still_reserves(company, alice, bob, reviewer, invoice):
    first = claim_with(company, alice, invoice)
    claim_submit(claim=first, actor=alice)
    claim_approve(claim=first, actor=reviewer)

    with pytest.raises(ClaimConflictError) as info:
        claim_invoice_add(
            claim=claim_create(company=company, claimant=bob, title="x"), record=invoice, actor=bob
        )
    assert "已批准" in info.value.message


def test_the_same_identity_on_another_record_is_refused(company, alice, bob, reviewer, admin):
    first = InvoiceRecordFactory(company=company, number="25322000000111111111")
    _paid(company, alice, first, reviewer, admin)
    # The paid record is later re-keyed, and the same invoice comes in again as a new record.
    InvoiceRecord.objects.filter(pk=first.pk).update(
        number="25322000000111111112", identity_key="25322000000111111112"
    )
    again = InvoiceRecordFactory(company=company, number="25322000000111111111")

    with pytest.raises(ClaimConflictError):
        claim_invoice_add(
            claim=claim_create(company=company, claimant=bob, title="x"),
            record=again,
            actor=bob,
        )
    assert again not in claimable_invoices(company=company)


def test_the_database_refuses_a_second_reserving_item(company, alice, bob, invoice):
    first = claim_with(company, alice, invoice)
    claim_submit(claim=first, actor=alice)
    second = claim_create(company=company, claimant=bob, title="x")

    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimItem.objects.create(
            claim=second,
            company=company,
            invoice=invoice,
            invoice_identity=invoice.identity_key,
            amount=Decimal("1"),
            reserves=True,
        )


def test_claimant_cannot_approve_reject_or_pay_their_own_claim(company, invoice):
    boss = _member(company, Role.ADMIN)
    claim = claim_with(company, boss, invoice)
    claim_submit(claim=claim, actor=boss)

    with pytest.raises(SelfApprovalError):
        claim_approve(claim=claim, actor=boss)
    with pytest.raises(SelfApprovalError):
        claim_reject(claim=claim, actor=boss, reason="x")
    claim_approve(claim=claim, actor=_member(company, Role.REVIEWER))
    with pytest.raises(SelfApprovalError):
        claim_pay(claim=claim, actor=boss)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED


def test_roles_for_decisions(company, alice, bob, reviewer, invoice):
    claim = claim_with(company, alice, invoice)
    claim_submit(claim=claim, actor=alice)

    with pytest.raises(NotPermittedError):
        claim_approve(claim=claim, actor=bob)  # a clerk
    claim_approve(claim=claim, actor=reviewer)
    with pytest.raises(NotPermittedError):
        claim_pay(claim=claim, actor=reviewer)  # only admins pay


def test_forbidden_claim_transitions(company, alice, reviewer, admin, invoice):
    claim = claim_with(company, alice, invoice)
    with pytest.raises(StatusTransitionError):
        claim_approve(claim=claim, actor=reviewer)  # a draft is not approved
    claim_submit(claim=claim, actor=alice)
    with pytest.raises(StatusTransitionError):
        claim_pay(claim=claim, actor=admin)  # not yet approved
    claim_approve(claim=claim, actor=reviewer)
    claim_pay(claim=claim, actor=admin)
    with pytest.raises(StatusTransitionError):
        claim_reject(claim=claim, actor=reviewer, reason="晚了")
    with pytest.raises(StatusTransitionError):
        claim_item_remove(item=claim.items.get(), actor=alice)


def test_returned_claim_is_corrected_and_resubmitted(company, alice, reviewer, invoice):
    claim = claim_with(company, alice, invoice)
    claim_receipt_add(claim=claim, actor=alice, description="餐费", amount=Decimal("80"))
    claim_submit(claim=claim, actor=alice)
    with pytest.raises(ReasonRequiredError):
        claim_return(claim=claim, actor=reviewer, reason="")
    claim_return(claim=claim, actor=reviewer, reason="餐费超标")
    assert Claim.objects.get(pk=claim.pk).decision_reason == "餐费超标"

    claim_item_remove(item=claim.items.get(invoice__isnull=True), actor=alice)
    claim_submit(claim=claim, actor=alice)

    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.SUBMITTED
    assert claim_totals(claim=claim).total == Decimal("113.00")


def test_only_the_claimant_edits_and_only_while_editable(company, alice, bob, invoice):
    claim = claim_create(company=company, claimant=alice, title="x")
    with pytest.raises(NotPermittedError):
        claim_invoice_add(claim=claim, record=invoice, actor=bob)
    with pytest.raises(NotPermittedError):
        claim_receipt_add(claim=claim, actor=bob, description="x", amount="1")
    with pytest.raises(ReasonRequiredError):
        claim_submit(claim=claim, actor=alice)  # no items
    viewer = _member(company, Role.VIEWER)
    with pytest.raises(NotPermittedError):
        claim_create(company=company, claimant=viewer, title="x")


def test_receipt_amounts_must_be_positive(company, alice):
    claim = claim_create(company=company, claimant=alice, title="x")
    for amount in ("0", "-5", "abc"):
        with pytest.raises(ReasonRequiredError):
            claim_receipt_add(claim=claim, actor=alice, description="x", amount=amount)


def test_voided_and_foreign_invoices_cannot_be_claimed(company, other_company, alice):
    claim = claim_create(company=company, claimant=alice, title="x")
    voided = InvoiceRecordFactory(company=company, tax_status=TaxStatus.VOIDED)
    foreign = InvoiceRecordFactory(company=other_company)

    with pytest.raises(StatusTransitionError):
        claim_invoice_add(claim=claim, record=voided, actor=alice)
    with pytest.raises(NotPermittedError):
        claim_invoice_add(claim=claim, record=foreign, actor=alice)
    assert voided not in claimable_invoices(company=company)


def test_the_same_invoice_twice_on_one_claim_is_refused(company, alice, invoice):
    claim = claim_with(company, alice, invoice)

    with pytest.raises(StatusTransitionError):
        claim_invoice_add(claim=claim, record=invoice, actor=alice)


def test_sales_and_red_invoices_cannot_be_claimed(company, alice):
    claim = claim_create(company=company, claimant=alice, title="x")
    sale = InvoiceRecordFactory(company=company, direction=Direction.SALES)
    red = InvoiceRecordFactory(
        company=company,
        is_red=True,
        net_amount=Decimal("-100.00"),
        tax_amount=Decimal("-13.00"),
        gross_amount=Decimal("-113.00"),
    )

    for record in (sale, red):
        with pytest.raises(StatusTransitionError):
            claim_invoice_add(claim=claim, record=record, actor=alice)
        assert record not in claimable_invoices(company=company)
    assert not claim.items.exists()
