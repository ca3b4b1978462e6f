"""Each anomaly rule fires through the services on crafted records; ordinary ones stay quiet."""

from __future__ import annotations

import datetime as dt

import pytest

from fapiao.web.alerts.detection import (
    alerts_deduction_check,
    alerts_detect,
    alerts_job_check,
    alerts_reconciliation_check,
)
from fapiao.web.alerts.models import Alert, AlertStatus
from fapiao.web.alerts.services import alerts_record, calendar_upload, risk_list_upload
from fapiao.web.claims.models import Claim, ClaimItem, ClaimStatus
from fapiao.web.intake.models import IntakeBatch, IntakeItem, ItemStatus
from fapiao.web.invoices.models import DeductionStatus, TaxStatus
from fapiao.web.ops.models import JobRun
from fapiao.web.reconciliation.models import ReconciliationRun
from web.alerts.crafted import NOW, invoice
from web.companies.factories import CompanyFactory
from web.invoices.factories import StoredFileFactory

pytestmark = pytest.mark.django_db


def _codes(company) -> set[str]:
    return set(Alert.objects.filter(company=company).values_list("code", flat=True))


def test_ordinary_invoices_raise_nothing(company):
    for day in (9, 10, 11, 12, 13):
        invoice(company, issue_date=dt.date(2025, 6, day), gross=f"{100 + day}.00")
    assert alerts_detect(company=company, now=NOW) == []


def test_duplicate_claim(company, user):
    record = invoice(company)
    for title in ("差旅一", "差旅二"):
        claim = Claim.objects.create(
            company=company, claimant=user, title=title, status=ClaimStatus.SUBMITTED
        )
        ClaimItem.objects.create(
            claim=claim,
            company=company,
            invoice=record,
            invoice_identity=record.identity_key,
            amount=record.gross_amount,
        )
    found = alerts_detect(company=company, now=NOW)
    assert [a.code for a in found] == ["anomaly.duplicate_claim"]
    assert found[0].invoices == [["", record.identity_key]]


def test_risky_seller_from_an_uploaded_list(company, user):
    invoice(company, seller="91440300MA5RISKY01")
    risk_list_upload(
        company=company,
        actor=user,
        data="纳税人识别号,名称,类型\n91440300MA5RISKY01,风险公司,失控发票\n".encode(),
        filename="risk.csv",
    )
    found = alerts_detect(company=company, now=NOW)
    assert [a.code for a in found] == ["anomaly.risky_seller"]
    assert "91440300MA5RISKY01" in found[0].message


def test_split_under_the_approval_threshold(company):
    invoice(company, seller="91110000SPLIT00001", gross="9500.00", issue_date=dt.date(2025, 6, 2))
    invoice(company, seller="91110000SPLIT00001", gross="9600.00", issue_date=dt.date(2025, 6, 4))
    assert _codes(company) == set()
    alerts_detect(company=company, now=NOW)
    assert _codes(company) == {"anomaly.split_under_threshold"}


def test_amount_far_outside_the_sellers_history(company):
    for day, gross in zip(
        (2, 3, 4, 5, 6, 9), ("100", "110", "120", "105", "115", "108"), strict=True
    ):
        invoice(company, seller="91110000OUTLIER001", gross=gross, issue_date=dt.date(2025, 6, day))
    invoice(company, seller="91110000OUTLIER001", gross="5000", issue_date=dt.date(2025, 6, 10))
    alerts_detect(company=company, now=NOW)
    assert _codes(company) == {"anomaly.amount_outlier"}


def test_consecutive_numbers_from_one_seller(company):
    for n in range(5):
        invoice(company, seller="91110000SEQUENCE01", number=f"25322000009{n:09d}")
    alerts_detect(company=company, now=NOW)
    assert _codes(company) == {"anomaly.consecutive_numbers"}


def test_issued_on_a_public_holiday_and_on_a_weekend(company):
    invoice(company, seller="91110000HOLIDAY001", gross="12000", issue_date=dt.date(2025, 10, 1))
    invoice(company, seller="91110000WEEKEND001", gross="12000", issue_date=dt.date(2025, 6, 7))
    invoice(company, seller="91110000WORKDAY001", gross="12000", issue_date=dt.date(2025, 9, 28))
    alerts_detect(company=company, now=dt.datetime(2025, 10, 9, tzinfo=dt.UTC))
    assert _codes(company) == {"anomaly.holiday_issue", "anomaly.weekend_issue"}
    # 2025-09-28 is a Sunday worked (调休): no alert for it
    assert Alert.objects.filter(company=company).count() == 2


def test_an_unknown_year_is_a_notice_until_its_calendar_is_uploaded(company, user):
    invoice(company, seller="91110000FUTURE0001", gross="12000", issue_date=dt.date(2031, 2, 3))
    later = dt.datetime(2031, 2, 20, tzinfo=dt.UTC)
    found = alerts_detect(company=company, now=later)
    assert [(a.code, a.severity) for a in found] == [("anomaly.calendar_unknown_year", "info")]

    calendar_upload(company=company, actor=user, data="2031-02-03,休\n2031-02-08,班\n".encode())
    found = alerts_detect(company=company, now=later)
    assert {a.code for a in found} == {"anomaly.holiday_issue"}


