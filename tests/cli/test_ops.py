"""Operator commands on the database: createadmin, company create, invoices list, export."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.web.api.documents import invoice_document
from fapiao.web.companies.models import Company, Membership, Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord
from web.companies.factories import CompanyFactory, UserFactory
from web.invoices.factories import InvoiceLineRecordFactory, InvoiceRecordFactory

pytestmark = pytest.mark.django_db

runner = CliRunner()
User = get_user_model()
VALID_TAX_ID = "91110108MA01KPGK0L"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_createadmin_with_options_then_again_changes_nothing():
    result = runner.invoke(
        app, ["createadmin", "--username", "boss", "--email", "b@x.cn", "--password", "Qz8!vw-Lp2"]
    )
    assert result.exit_code == 0, result.output
    boss = User.objects.get(username="boss")
    assert boss.is_superuser
    assert boss.check_password("Qz8!vw-Lp2")
    assert "Qz8!vw-Lp2" not in result.output
    assert Event.objects.filter(action="user.admin_created", company=None).count() == 1

    again = runner.invoke(app, ["createadmin", "--username", "boss", "--password", "Other-9pw!"])
    assert again.exit_code == 0
    boss.refresh_from_db()
    assert boss.check_password("Qz8!vw-Lp2")
    assert Event.objects.filter(action="user.admin_created").count() == 1


def test_createadmin_reads_the_settings_and_generates_a_password_once(monkeypatch):
    monkeypatch.setenv("FAPIAO_ADMIN_USERNAME", "chief")
    monkeypatch.setenv("FAPIAO_ADMIN_EMAIL", "chief@example.cn")

    result = runner.invoke(app, ["createadmin"])

    assert result.exit_code == 0, result.output
    chief = User.objects.get(username="chief")
    assert chief.email == "chief@example.cn"
    [password] = [
        line.split("Password:")[1].split()[0]
        for line in result.output.splitlines()
        if "Password:" in line
    ]
    assert chief.check_password(password)
    again = runner.invoke(app, ["createadmin"])
    assert "Password" not in again.output


def test_createadmin_refuses_a_weak_password():
    result = runner.invoke(app, ["createadmin", "--username", "weak", "--password", "123"])

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not User.objects.filter(username="weak").exists()


def test_company_create_validates_the_tax_id_and_records_an_event():
    admin = UserFactory(username="owner")

    command = ["company", "create", "--name", "北京华医网科技", "--tax-id", VALID_TAX_ID.lower()]
    result = runner.invoke(app, [*command, "--admin", "owner"])

    assert result.exit_code == 0, result.output
    company = Company.objects.get(tax_id=VALID_TAX_ID)
    assert company.name == "北京华医网科技"
    assert Membership.objects.get(company=company, user=admin).role == Role.ADMIN
    assert Event.objects.filter(company=company, action="company.created").exists()


@pytest.mark.parametrize(
    ("tax_id", "extra"),
    [("91110108MA01KPGK0X", []), ("12345", []), (VALID_TAX_ID, ["--taxpayer-type", "big"])],
)
def test_company_create_refuses_bad_input(tax_id, extra):
    result = runner.invoke(app, ["company", "create", "--name", "甲", "--tax-id", tax_id, *extra])

    assert result.exit_code == 2
    assert not Company.objects.exists()


def test_company_create_refuses_a_duplicate():
    CompanyFactory(tax_id=VALID_TAX_ID)
    result = runner.invoke(app, ["company", "create", "--name", "乙", "--tax-id", VALID_TAX_ID])
    assert result.exit_code == 2
    assert Company.objects.count() == 1


def test_invoices_list_json_is_the_document_of_each_invoice_of_that_company_only():
    company, other = CompanyFactory(), CompanyFactory()
    first = InvoiceRecordFactory(company=company, issue_date=dt.date(2025, 1, 2))
    second = InvoiceRecordFactory(company=company, issue_date=dt.date(2025, 2, 3))
    InvoiceLineRecordFactory(invoice=second)
    InvoiceRecordFactory(company=other)

    result = runner.invoke(app, ["invoices", "list", "--company", company.tax_id, "--json"])

    assert result.exit_code == 0, result.output
    documents = [json.loads(line) for line in result.output.splitlines()]
    assert [d["id"] for d in documents] == [second.pk, first.pk]
    assert documents[0] == json.loads(
        json.dumps(invoice_document(InvoiceRecord.objects.get(pk=second.pk)))
    )
    assert documents[0]["lines"][0]["name"] == "*经纪代理服务*培训费"
    assert documents[0]["status"]["review_status"] == "pending"


def test_invoices_list_as_a_table_and_unknown_company():
    company = CompanyFactory()
    record = InvoiceRecordFactory(company=company)

    table = runner.invoke(app, ["invoices", "list", "--company", company.tax_id])
    assert table.exit_code == 0
    assert record.number in table.output

    missing = runner.invoke(app, ["invoices", "list", "--company", "91110000999999999X"])
    assert missing.exit_code == 2


def test_export_writes_text_identifiers_and_exact_totals(tmp_path):
    company, other = CompanyFactory(), CompanyFactory()
    InvoiceRecordFactory(
        company=company,
        number="00012345",
        code="011002100104",
        identity_key="011002100104:00012345",
    )
    InvoiceRecordFactory(
        company=company,
        net_amount=Decimal("0.10"),
        tax_amount=Decimal("0.01"),
        gross_amount=Decimal("0.11"),
    )
    InvoiceRecordFactory(
        company=other,
        gross_amount=Decimal("999.00"),
        net_amount=Decimal("999.00"),
        tax_amount=Decimal("0.00"),
    )
    out = tmp_path / "发票.xlsx"

    result = runner.invoke(app, ["export", "--company", company.tax_id, "--out", str(out)])

    assert result.exit_code == 0, result.output
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    header = rows[1]
    assert "发票号码 Number" in header
    assert "价税合计 Gross amount" in header
    data, totals = rows[2:-1], rows[-1]
    assert len(data) == 2
    numbers = {row[header.index("发票号码 Number")] for row in data}
    assert "00012345" in numbers
    codes = {row[header.index("发票代码 Code")] for row in data}
    assert "011002100104" in codes
    assert str(totals[0]).startswith("合计 Total (2)")
    assert Decimal(str(totals[header.index("价税合计 Gross amount")])) == Decimal("113.11")


def test_export_refuses_other_suffixes(tmp_path):
    company = CompanyFactory()
    result = runner.invoke(
        app, ["export", "--company", company.tax_id, "--out", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_worker_runs_queued_intake_tasks_from_the_database(settings, tmp_path):
    from fapiao.web.intake.models import IntakeItem
    from fapiao.web.intake.services import UploadFile, intake_upload

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "files"
    company = CompanyFactory()
    clerk = UserFactory()
    Membership.objects.create(user=clerk, company=company, role=Role.CLERK)
    batch = intake_upload(  # the parse task goes into the database queue on commit
        company=company,
        actor=clerk,
        files=[UploadFile(name="notes.txt", content=b"not an invoice")],
        direction="purchase",
        limits=False,  # an operator's import: the stray file fails in the worker
    )
    [item] = IntakeItem.objects.filter(batch=batch)
    assert item.status == "queued"

    result = runner.invoke(app, ["worker", "--batch", "--interval", "0"])

    assert result.exit_code == 0, result.output
    item.refresh_from_db()
    assert item.status == "failed"
    assert item.errors


def test_a_worker_started_while_the_database_is_down_waits_for_it(monkeypatch):
    """The master-key check reads the database: it runs inside the back-off, not before it."""
    from django.db import OperationalError

    calls: list[str] = []

    def key_check() -> None:
        calls.append("keys")
        if calls.count("keys") == 1:
            raise OperationalError("connection refused")

    monkeypatch.setattr("fapiao.cli.ops.keys_startup_check", key_check)
    monkeypatch.setattr(
        "fapiao.web.intake.recovery.intake_recover", lambda: calls.append("recover")
    )
    monkeypatch.setattr("time.sleep", lambda seconds: calls.append(f"sleep {seconds}"))
    monkeypatch.setattr(
        "django.core.management.call_command", lambda name, **options: calls.append(name)
    )

    result = runner.invoke(app, ["worker", "--batch", "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert calls == ["keys", "sleep 0.5", "keys", "recover", "db_worker"]
