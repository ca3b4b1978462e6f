"""Reconciliation pages: upload an export, results by category, one-click corrections, scoping."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord, StoredFile
from fapiao.web.invoices.workflow_errors import WorkflowError
from fapiao.web.reconciliation.models import ReconciliationResult, ReconciliationRun
from fapiao.web.reconciliation.services import (
    reconciliation_process,
    reconciliation_result_apply,
    reconciliation_run,
)
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory
from web.reconciliation.exports import export_row, export_xlsx

pytestmark = pytest.mark.django_db

FILENAME = "全量发票查询导出-取得发票-202503.xlsx"
AS_OF = "2025-06-30"


def _number(n: int) -> str:
    return f"253220000001{n:08d}"


def _typo(number: str) -> str:
    digit = str((int(number[-3]) + 1) % 10)
    return number[:-3] + digit + number[-2:]


@pytest.fixture
def clerk(company):
    user = UserFactory(username="lilei")
    login_as(Client(), user, company, role="clerk")
    return user


@pytest.fixture
def scenario(company, clerk):
    """Ten purchase invoices; the ledger has one number typo, one amount and one date error."""
    records = [
        InvoiceRecordFactory(
            company=company,
            number=_number(i),
            identity_key=_number(i),
            issue_date=dt.date(2025, 3, 1 + i),
            created_by=clerk,
        )
        for i in range(10)
    ]
    rows = [export_row(r) for r in records]
    typo, amount, date = records[1], records[2], records[3]
    truth = _number(1)
    typo.number = typo.identity_key = _typo(truth)
    typo.save()
    rows[2] = export_row(
        amount, net=Decimal("200.00"), tax=Decimal("26.00"), gross=Decimal("226.00")
    )
    rows[3] = export_row(date, date="2025-03-20 09:30:00")
    only_tax = InvoiceRecordFactory.build(
        company=company, number=_number(50), issue_date=dt.date(2025, 3, 28)
    )
    rows.append(export_row(only_tax))
    return {
        "records": records,
        "typo": typo,
        "truth": truth,
        "amount": amount,
        "date": date,
        "xlsx": export_xlsx(rows),
    }


def _upload(client: Client, data: bytes, direction: str = "purchase", capture=None):
    if capture is not None:  # the task is enqueued after commit and runs at once under pytest
        with capture(execute=True):
            return _upload(client, data, direction)
    return client.post(
        "/reconciliation/",
        {
            "file": SimpleUploadedFile(FILENAME, data),
            "direction": direction,
            "as_of": AS_OF,
        },
    )


def test_upload_runs_and_shows_results_by_category(
    client, company, clerk, scenario, django_capture_on_commit_callbacks
):
    login_as(client, clerk, company)
    response = _upload(client, scenario["xlsx"], capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    run = ReconciliationRun.objects.get(company=company)
    assert response["Location"] == f"/reconciliation/{run.pk}/"
    stored = StoredFile.objects.get(pk=run.stored_file_id)
    assert stored.sha256 == hashlib.sha256(scenario["xlsx"]).hexdigest()  # kept untouched
    assert stored.original_name == FILENAME
    assert run.direction == "purchase"
    assert run.counts["NUMBER_TYPO"] == 1
    assert run.counts["AMOUNT_MISMATCH"] == 1
    assert run.counts["DATE_MISMATCH"] == 1
    assert run.counts["MISSING_IN_LEDGER"] == 1
    assert run.counts["MATCHED"] == 7
    assert run.problem_count == 4
    typo = ReconciliationResult.objects.get(run=run, category="NUMBER_TYPO")
    assert typo.record_id == scenario["typo"].pk
    assert typo.corrected_key == scenario["truth"]
    assert typo.operator == "lilei"
    assert Event.objects.filter(company=company, action="reconciliation.run").count() == 1

    page = client.get(f"/reconciliation/{run.pk}/?category=NUMBER_TYPO")
    html = page.content.decode()
    assert page.status_code == 200
    assert "号码录入错误" in html
    assert f"/reconciliation/results/{typo.pk}/apply/" in html
    assert "/reconciliation/results/" not in html.replace(f"results/{typo.pk}/", "")

    local = client.get(f"/reconciliation/{run.pk}/localisation.json").json()["data"]
    assert local["operator"] == [
        {"value": "lilei", "count": 3},
        {"value": "（未填）", "count": 1},  # the export row nobody booked
    ]
    assert sum(row["count"] for row in local["category"]) == 4
    assert {row["value"] for row in local["week"]} == {"2025-W09", "2025-W10", "2025-W13"}


def test_apply_number_typo_corrects_the_record_and_keeps_the_original(
    client, company, clerk, scenario, django_capture_on_commit_callbacks
):
    login_as(client, clerk, company)
    _upload(client, scenario["xlsx"], capture=django_capture_on_commit_callbacks)
    result = ReconciliationResult.objects.get(category="NUMBER_TYPO")
    original = scenario["typo"].number
    response = client.post(f"/reconciliation/results/{result.pk}/apply/")
    assert response.status_code == 302
    record = InvoiceRecord.objects.get(pk=scenario["typo"].pk)
    assert record.number == scenario["truth"]
    assert record.identity_key == scenario["truth"]
    assert record.fields["number"]["source"] == "manual"
    corrected = Event.objects.get(
        company=company, action="invoice.corrected", object_id=str(record.pk)
    )
    assert corrected.before["number"] == original
    assert corrected.after["number"] == scenario["truth"]
    applied = Event.objects.get(company=company, action="reconciliation.result_applied")
    assert applied.after["before"] == {"number": original}
    result.refresh_from_db()
    assert result.status == "applied"
    assert result.resolved_by_id == clerk.pk

    with pytest.raises(WorkflowError):
        reconciliation_result_apply(result=result, actor=clerk)
    again = client.post(f"/reconciliation/results/{result.pk}/apply/", follow=True)
    assert "已处理" in again.content.decode()


def test_apply_amount_and_date_take_the_export_values(client, company, clerk, scenario):
    run = reconciliation_run(
        company=company,
        direction="purchase",
        content=scenario["xlsx"],
        filename=FILENAME,
        actor=clerk,
        as_of=dt.date.fromisoformat(AS_OF),
    )
    amount = ReconciliationResult.objects.get(run=run, category="AMOUNT_MISMATCH")
    date = ReconciliationResult.objects.get(run=run, category="DATE_MISMATCH")
    reconciliation_result_apply(result=amount, actor=clerk)
    reconciliation_result_apply(result=date, actor=clerk)
    record = InvoiceRecord.objects.get(pk=scenario["amount"].pk)
    assert (record.net_amount, record.tax_amount, record.gross_amount) == (
        Decimal("200.00"),
        Decimal("26.00"),
        Decimal("226.00"),
    )
    assert InvoiceRecord.objects.get(pk=scenario["date"].pk).issue_date == dt.date(2025, 3, 20)
    event = Event.objects.get(action="invoice.corrected", object_id=str(record.pk))
    assert event.before["gross_amount"] == "113.00"

    rerun = reconciliation_run(
        company=company,
        direction="purchase",
        content=scenario["xlsx"],
        filename=FILENAME,
        actor=clerk,
        as_of=dt.date.fromisoformat(AS_OF),
    )
    assert "AMOUNT_MISMATCH" not in rerun.counts
    assert "DATE_MISMATCH" not in rerun.counts


def test_missing_in_ledger_proposes_nothing_and_can_be_dismissed(
    client, company, clerk, scenario, django_capture_on_commit_callbacks
):
    login_as(client, clerk, company)
    _upload(client, scenario["xlsx"], capture=django_capture_on_commit_callbacks)
    missing = ReconciliationResult.objects.get(category="MISSING_IN_LEDGER")
    response = client.post(f"/reconciliation/results/{missing.pk}/apply/", follow=True)
    assert "没有可一键应用的更正" in response.content.decode()
    client.post(f"/reconciliation/results/{missing.pk}/dismiss/", {"reason": "供应商作废"})
    missing.refresh_from_db()
    assert missing.status == "dismissed"
    event = Event.objects.get(action="reconciliation.result_dismissed")
    assert event.after["reason"] == "供应商作废"


def test_viewer_cannot_run_or_apply(client, company, scenario):
    viewer = UserFactory()
    login_as(client, viewer, company, role="viewer")
    assert client.get("/reconciliation/").status_code == 200
    assert _upload(client, scenario["xlsx"]).status_code == 403
    assert not ReconciliationRun.objects.exists()


def test_unreadable_export_is_refused_with_a_message(client, company, clerk):
    login_as(client, clerk, company)
    response = _upload(client, b"not a workbook at all")
    assert response.status_code == 200
    assert "无法读取税务局导出文件" in response.content.decode()
    assert not ReconciliationRun.objects.exists()


def test_other_companies_runs_and_results_are_404(client, company, other_company, clerk, scenario):
    run = reconciliation_run(
        company=company,
        direction="purchase",
        content=scenario["xlsx"],
        filename=FILENAME,
        actor=clerk,
        as_of=dt.date.fromisoformat(AS_OF),
    )
    result = ReconciliationResult.objects.filter(run=run, category="NUMBER_TYPO").get()
    outsider = UserFactory()
    login_as(client, outsider, other_company, role="admin")
    for url in (
        f"/reconciliation/{run.pk}/",
        f"/reconciliation/{run.pk}/localisation.json",
        f"/reconciliation/{run.pk}/results.xlsx",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/reconciliation/results/{result.pk}/apply/",
        f"/reconciliation/results/{result.pk}/dismiss/",
    ):
        assert client.post(url).status_code == 404, url
    result.refresh_from_db()
    assert result.status == "open"
    assert run.pk not in [r.pk for r in client.get("/reconciliation/").context["runs"]]


def test_the_export_updates_tax_status_and_old_records_stay_out(company, clerk, scenario):
    voided = scenario["records"][5]
    old = InvoiceRecordFactory(
        company=company, number=_number(90), issue_date=dt.date(2023, 1, 5), created_by=clerk
    )
    old.identity_key = old.number
    old.save()
    rows = [export_row(r) for r in scenario["records"]]
    rows[5] = export_row(voided, status="已作废")
    run = reconciliation_run(
        company=company,
        direction="purchase",
        content=export_xlsx(rows),
        filename=FILENAME,
        actor=clerk,
        as_of=dt.date.fromisoformat(AS_OF),
    )
    voided.refresh_from_db()
    assert voided.tax_status == "voided"
    assert run.status_update["changed"] == 1
    assert ReconciliationResult.objects.get(run=run, record=voided).category == "VOIDED"
    assert run.ledger_count == 10  # the 2023 invoice is outside the export's period and margin
    assert not ReconciliationResult.objects.filter(run=run, record=old).exists()
    assert not ReconciliationResult.objects.filter(run=run, category="MATCHED").exists()
    event = Event.objects.get(action="invoice.statuses_from_export", object_id=str(voided.pk))
    assert event.before == {"tax_status": "normal"}


def test_a_queued_run_shows_its_status_and_is_processed_once(client, company, clerk, scenario):
    login_as(client, clerk, company)
    response = _upload(client, scenario["xlsx"])  # the task waits for the commit
    run = ReconciliationRun.objects.get(company=company)
    assert run.status == "queued"
    page = client.get(response["Location"]).content.decode()
    assert 'data-run-status="queued"' in page
    assert 'hx-trigger="every 2s"' in page
    assert reconciliation_process(run_id=run.pk, actor=clerk).status == "done"
    again = reconciliation_process(run_id=run.pk, actor=clerk)  # idempotent
    assert again.status == "done"
    assert Event.objects.filter(action="reconciliation.run").count() == 1
    assert ReconciliationResult.objects.filter(run=run).count() == 4
    assert "hx-trigger" not in client.get(response["Location"]).content.decode()


def test_margin_records_without_an_export_row_are_left_out_not_problems(
    client, company, clerk, scenario
):
    """A record of April (after the March export) that the export does not list belongs to April's
    reconciliation: counted as left out, not a problem; a March invoice keyed as April stays a
    date mismatch."""
    april = InvoiceRecordFactory(
        company=company, number=_number(70), issue_date=dt.date(2025, 4, 10), created_by=clerk
    )
    april.identity_key = april.number
    april.save()
    keyed_late = scenario["records"][6]
    rows = [export_row(r) for r in scenario["records"]]
    keyed_late.issue_date = dt.date(2025, 4, 7)
    keyed_late.save()
    run = reconciliation_run(
        company=company,
        direction="purchase",
        content=export_xlsx(rows),
        filename=FILENAME,
        actor=clerk,
        as_of=dt.date.fromisoformat(AS_OF),
    )
    assert run.counts["LEFT_OUT"] == 1
    assert "OUTSIDE_EXPORT_PERIOD" not in run.counts
    assert not ReconciliationResult.objects.filter(run=run, record=april).exists()
    assert ReconciliationResult.objects.get(run=run, record=keyed_late).category == "DATE_MISMATCH"
    assert run.ledger_count == 10
    problems = ReconciliationResult.objects.filter(run=run, is_problem=True).count()
    assert run.problem_count == problems
    login_as(client, clerk, company, role="clerk")
    html = client.get(f"/reconciliation/{run.pk}/").content.decode()
    assert 'data-left-out="1"' in html