def test_purchase_invoices_not_addressed_to_the_company(company):
    invoice(company, buyer_tax_id="91110000OTHER00001")
    invoice(company, buyer_tax_id="")
    alerts_detect(company=company, now=NOW)
    assert _codes(company) == {"anomaly.buyer_mismatch", "anomaly.buyer_tax_id_missing"}


def test_deductible_invoices_unselected_near_the_filing_deadline(company):
    waiting = invoice(company, issue_date=dt.date(2025, 6, 10))
    invoice(company, issue_date=dt.date(2025, 6, 11), deduction_status=DeductionStatus.SELECTED)
    found = alerts_deduction_check(company=company, now=NOW)
    assert [a.code for a in found] == ["anomaly.deduction_unselected"]
    assert found[0].invoices == [["", waiting.identity_key]]
    assert found[0].subject == "deduction:2025-06"
    # a month earlier the deadline is far: nothing
    assert alerts_deduction_check(company=company, now=NOW - dt.timedelta(days=20)) == []


def test_voided_and_reversed_invoices_are_not_waiting_for_deduction(company):
    invoice(company, issue_date=dt.date(2025, 6, 10), tax_status=TaxStatus.VOIDED)
    invoice(company, issue_date=dt.date(2025, 6, 11), tax_status=TaxStatus.RED_FULL)
    assert alerts_deduction_check(company=company, now=NOW) == []
    partly = invoice(company, issue_date=dt.date(2025, 6, 12), tax_status=TaxStatus.RED_PARTIAL)
    found = alerts_deduction_check(company=company, now=NOW)
    assert found[0].invoices == [["", partly.identity_key]]


def test_reconciliation_not_run_this_month(company):
    found = alerts_reconciliation_check(company=company, now=NOW)
    assert [a.code for a in found] == ["anomaly.reconciliation_overdue"]
    other = CompanyFactory()
    stored = StoredFileFactory(company=other)
    ReconciliationRun.objects.create(
        company=other, direction="purchase", stored_file=stored, as_of=dt.date(2025, 7, 1)
    )
    ReconciliationRun.objects.filter(company=other).update(created_at=NOW - dt.timedelta(days=2))
    assert alerts_reconciliation_check(company=other, now=NOW) == []


def test_a_failed_import(company, user):
    batch = IntakeBatch.objects.create(company=company, created_by=user)
    IntakeItem.objects.create(
        batch=batch,
        stored_file=StoredFileFactory(company=company),
        name="坏文件.pdf",
        status=ItemStatus.FAILED,
        finished_at=NOW - dt.timedelta(hours=1),
    )
    found = alerts_detect(company=company, now=NOW)
    assert [a.code for a in found] == ["anomaly.import_failed"]
    assert "坏文件.pdf" in found[0].message


def test_failed_backups_and_drills_alert_every_company_until_a_later_success(company):
    other = CompanyFactory()
    for name, ok, hours in (("backup", False, 5), ("restore_drill", False, 4)):
        JobRun.objects.create(
            job_name=name,
            started_at=NOW - dt.timedelta(hours=hours),
            finished_at=NOW - dt.timedelta(hours=hours),
            succeeded=ok,
            detail="No space left on device",
        )
    assert alerts_job_check(now=NOW) == 4
    assert (
        _codes(company)
        == _codes(other)
        == {
            "anomaly.backup_failed",
            "anomaly.restore_drill_failed",
        }
    )
    JobRun.objects.create(
        job_name="backup", started_at=NOW, finished_at=NOW + dt.timedelta(minutes=1), succeeded=True
    )
    Alert.objects.all().delete()
    alerts_job_check(now=NOW + dt.timedelta(minutes=2))
    assert _codes(company) == {"anomaly.restore_drill_failed"}


def test_an_alert_seen_again_is_kept_once_and_a_resolved_one_reopens(company, user):
    invoice(company, buyer_tax_id="91110000OTHER00001")
    [first] = alerts_detect(company=company, now=NOW)
    [again] = alerts_detect(company=company, now=NOW + dt.timedelta(days=1))
    assert again.pk == first.pk
    assert again.occurrences == 2
    Alert.objects.filter(pk=first.pk).update(status=AlertStatus.RESOLVED)
    assert alerts_record(company=company, found=[], now=NOW) == []
    [reopened] = alerts_detect(company=company, now=NOW + dt.timedelta(days=2))
    assert reopened.pk == first.pk
    assert reopened.status == AlertStatus.OPEN


def test_the_companys_own_sales_invoices_are_not_judged(company):
    invoice(company, direction="sales", gross="12000", issue_date=dt.date(2025, 10, 1))
    assert alerts_detect(company=company, now=NOW) == []
