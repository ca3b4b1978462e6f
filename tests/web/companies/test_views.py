"""Company pages: list, switch, create, settings, members and roles, bulk assignment.

Company scoping: a user never reaches another company through these URLs.
"""

from __future__ import annotations

import pytest
from django.test import Client

from fapiao.web.companies import services
from fapiao.web.companies.models import Company, Membership, Role
from fapiao.web.events.models import Event
from web.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db


def test_company_list_shows_only_own_companies(client: Client):
    mine, theirs = CompanyFactory(name="我的公司"), CompanyFactory(name="别人的公司")
    user = UserFactory()
    login_as(client, user, mine, role="clerk")
    html = client.get("/companies/").content.decode()
    assert "我的公司" in html
    assert "别人的公司" not in html
    assert theirs.tax_id not in html


def test_switch_to_own_company_and_refuse_foreign(client: Client):
    first, second, foreign = CompanyFactory(), CompanyFactory(), CompanyFactory()
    user = UserFactory()
    MembershipFactory(user=user, company=second, role=Role.VIEWER)
    login_as(client, user, first, role="clerk")
    response = client.post("/companies/switch/", {"company": second.pk, "next": "/companies/"})
    assert response.headers["Location"] == "/companies/"
    assert client.session["company_id"] == second.pk
    assert client.post("/companies/switch/", {"company": foreign.pk}).status_code == 404
    assert client.session["company_id"] == second.pk
    assert client.post("/companies/switch/", {"company": "x"}).status_code == 404
    external = client.post("/companies/switch/", {"company": first.pk, "next": "https://evil.cn/"})
    assert external.headers["Location"] == "/"


def test_foreign_company_id_in_session_is_ignored(client: Client):
    mine, foreign = CompanyFactory(name="我的公司"), CompanyFactory(name="别人的公司")
    user = UserFactory()
    login_as(client, user, mine, role="clerk")
    session = client.session
    session["company_id"] = foreign.pk
    session.save()
    response = client.get("/")
    assert response.context["current_company"] == mine
    assert "别人的公司" not in response.content.decode()


def test_create_company_makes_creator_admin(client: Client):
    user = UserFactory()
    login_as(client, user)
    response = client.post(
        "/companies/new/",
        {"name": "上海新公司有限公司", "tax_id": "91310000MA1FL8KQ3E", "taxpayer_type": "general"},
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    company = Company.objects.get(tax_id="91310000MA1FL8KQ3E")
    assert Membership.objects.get(user=user, company=company).role == Role.ADMIN
    assert client.session["company_id"] == company.pk


def test_create_company_rejects_bad_tax_id(client: Client):
    login_as(client, UserFactory())
    response = client.post(
        "/companies/new/",
        {"name": "坏公司", "tax_id": "91310000MA1FL8KQ3X", "taxpayer_type": "general"},
    )
    assert "tax_id" in response.context["form"].errors
    assert not Company.objects.filter(name="坏公司").exists()


@pytest.mark.parametrize(
    "url", ["/companies/settings/", "/companies/members/", "/companies/members/bulk/"]
)
@pytest.mark.parametrize("role", ["clerk", "reviewer", "viewer"])
def test_admin_pages_refuse_other_roles(client: Client, url: str, role: str):
    login_as(client, UserFactory(), CompanyFactory(), role=role)
    assert client.get(url).status_code == 403


def test_settings_change_name_and_preferences_but_not_tax_id(client: Client):
    company = CompanyFactory(name="旧名称")
    user = UserFactory()
    login_as(client, user, company, role="admin")
    response = client.post(
        "/companies/settings/",
        {
            "name": "新名称",
            "taxpayer_type": "small_scale",
            "large_invoice_threshold": "50000",
            "deduction_reminder_days": "20",
            "require_dual_review": "on",
            "tax_id": "91110000000000000X",
        },
    )
    assert response.status_code == 302
    before_tax_id = company.tax_id
    company.refresh_from_db()
    assert company.name == "新名称"
    assert company.tax_id == before_tax_id
    assert company.taxpayer_type == "small_scale"
    assert company.preferences["large_invoice_threshold"] == "50000.00"
    event = Event.objects.get(company=company, action="company.updated")
    assert event.before["name"] == "旧名称"
    assert event.after["name"] == "新名称"


def test_members_add_change_remove_with_events(client: Client):
    company = CompanyFactory()
    admin = UserFactory()
    colleague = UserFactory(email="wang@example.cn")
    login_as(client, admin, company, role="admin")
    response = client.post("/companies/members/", {"email": "WANG@example.cn", "role": "clerk"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=colleague, company=company)
    assert membership.role == Role.CLERK
    client.post(f"/companies/members/{membership.pk}/role/", {"role": "reviewer"})
    membership.refresh_from_db()
    assert membership.role == Role.REVIEWER
    client.post(f"/companies/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = list(
        Event.objects.filter(company=company, object_type="companies.membership")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["membership.granted", "membership.role_changed", "membership.revoked"]
    unknown = client.post("/companies/members/", {"email": "nobody@example.cn", "role": "clerk"})
    assert "email" in unknown.context["form"].errors


def test_last_admin_cannot_be_demoted_or_removed(client: Client):
    company = CompanyFactory()
    admin = UserFactory()
    login_as(client, admin, company, role="admin")
    own = Membership.objects.get(user=admin, company=company)
    client.post(f"/companies/members/{own.pk}/role/", {"role": "viewer"})
    client.post(f"/companies/members/{own.pk}/remove/")
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_members_of_another_company_are_404(client: Client):
    mine, foreign = CompanyFactory(), CompanyFactory()
    stranger = MembershipFactory(company=foreign, role=Role.CLERK)
    login_as(client, UserFactory(), mine, role="admin")
    assert (
        client.post(f"/companies/members/{stranger.pk}/role/", {"role": "admin"}).status_code == 404
    )
    assert client.post(f"/companies/members/{stranger.pk}/remove/").status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == Role.CLERK
    assert foreign.name not in client.get("/companies/members/").content.decode()


def test_bulk_assignment_only_to_administered_companies(client: Client):
    agency_admin = UserFactory()
    clients = [CompanyFactory() for _ in range(3)]
    foreign = CompanyFactory()
    staff = UserFactory(email="staff@agency.cn")
    for company in clients:
        MembershipFactory(user=agency_admin, company=company, role=Role.ADMIN)
    login_as(client, agency_admin, clients[0], role="admin")
    response = client.post(
        "/companies/members/bulk/",
        {"email": "staff@agency.cn", "role": "clerk", "companies": [c.pk for c in clients]},
    )
    assert response.status_code == 302
    assert set(Membership.objects.filter(user=staff).values_list("company_id", "role")) == {
        (c.pk, "clerk") for c in clients
    }
    response = client.post(
        "/companies/members/bulk/",
        {"email": "staff@agency.cn", "role": "viewer", "companies": [clients[0].pk, foreign.pk]},
    )
    assert "companies" in response.context["form"].errors
    assert not Membership.objects.filter(user=staff, company=foreign).exists()


def test_bulk_assign_service_refuses_companies_the_actor_does_not_administer():
    actor, staff = UserFactory(), UserFactory()
    administered, viewed = CompanyFactory(), CompanyFactory()
    MembershipFactory(user=actor, company=administered, role=Role.ADMIN)
    MembershipFactory(user=actor, company=viewed, role=Role.VIEWER)
    with pytest.raises(services.NotCompanyAdminError):
        services.membership_bulk_assign(
            companies=[administered, viewed], user=staff, role=Role.CLERK, actor=actor
        )
    assert not Membership.objects.filter(user=staff).exists()
