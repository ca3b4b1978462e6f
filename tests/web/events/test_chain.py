"""The hash chain of the event table, checked by ``fapiao audit verify`` after raw-SQL tampering."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.core.audit.chain import EDITED, GENESIS_HASH, INSERTED, MISSING, REORDERED
from fapiao.web.events.chain import chain_verify, chain_verify_all, event_hash
from fapiao.web.events.models import Event
from fapiao.web.events.services import event_record
from web.events.tamper import audit_verify as _verify
from web.events.tamper import tamper_sql as _sql

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _trail(company: Any, user: Any, count: int = 6) -> list[Event]:
    return [
        event_record(
            company=company,
            actor=user,
            action=f"test.step{n}",
            obj=company,
            before={"n": n - 1, "amount": "100.10"} if n else None,
            after={"n": n, "note": "发票 <b>", "ratio": 0.5},
            ip="2001:db8::1" if n % 2 else "192.0.2.9",
        )
        for n in range(count)
    ]


def test_a_clean_trail_verifies_on_every_chain(company, other_company, user):
    _trail(company, user)
    _trail(other_company, user, 3)
    event_record(company=None, actor=user, action="system.x", obj=None, before=None, after=None)
    first = Event.objects.get(company=company, seq=1)
    assert first.prev_hash == GENESIS_HASH
    assert Event.objects.get(company=company, seq=2).prev_hash == first.hash
    results = chain_verify_all()
    assert {k: (v.ok, v.checked) for k, v in results.items()} == {
        "system": (True, 1),
        str(company.pk): (True, 6),
        str(other_company.pk): (True, 3),
    }
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "TAMPERED" not in result.output


def test_an_edited_row_is_named(company, user):
    _trail(company, user)
    _sql(
        "UPDATE events_event SET after = %s WHERE company_id = %s AND seq = 3",
        ['{"n": 2, "note": "改过", "ratio": 0.5}', company.pk],
    )
    result = _verify(company)
    assert result.exit_code == 1
    assert "#3" in result.output
    assert EDITED in result.output
    assert chain_verify(company.pk).problem.seq == 3


def test_an_edited_actor_or_time_is_caught(company, user, other_company):
    _trail(company, user)
    _sql(
        "UPDATE events_event SET created_at = %s WHERE company_id = %s AND seq = 5",
        [timezone.now(), company.pk],
    )
    problem = chain_verify(company.pk).problem
    assert (problem.code, problem.seq) == (EDITED, 5)


def test_a_deleted_row_is_named(company, user):
    _trail(company, user)
    _sql("DELETE FROM events_event WHERE company_id = %s AND seq = 4", [company.pk])
    result = _verify(company)
    assert result.exit_code == 1
    assert "#4" in result.output
    assert MISSING in result.output


def test_an_inserted_row_with_a_recomputed_hash_breaks_the_chain_right_after_it(company, user):
    """Without a chain key the forged row itself verifies; the renumbered row after it cannot."""
    _trail(company, user)
    for shift in ("seq + 1000", "seq - 999"):  # two steps: the unique (company, seq) holds
        _sql(
            f"UPDATE events_event SET seq = {shift} WHERE company_id = %s AND seq >= 3",
            [company.pk],
        )
    prev = Event.objects.get(company=company, seq=2)
    row = {
        "seq": 3,
        "company_id": company.pk,
        "created_at": timezone.now(),
        "actor_id": user.pk,
        "action": "test.forged",
        "object_type": "",
        "object_id": "",
        "before": None,
        "after": {"paid": "9999.00"},
        "ip": None,
    }
    Event.objects.create(**row, prev_hash=prev.hash, hash=event_hash(row, prev.hash))
    result = _verify(company)
    assert result.exit_code == 1
    assert "#4" in result.output
    assert chain_verify(company.pk).problem.seq == 4


def test_a_row_copied_in_from_another_chain_is_named(company, other_company, user):
    _trail(company, user, 3)
    _trail(other_company, user, 3)
    _sql("DELETE FROM events_event WHERE company_id = %s AND seq = 3", [company.pk])
    _sql(
        "INSERT INTO events_event (company_id, seq, actor_id, action, object_type, object_id, "
        "before, after, ip, created_at, prev_hash, hash) SELECT %s, 3, actor_id, action, "
        "object_type, object_id, before, after, ip, created_at, prev_hash, hash "
        "FROM events_event WHERE company_id = %s AND seq = 3",
        [company.pk, other_company.pk],
    )
    problem = chain_verify(company.pk).problem
    assert problem.seq == 3
    assert problem.code in {INSERTED, EDITED}


def test_reordered_rows_are_named(company, user):
    _trail(company, user)
    _sql(
        "UPDATE events_event SET seq = CASE seq WHEN 2 THEN 1000 WHEN 3 THEN 2 END "
        "WHERE company_id = %s AND seq IN (2, 3)",
        [company.pk],
    )
    _sql("UPDATE events_event SET seq = 3 WHERE company_id = %s AND seq = 1000", [company.pk])
    result = _verify(company)
    assert result.exit_code == 1
    assert "#2" in result.output
    assert REORDERED in result.output


def test_tampering_in_one_company_leaves_the_others_intact(company, other_company, user):
    _trail(company, user)
    _trail(other_company, user)
    _sql("DELETE FROM events_event WHERE company_id = %s AND seq = 1", [company.pk])
    results = chain_verify_all()
    assert not results[str(company.pk)].ok
    assert results[str(other_company.pk)].ok
    assert _verify(other_company).exit_code == 0


def test_ten_thousand_events_verify_quickly(company, user):
    rows, prev = [], GENESIS_HASH
    start = timezone.now()
    for seq in range(1, 10_001):
        row = {
            "seq": seq,
            "company_id": company.pk,
            "created_at": start,
            "actor_id": user.pk,
            "action": "invoice.updated",
            "object_type": "invoices.invoicerecord",
            "object_id": str(seq),
            "before": {"net_amount": "100.00"},
            "after": {"net_amount": f"{seq}.00"},
            "ip": "192.0.2.1",
        }
        digest = event_hash(row, prev)
        rows.append(Event(**row, prev_hash=prev, hash=digest))
        prev = digest
    Event.objects.bulk_create(rows, batch_size=2000)
    began = time.process_time()  # CPU time: stable on a loaded machine
    result = chain_verify(company.pk)
    elapsed = time.process_time() - began
    print(f"verified {result.checked} events in {elapsed:.2f} s on {connection.vendor}")
    assert result.ok
    assert result.checked == 10_000
    assert elapsed < 10
