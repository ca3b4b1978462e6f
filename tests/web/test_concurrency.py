"""Concurrent writers (PostgreSQL): one record per identity, gap-free event sequences."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from fapiao.web.events.models import Event
from fapiao.web.events.services import event_record
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.services import invoice_save_parsed
from web.companies.factories import CompanyFactory
from web.invoices.factories import reading

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(target: Callable[[], Any], count: int = 6) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time anyway")


def test_parallel_saves_of_one_invoice_make_one_record():
    company = CompanyFactory()
    results: list[bool] = []

    def save() -> None:
        _, created = invoice_save_parsed(
            company=company, direction="purchase", invoice=reading(), actor=None
        )
        results.append(created)

    assert _run_together(save) == []
    assert sorted(results) == [False] * 5 + [True]
    assert InvoiceRecord.objects.filter(company=company).count() == 1
    assert list(Event.objects.filter(company=company).values_list("seq", flat=True)) == [1]


def test_parallel_events_get_gap_free_sequences():
    company = CompanyFactory()

    def record() -> None:
        event_record(company=company, actor=None, action="t", obj=None, before=None, after=None)
        event_record(company=None, actor=None, action="t", obj=None, before=None, after=None)

    assert _run_together(record) == []
    assert sorted(Event.objects.filter(company=company).values_list("seq", flat=True)) == list(
        range(1, 7)
    )
    system = Event.objects.filter(company__isnull=True).values_list("seq", flat=True)
    assert sorted(system) == list(range(1, 7))
