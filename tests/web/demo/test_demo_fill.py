"""demo_fill on the database: realistic, consistent, idempotent (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from fapiao.core.findings import Severity
from fapiao.core.parsing.api import parse_bytes
from fapiao.core.rules.base import RuleContext, check
from fapiao.web.claims.models import Claim, ClaimStatus
from fapiao.web.companies.models import Company, Membership, Role
from fapiao.web.demo.people import DEMO_USERS, demo_company_ensure
from fapiao.web.demo.services import demo_fill
from fapiao.web.events.models import Event
from fapiao.web.feedback.models import Feedback
from fapiao.web.invoices.conversion import invoice_to_core
from fapiao.web.invoices.models import (
    DeductionStatus,
    InvoiceRecord,
    InvoiceSource,
    ReviewStatus,
    StoredFile,
    TaxStatus,
)
from fapiao.web.invoices.originals import original_bytes
from fapiao.web.reconciliation.models import ReconciliationResult, ReconciliationRun
from fapiao.web.search.models import SearchEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _snapshot() -> dict[str, int]:
    models = (
        InvoiceRecord, StoredFile, InvoiceSource, Event, Claim, Feedback, ReconciliationRun,
        ReconciliationResult, Membership, Company, get_user_model(),
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_demo_fill_makes_a_company_alive_and_consistent():
    company, created = demo_company_ensure()
    assert created

    summary = demo_fill(company=company, size=60, seed=3)

    records = list(InvoiceRecord.objects.filter(company=company).prefetch_related("lines"))
    assert len(records) == summary.created == 60
    directions = Counter(r.direction for r in records)
    assert directions["purchase"] > directions["sales"] > 0
    review = Counter(r.review_status for r in records)
    assert review[ReviewStatus.APPROVED] > len(records) / 2
    assert review[ReviewStatus.PENDING] > 0
    assert Counter(r.is_red for r in records)[True] == 1
    assert TaxStatus.RED_FULL in {r.tax_status for r in records}
    purchases = [r for r in records if r.direction == "purchase"]
    assert {r.deduction_status for r in purchases} >= {
        DeductionStatus.CONFIRMED,
        DeductionStatus.UNSELECTED,
    }
    assert {r.booking_status for r in records} == {"booked", "unbooked"}
    for record in records:
        if record.review_status == ReviewStatus.APPROVED:
            assert record.approved_by_id is not None
            assert record.approved_by_id != record.created_by_id
        # every invoice has its original file, which parses back to the same key fields
        source = record.sources.select_related("stored_file").get()
        parsed = parse_bytes(original_bytes(source.stored_file), filename="x.xml").invoices[0]
        assert parsed.invoice.identity == invoice_to_core(record).identity
        assert parsed.invoice.gross_amount == record.gross_amount
        assert parsed.invoice.issue_date == record.issue_date
        assert parsed.invoice.seller.tax_id == record.seller_tax_id
        # amounts, identifiers and parties are internally consistent
        core = invoice_to_core(record)
        errors = [
            f.code
            for f in check(core, RuleContext(company_tax_id=company.tax_id))
            if f.severity is Severity.ERROR
        ]
        assert errors == [], (record.identity_key, errors)
        assert record.lines.count() >= 1
    assert StoredFile.objects.filter(company=company).count() >= 60
    assert SearchEntry.objects.filter(company=company).count() == 60

    run = ReconciliationRun.objects.get(company=company, pk=summary.reconciliation_run)
    categories = set(run.results.values_list("category", flat=True))
    assert categories - {"MATCHED"}
    assert len(summary.export_injected) == 7

    claims = Counter(Claim.objects.filter(company=company).values_list("status", flat=True))
    assert set(claims) == set(ClaimStatus.values)
    assert Feedback.objects.filter(company=company).count() == 4

    for spec in DEMO_USERS:
        credential = summary.users[spec.key]
        user = get_user_model().objects.get(username=spec.email)
        assert credential.password is not None
        assert user.check_password(credential.password)
        assert user.is_active
        assert user.profile.is_email_verified
        assert Membership.objects.get(user=user, company=company).role == spec.role
    agency = get_user_model().objects.get(username="demo-agency@example.com")
    assert Membership.objects.filter(user=agency).count() == 2
    assert set(Membership.objects.filter(company=company).values_list("role", flat=True)) == set(
        Role.values
    )


def test_demo_fill_twice_adds_nothing():
    company, _ = demo_company_ensure(tax_id="91310115MA9NTDRLFL")
    first = demo_fill(company=company, size=12, seed=5)
    before = _snapshot()

    again = demo_fill(company=company, size=12, seed=5)

    assert _snapshot() == before
    assert again.created == 0
    assert again.existing == 12
    assert again.anchor == first.anchor
    assert all(c.password is None for c in again.users.values())
    assert again.counts() == first.counts()


def _events(record: InvoiceRecord) -> list[tuple[str, object, object]]:
    rows = Event.objects.filter(
        company=record.company, object_type="invoices.invoicerecord", object_id=str(record.pk)
    ).order_by("seq")
    return [(e.action, e.before, e.after) for e in rows]


def test_the_bulk_writer_writes_what_the_services_write():
    """Each batch is written at once: the chain must verify, and each status event must read as
    the one the status service writes for the same change."""
    from fapiao.web.events.chain import chain_verify
    from fapiao.web.invoices.models import BookingStatus, Direction, InvoiceKind
    from fapiao.web.invoices.services_review import invoice_approve
    from fapiao.web.invoices.services_status import (
        invoice_booking_status_set,
        invoice_deduction_status_set,
    )

    company, _ = demo_company_ensure()
    summary = demo_fill(company=company, size=300, seed=4)

    assert chain_verify(company.pk).ok
    records = InvoiceRecord.objects.filter(company=company)
    assert Event.objects.filter(company=company, action="invoice.created").count() == 300
    stored = Event.objects.filter(company=company, action="file.stored").count()
    assert stored == StoredFile.objects.filter(company=company).count() == 301  # and the export
    booked = records.filter(
        direction=Direction.PURCHASE,
        kind=InvoiceKind.DIGITAL_SPECIAL,
        deduction_status=DeductionStatus.CONFIRMED,
        booking_status=BookingStatus.BOOKED,
    ).first()
    assert booked is not None
    actions = [action for action, _, _ in _events(booked)]
    assert actions == [
        "invoice.created",
        "invoice.approved",
        "invoice.deduction_status_changed",
        "invoice.deduction_status_changed",
        "invoice.booking_status_changed",
    ]
    # the same changes through the services, on a record that waits for review
    waiting = records.filter(review_status=ReviewStatus.PENDING).first()
    assert waiting is not None
    users = summary.users
    InvoiceRecord.objects.filter(pk=waiting.pk).update(
        direction=Direction.PURCHASE, kind=InvoiceKind.DIGITAL_SPECIAL
    )
    waiting.refresh_from_db()
    approver = users["admin"].user if waiting.created_by_id == users["reviewer"].user.pk else None
    approver = approver or users["reviewer"].user
    invoice_approve(record=waiting, actor=approver)
    clerk = users["clerk"].user
    invoice_deduction_status_set(record=waiting, to=DeductionStatus.SELECTED, actor=clerk)
    invoice_deduction_status_set(
        record=waiting, to=DeductionStatus.CONFIRMED, actor=clerk, period=booked.deduction_period
    )
    invoice_booking_status_set(
        record=waiting, to=BookingStatus.BOOKED, actor=clerk, voucher_number=booked.voucher_number
    )
    assert _events(waiting)[1:] == _events(booked)[1:]
    assert chain_verify(company.pk).ok
