"""``fapiao demo``: fills the demo company, prints the users once, and is safe to run again."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.web.companies.models import Company
from fapiao.web.demo.catalogue import DEMO_COMPANY_TAX_ID
from fapiao.web.invoices.models import InvoiceRecord

pytestmark = pytest.mark.django_db

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_fills_the_demo_company_and_prints_working_passwords_once():
    result = runner.invoke(app, ["demo", "--invoices", "8", "--seed", "2"])

    assert result.exit_code == 0, result.output
    company = Company.objects.get(tax_id=DEMO_COMPANY_TAX_ID)
    assert InvoiceRecord.objects.filter(company=company).count() == 8
    passwords = dict(
        re.findall(r"(demo-[a-z]+@example\.com)  密码 Password: (Demo-\S+)", result.output)
    )
    assert len(passwords) == 5
    for username, password in passwords.items():
        assert get_user_model().objects.get(username=username).check_password(password)

    again = runner.invoke(app, ["demo", "--invoices", "8", "--seed", "2"])

    assert again.exit_code == 0, again.output
    assert "Demo-" not in again.output
    assert InvoiceRecord.objects.filter(company=company).count() == 8


def test_demo_refuses_an_invalid_tax_id():
    result = runner.invoke(app, ["demo", "--company", "91110108MA01KPGK0X", "--invoices", "1"])

    assert result.exit_code == 2
    assert not Company.objects.filter(tax_id="91110108MA01KPGK0X").exists()
