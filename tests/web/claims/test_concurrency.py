"""Concurrent claim and review writers (PostgreSQL): one claim holds an invoice, one approval."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from fapiao.web.claims.models import Claim, ClaimItem, ClaimStatus
from fapiao.web.claims.services import ClaimConflictError, claim_submit
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import ReviewStatus
from fapiao.web.invoices.services_review import invoice_approve
from fapiao.web.invoices.workflow_errors import StatusTransitionError
from web.claims.factories import claim_with
from web.companies.factories import CompanyFactory, MembershipFactory
from web.invoices.factories import InvoiceRecordFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time anyway")


def _run_together(targets: list[Callable[[], Any]]) -> list[BaseException]:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def work(target: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_parallel_submits_of_one_invoice_leave_one_claim_holding_it():
    company = CompanyFactory()
    invoice = InvoiceRecordFactory(company=company)
    claimants = [MembershipFactory(company=company, role=Role.CLERK).user for _ in range(5)]
    claims = [claim_with(company, user, invoice) for user in claimants]

    errors = _run_together(
        [
            (lambda c=claim, u=user: claim_submit(claim=c, actor=u))
            for claim, user in zip(claims, claimants, strict=True)
        ]
    )

    assert len(errors) == 4
    assert all(isinstance(e, ClaimConflictError) for e in errors)
    assert Claim.objects.filter(status=ClaimStatus.SUBMITTED).count() == 1
    assert ClaimItem.objects.filter(invoice=invoice, reserves=True).count() == 1


def test_parallel_approvals_approve_once():
    company = CompanyFactory()
    record = InvoiceRecordFactory(company=company)
    reviewers = [MembershipFactory(company=company, role=Role.REVIEWER).user for _ in range(4)]

    errors = _run_together(
        [(lambda u=user: invoice_approve(record=record, actor=u)) for user in reviewers]
    )

    assert len(errors) == 3
    assert all(isinstance(e, StatusTransitionError) for e in errors)
    record.refresh_from_db()
    assert record.review_status == ReviewStatus.APPROVED
    assert Event.objects.filter(action="invoice.approved").count() == 1
