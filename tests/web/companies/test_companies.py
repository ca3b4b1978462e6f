"""Companies and memberships: constraints, services, selectors."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from fapiao.web.companies.models import Company, Membership, Role, TaxpayerType
from fapiao.web.companies.selectors import company_list_for_user, membership_role
from fapiao.web.companies.services import company_create, membership_grant
from fapiao.web.events.models import Event
from web.companies.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_company_create_normalises_tax_id_and_makes_actor_admin(user):
    company = company_create(
        name=" 北京测试科技有限公司 ",
        tax_id="９１１１０１０８ mA01c8xw3p",
        taxpayer_type=TaxpayerType.SMALL_SCALE,
        actor=user,
    )
    company.refresh_from_db()
    assert company.tax_id == "91110108MA01C8XW3P"
    assert company.name == "北京测试科技有限公司"
    assert company.taxpayer_type == "small_scale"
    assert membership_role(user=user, company=company) is Role.ADMIN
    actions = list(Event.objects.filter(company=company).values_list("seq", "action"))
    assert actions == [(1, "company.created"), (2, "membership.granted")]


def test_company_tax_id_is_unique():
    CompanyFactory(tax_id="91110108MA01C8XW3P")
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(name="另一家", tax_id="91110108MA01C8XW3P")


@pytest.mark.parametrize(
    ("field", "value"), [("taxpayer_type", "large"), ("tax_id", "")], ids=["type", "empty-id"]
)
def test_company_check_constraints(field, value):
    values = {"name": "某公司", "tax_id": "91110108MA01C8XW3P", field: value}
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(**values)


def test_membership_is_unique_per_user_and_company(company, user):
    MembershipFactory(user=user, company=company)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, company=company, role=Role.VIEWER)


def test_membership_role_must_be_known(company, user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, company=company, role="owner")


def test_membership_grant_changes_role_and_records_before_after(company, user):
    admin = UserFactory()
    membership_grant(company=company, user=user, role=Role.CLERK, actor=admin)
    membership_grant(company=company, user=user, role=Role.REVIEWER, actor=admin)
    membership_grant(company=company, user=user, role=Role.REVIEWER, actor=admin)  # no change

    assert Membership.objects.get(company=company, user=user).role == Role.REVIEWER
    events = list(Event.objects.filter(company=company, action="membership.granted"))
    assert len(events) == 2
    assert events[0].before is None
    assert events[0].after == {"user": user.pk, "role": "clerk"}
    assert events[1].before == {"user": user.pk, "role": "clerk"}
    assert events[1].after == {"user": user.pk, "role": "reviewer"}
    assert events[1].actor_id == admin.pk


def test_selectors_only_show_the_users_companies(company, other_company, user):
    MembershipFactory(user=user, company=company, role=Role.VIEWER)
    assert list(company_list_for_user(user=user)) == [company]
    assert membership_role(user=user, company=other_company) is None
