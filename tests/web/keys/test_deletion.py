"""Company deletion: records kept for the retention period, or crypto-shredded by a
re-authenticated admin; both in the event chain."""

from __future__ import annotations

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.core.crypto.errors import DecryptError
from fapiao.web.companies.models import Membership, Role
from fapiao.web.events.chain import chain_verify
from fapiao.web.events.models import Event
from fapiao.web.invoices.selectors import stored_file_path
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.invoices.storage import read_original
from fapiao.web.keys.models import CompanyDeletion, CompanyKey, DeletionStatus
from fapiao.web.keys.services_deletion import DeletionRefusedError, company_delete, company_shred
from web.companies.factories import UserFactory

pytestmark = pytest.mark.django_db
runner = CliRunner()
PASSWORD = "Admin-pw-123!"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(company):
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    return user


def _file(company, user):
    stored, _ = stored_file_create(company=company, content=b"%PDF-1.7 keep me", actor=user)
    return stored


def test_deletion_keeps_the_records_sealed_for_thirty_years(company, admin):
    stored = _file(company, admin)
    deletion = company_delete(company=company, actor=admin, password=PASSWORD, ip="192.0.2.3")
    today = timezone.localdate()
    assert deletion.retain_until == today.replace(year=today.year + 30)
    assert deletion.status == DeletionStatus.RETAINED
    assert not Membership.objects.filter(company=company).exists()
    assert read_original(stored) == b"%PDF-1.7 keep me"
    event = Event.objects.get(company=company, action="company.deleted")
    assert (event.actor_id, event.ip) == (admin.pk, "192.0.2.3")
    assert chain_verify(company.pk).ok


def test_the_retention_period_is_a_setting(company, admin, monkeypatch):
    monkeypatch.setenv("FAPIAO_RETENTION_YEARS", "10")
    deletion = company_delete(company=company, actor=admin, password=PASSWORD)
    assert deletion.retain_until.year == timezone.localdate().year + 10


def test_only_a_reauthenticated_admin_may_delete(company, admin):
    clerk = UserFactory()
    clerk.set_password(PASSWORD)
    clerk.save()
    Membership.objects.create(user=clerk, company=company, role=Role.CLERK)
    with pytest.raises(DeletionRefusedError, match="admin"):
        company_delete(company=company, actor=clerk, password=PASSWORD)
    with pytest.raises(DeletionRefusedError, match="Wrong password"):
        company_delete(company=company, actor=admin, password="guess")
    assert not CompanyDeletion.objects.exists()


def test_shredding_destroys_the_keys_and_files_and_is_recorded(
    company, other_company, admin, django_capture_on_commit_callbacks
):
    stored = _file(company, admin)
    theirs = _file(other_company, admin)
    with pytest.raises(DeletionRefusedError, match="Delete the company"):
        company_shred(company=company, actor=admin, password=PASSWORD)
    company_delete(company=company, actor=admin, password=PASSWORD)
    with pytest.raises(DeletionRefusedError, match="Wrong password"):
        company_shred(company=company, actor=admin, password="guess")
    sealed = stored_file_path(stored).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        company_shred(company=company, actor=admin, password=PASSWORD)
    assert not CompanyKey.objects.filter(company=company).exists()
    assert not stored_file_path(stored).exists()
    # Even a copy of the sealed file (a backup) no longer opens.
    stored_file_path(stored).parent.mkdir(parents=True, exist_ok=True)
    stored_file_path(stored).write_bytes(sealed)
    with pytest.raises(DecryptError):
        read_original(stored)
    assert read_original(theirs) == b"%PDF-1.7 keep me"
    assert CompanyDeletion.objects.get(company=company).status == DeletionStatus.SHREDDED
    assert Event.objects.filter(company=company, action="company.shredded").count() == 1
    assert chain_verify(company.pk).ok


def test_the_command_deletes_then_shreds_with_the_password(company, admin):
    _file(company, admin)
    args = ["keys", "delete-company", "--company", str(company.pk), "--admin", admin.username]
    result = runner.invoke(app, args, input="wrong\n")
    assert result.exit_code == 2
    result = runner.invoke(app, args, input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert str(timezone.localdate().year + 30) in result.output
    result = runner.invoke(app, [*args, "--shred"], input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert not CompanyKey.objects.filter(company=company).exists()
    assert CompanyDeletion.objects.get(company=company).status == DeletionStatus.SHREDDED
