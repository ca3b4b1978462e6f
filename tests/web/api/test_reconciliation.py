"""Reconciliation endpoints: start a run from an export, results, apply; scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord
from web.api.factories import bearer, member, token_for
from web.invoices.factories import InvoiceRecordFactory
from web.reconciliation.exports import export_row, export_xlsx

pytestmark = pytest.mark.django_db


def _records(company, clerk):
    records = [
        InvoiceRecordFactory(
            company=company,
            number=f"253220000001{i:08d}",
            identity_key=f"253220000001{i:08d}",
            issue_date=dt.date(2025, 3, 1 + i),
            created_by=clerk,
        )
        for i in range(4)
    ]
    rows = [export_row(r) for r in records]
    typo = records[1]
    typo.number = typo.identity_key = "25322000000100000011"
    typo.save()
    return records, export_xlsx(rows)


def _start(client, xlsx):
    return client.post(
        "/api/reconciliation/runs",
        {"export": SimpleUploadedFile("全量发票查询.xlsx", xlsx), "as_of": "2025-06-30"},
    )


def test_run_results_and_apply(company):
    clerk = member(company, Role.CLERK)
    client = bearer(token_for(clerk, company)[1])
    records, xlsx = _records(company, clerk)

    started = _start(client, xlsx)

    assert started.status_code == 201, started.content
    run = started.json()
    assert run["counts"]["NUMBER_TYPO"] == 1
    assert run["counts"]["MATCHED"] == 3
    assert [r["id"] for r in client.get("/api/reconciliation/runs").json()] == [run["id"]]
    assert client.get(f"/api/reconciliation/runs/{run['id']}").json()["problem_count"] == 1
    categories = client.get(f"/api/reconciliation/runs/{run['id']}/categories").json()
    assert {c["category"]: c["count"] for c in categories}["NUMBER_TYPO"] == 1
    page = client.get(
        f"/api/reconciliation/runs/{run['id']}/results", {"problems_only": True}
    ).json()
    [typo] = page["items"]
    assert typo["record_id"] == records[1].pk

    applied = client.post(f"/api/reconciliation/results/{typo['id']}/apply")

    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    assert InvoiceRecord.objects.get(pk=records[1].pk).number == "25322000000100000001"
    assert Event.objects.filter(company=company, action="reconciliation.result_applied").exists()
    again = client.post(f"/api/reconciliation/results/{typo['id']}/apply")
    assert again.status_code == 409


def test_viewer_cannot_start_a_run(company):
    viewer = member(company, Role.VIEWER)
    _, xlsx = _records(company, viewer)
    response = _start(bearer(token_for(viewer, company)[1]), xlsx)
    assert response.status_code == 403


def test_runs_and_results_of_other_companies_are_404(company, other_company):
    clerk = member(other_company, Role.CLERK)
    _, xlsx = _records(other_company, clerk)
    run = _start(bearer(token_for(clerk, other_company)[1]), xlsx).json()
    result_id = (
        bearer(token_for(clerk, other_company)[1])
        .get(f"/api/reconciliation/runs/{run['id']}/results")
        .json()["items"][0]["id"]
    )
    mine = bearer(token_for(member(company, Role.ADMIN), company)[1])

    assert mine.get("/api/reconciliation/runs").json() == []
    assert mine.get(f"/api/reconciliation/runs/{run['id']}").status_code == 404
    assert mine.get(f"/api/reconciliation/runs/{run['id']}/results").status_code == 404
    assert mine.get(f"/api/reconciliation/runs/{run['id']}/categories").status_code == 404
    assert mine.post(f"/api/reconciliation/results/{result_id}/apply").status_code == 404
