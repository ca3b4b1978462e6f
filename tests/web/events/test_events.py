"""The event table: per-company sequences, JSON payloads, append-only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fapiao.web.events.models import Event
from fapiao.web.events.selectors import event_list
from fapiao.web.events.services import event_record
from web.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _record(company, action="test.done", obj=None, **kw):
    return event_record(
        company=company, actor=None, action=action, obj=obj, before=None, after=None, **kw
    )


def test_sequence_is_per_company_and_gap_free(company, other_company):
    seqs = [
        _record(company).seq,
        _record(company).seq,
        _record(other_company).seq,
        _record(company).seq,
        _record(None).seq,
        _record(None).seq,
    ]
    assert seqs == [1, 2, 1, 3, 1, 2]


def test_before_and_after_are_stored_as_json_text(company, user):
    event = event_record(
        company=company,
        actor=user,
        action="invoice.merged",
        obj=company,
        before={"net_amount": Decimal("100.10"), "issue_date": dt.date(2025, 1, 31)},
        after={"net_amount": Decimal("1000.10"), "kind": None},
        ip="192.0.2.7",
    )
    event = Event.objects.get(pk=event.pk)
    assert event.before == {"net_amount": "100.10", "issue_date": "2025-01-31"}
    assert event.after == {"net_amount": "1000.10", "kind": None}
    assert (event.object_type, event.object_id) == ("companies.company", str(company.pk))
    assert event.actor_id == user.pk
    assert event.ip == "192.0.2.7"


def test_company_and_seq_are_unique(company):
    EventFactory(company=company, seq=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(company=company, seq=5)


def test_system_events_have_their_own_unique_sequence():
    EventFactory(company=None, seq=1, object_id="")
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(company=None, seq=1, object_id="")


def test_events_cannot_be_updated(company):
    event = _record(company)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(action="tampered")
    assert Event.objects.get(pk=event.pk).action == "test.done"


def test_empty_action_is_refused(company):
    with pytest.raises(ValueError, match="action"):
        _record(company, action="")
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(company=company, action="")


def test_event_list_is_company_scoped_and_filters_by_object(company, other_company):
    _record(company, obj=company)
    _record(company, action="other.thing")
    _record(other_company, obj=other_company)
    assert [e.action for e in event_list(company=company)] == ["test.done", "other.thing"]
    assert [e.seq for e in event_list(company=company, obj=company)] == [1]
    assert list(event_list(company=company, obj=other_company)) == []
