"""The audit trail page: admins and auditors only, filters, Excel export, chain status, scoping."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fapiao.web.events.models import Event
from fapiao.web.events.services import event_record
from web.companies.factories import UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db


def _event(company, actor, action, **after):
    return event_record(
        company=company, actor=actor, action=action, obj=None, before=None, after=after
    )


@pytest.fixture
def trail(company, other_company, user):
    _event(company, user, "invoice.approved", note="批准 <script>alert(1)</script>")
    _event(company, None, "key.created")
    _event(other_company, user, "invoice.approved", note="OTHER-COMPANY-SECRET")


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("viewer", 200), ("clerk", 403)])
def test_only_admins_and_auditors_see_the_trail(client, company, trail, role, status):
    login_as(client, UserFactory(), company, role)
    assert client.get(reverse("events:list")).status_code == status
    assert client.get(reverse("events:export")).status_code == status
    assert client.get(reverse("events:verify")).status_code == status


def test_the_trail_shows_only_the_current_company_escaped(client, company, trail):
    login_as(client, UserFactory(), company, "viewer")
    page = client.get(reverse("events:list")).content.decode()
    assert "invoice.approved" in page
    assert "key.created" in page
    assert "OTHER-COMPANY-SECRET" not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_filters_narrow_the_trail(client, company, trail, user):
    login_as(client, UserFactory(), company, "admin")
    page = client.get(reverse("events:list"), {"action": "key."}).content.decode()
    assert "<td><code>key.created" in page
    assert "<td><code>invoice.approved" not in page
    page = client.get(reverse("events:list"), {"actor": user.username}).content.decode()
    assert "<td><code>invoice.approved" in page
    assert "<td><code>key.created" not in page
    bad = client.get(reverse("events:list"), {"since": "not a date", "ip": "' OR 1=1 --"})
    assert bad.status_code == 200


def test_export_is_the_filtered_trail_and_is_recorded(client, company, trail):
    admin = UserFactory()
    login_as(client, admin, company, "admin")
    response = client.get(reverse("events:export"), {"action": "invoice."})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    text = str(book.get_sheet_by_index(0).to_python())
    assert "invoice.approved" in text
    assert "key.created" not in text
    assert "OTHER-COMPANY-SECRET" not in text
    export = Event.objects.filter(company=company, action="export.created").get()
    assert export.actor_id == admin.pk
    assert export.after["filters"] == {"action": "invoice."}


def test_the_verify_page_reports_the_chain(client, company, trail):
    login_as(client, UserFactory(), company, "admin")
    page = client.get(reverse("events:verify")).content.decode()
    assert 'data-chain="ok"' in page
