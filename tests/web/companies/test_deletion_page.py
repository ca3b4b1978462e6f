"""The company deletion pages: re-authentication (password + TOTP), then retention or shredding."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fapiao.core.crypto.errors import DecryptError
from fapiao.web.companies.models import Membership, Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.invoices.storage import read_original
from fapiao.web.keys.models import CompanyDeletion, CompanyKey, DeletionStatus
from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db

PASSWORD = "Zhang-San-2025!"
DELETE = reverse("companies:delete")


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def admin(client: Client, company):
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    login_as(client, user, company, Role.ADMIN)  # an admin gets a TOTP device
    return user


def _post(client: Client, user, url: str = DELETE, **data: str):
    form = {"password": PASSWORD, "code": _code(user), "mode": "retain", **data}
    return client.post(url, form)


def test_the_page_asks_for_password_and_code(client, company, admin):
    page = client.get(DELETE).content.decode()
    assert 'type="password"' in page
    assert 'name="code"' in page
    assert company.name in page
    assert "30" in page  # the retention years


def test_retention_deletes_the_company_and_keeps_its_records(client, company, admin, capsys):
    stored, _ = stored_file_create(company=company, content=b"<EInvoice>keep</EInvoice>")
    response = _post(client, admin)
    assert response.status_code == 302
    assert response["Location"] == reverse("companies:list")
    deletion = CompanyDeletion.objects.get(company=company)
    assert deletion.status == DeletionStatus.RETAINED
    assert deletion.retain_until.year - deletion.requested_at.year == 30
    assert not Membership.objects.filter(company=company).exists()
    assert read_original(stored) == b"<EInvoice>keep</EInvoice>"  # still readable
    event = Event.objects.get(company=company, action="company.deleted")
    assert event.actor_id == admin.pk
    assert event.ip == "127.0.0.1"
    assert client.get(reverse("invoices:list")).status_code == 302  # no current company any more


def test_shredding_needs_the_company_name_typed_out(client, company, admin):
    stored, _ = stored_file_create(company=company, content=b"<EInvoice>gone</EInvoice>")
    refused = _post(client, admin, mode="shred", confirm_name="别的公司")
    assert refused.status_code == 200
    assert "The name typed does not match" in refused.content.decode()
    assert not CompanyDeletion.objects.exists()

    response = _post(client, admin, mode="shred", confirm_name=f" {company.name} ")
    assert response.status_code == 302
    deletion = CompanyDeletion.objects.get(company=company)
    assert deletion.status == DeletionStatus.SHREDDED
    assert not CompanyKey.objects.filter(company=company).exists()
    actions = list(
        Event.objects.filter(company=company, action__startswith="company.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["company.deleted", "company.shredded"]
    with pytest.raises((DecryptError, FileNotFoundError)):
        read_original(stored)


def test_a_wrong_password_deletes_nothing(client, company, admin):
    response = _post(client, admin, password="wrong")
    assert response.status_code == 200
    assert "Wrong password" in response.content.decode()
    assert not CompanyDeletion.objects.exists()
    assert Membership.objects.filter(company=company, user=admin).exists()


def test_a_wrong_code_deletes_nothing(client, company, admin):
    response = _post(client, admin, code="000000" if _code(admin) != "000000" else "111111")
    assert "Wrong authenticator code" in response.content.decode()
    assert not CompanyDeletion.objects.exists()


def test_without_reauthentication_nothing_happens(client, company, admin):
    response = client.post(DELETE, {"mode": "shred", "confirm_name": company.name})
    assert response.status_code == 200
    form = response.context["form"]
    assert "password" in form.errors
    assert "code" in form.errors
    assert not CompanyDeletion.objects.exists()


def test_an_admin_without_two_factor_is_sent_to_set_it_up(client, company, admin):
    TOTPDevice.objects.filter(user=admin).delete()
    response = client.post(DELETE, {"password": PASSWORD, "code": "123456", "mode": "retain"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:totp_setup")
    assert not CompanyDeletion.objects.exists()


def test_without_two_factor_roles_the_page_still_wants_a_device(client, company, admin, settings):
    settings.FAPIAO_REQUIRE_2FA_ROLES = ()
    TOTPDevice.objects.filter(user=admin).delete()
    response = client.post(DELETE, {"password": PASSWORD, "code": "123456", "mode": "retain"})
    assert "Turn on two-factor authentication" in response.content.decode()
    assert not CompanyDeletion.objects.exists()


def test_repeated_failures_end_the_session(client, company, admin):
    for _ in range(4):
        assert _post(client, admin, password="wrong").status_code == 200
    response = _post(client, admin, password="wrong")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert not CompanyDeletion.objects.exists()


@pytest.mark.parametrize("role", [Role.CLERK, Role.REVIEWER, Role.VIEWER])
def test_a_member_who_is_not_admin_is_refused(client, company, role):
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    login_as(client, user, company, role)
    assert client.get(DELETE).status_code == 403
    response = client.post(DELETE, {"password": PASSWORD, "code": "123456", "mode": "retain"})
    assert response.status_code == 403
    assert not CompanyDeletion.objects.exists()


def test_a_retained_company_is_shredded_later_from_the_deleted_list(client, company, admin):
    _post(client, admin)
    deletion = CompanyDeletion.objects.get(company=company)
    listing = client.get(reverse("companies:deleted")).content.decode()
    url = reverse("companies:deleted_shred", args=[deletion.pk])
    assert url in listing
    refused = client.post(
        url, {"password": PASSWORD, "code": _code(admin), "mode": "retain", "confirm_name": ""}
    )
    assert refused.status_code == 200  # shredding only, and the name must be typed
    TOTPDevice.objects.filter(user=admin).update(last_t=-1)  # a new time step for the next code
    response = _post(client, admin, url, mode="shred", confirm_name=company.name)
    assert response.status_code == 302
    deletion.refresh_from_db()
    assert deletion.status == DeletionStatus.SHREDDED
    assert client.get(url).status_code == 404  # nothing left to shred


def test_another_users_deletion_cannot_be_shredded(client, company, admin):
    other_admin, other_company = UserFactory(), CompanyFactory()
    other_admin.set_password(PASSWORD)
    other_admin.save()
    other = Client()
    login_as(other, other_admin, other_company, Role.ADMIN)
    _post(other, other_admin)
    theirs = CompanyDeletion.objects.get(company=other_company)
    url = reverse("companies:deleted_shred", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert _post(client, admin, url, mode="shred", confirm_name=other_company.name).status_code == (
        404
    )
    assert other_company.name not in client.get(reverse("companies:deleted")).content.decode()
    theirs.refresh_from_db()
    assert theirs.status == DeletionStatus.RETAINED
