"""``fapiao import``: files and folders through the intake services, with a summary."""

from __future__ import annotations

import random

import pytest
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.web.invoices.models import InvoiceRecord
from web.companies.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

runner = CliRunner()


@pytest.fixture(autouse=True)
def _files_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"


def _invoices(corpus, tmp_path, count, seed=5):
    rng = random.Random(seed)
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    truths = []
    for n in range(count):
        truth = corpus.random_truth(rng, digital=n % 2 == 0)
        (folder / f"{n}.xml").write_bytes(corpus.einvoice_xml(truth))
        truths.append(truth)
    return folder, truths


def test_import_a_folder_then_the_same_invoices_again_merge(corpus, tmp_path):
    company = CompanyFactory()
    clerk = UserFactory(username="clerk1")
    folder, truths = _invoices(corpus, tmp_path, 3)

    first = runner.invoke(
        app, ["import", str(folder), "--company", company.tax_id, "--user", "clerk1"]
    )

    assert first.exit_code == 0, first.output
    assert "新建 imported 3" in first.output
    records = InvoiceRecord.objects.filter(company=company, direction="purchase")
    assert {r.number for r in records} == {t.number for t in truths}
    assert {r.created_by_id for r in records} == {clerk.pk}

    zipped = tmp_path / "again.zip"
    zipped.write_bytes(corpus.zip_of({"a.xml": (folder / "0.xml").read_bytes()}))
    second = runner.invoke(
        app, ["import", str(zipped), "--company", company.tax_id, "--user", "clerk1"]
    )
    assert second.exit_code == 0, second.output
    assert "合并 merged 1" in second.output
    assert InvoiceRecord.objects.filter(company=company).count() == 3


def test_a_file_that_is_no_invoice_fails_with_exit_1(corpus, tmp_path):
    company = CompanyFactory()
    UserFactory(username="admin", is_superuser=True)
    folder, _ = _invoices(corpus, tmp_path, 1)
    (folder / "notes.txt").write_text("not an invoice", encoding="utf-8")

    result = runner.invoke(
        app, ["import", str(folder), "--company", company.tax_id, "--direction", "sales"]
    )

    assert result.exit_code == 1
    assert "失败 failed 1" in result.output
    assert InvoiceRecord.objects.get(company=company).direction == "sales"


def test_import_refuses_unknown_company_missing_user_and_missing_path(corpus, tmp_path):
    company = CompanyFactory()
    folder, _ = _invoices(corpus, tmp_path, 1)

    assert (
        runner.invoke(app, ["import", str(folder), "--company", "91110000999999999X"]).exit_code
        == 2
    )
    no_user = runner.invoke(
        app, ["import", str(folder), "--company", company.tax_id, "--user", "x"]
    )
    assert no_user.exit_code == 2
    UserFactory(username="u")
    gone = runner.invoke(
        app, ["import", str(tmp_path / "gone.xml"), "--company", company.tax_id, "--user", "u"]
    )
    assert gone.exit_code == 2
    assert not InvoiceRecord.objects.exists()
