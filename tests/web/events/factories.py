"""Factories for events (tests that need rows without going through a service)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from fapiao.web.events.models import Event
from web.companies.factories import CompanyFactory


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    company = factory.SubFactory(CompanyFactory)
    seq = factory.Sequence(lambda n: n + 1)
    action = "test.happened"
    object_type = "companies.company"
    object_id = factory.LazyAttribute(lambda o: str(o.company.pk))
