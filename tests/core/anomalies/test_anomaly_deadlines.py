from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anomaly_helpers import COMPANY, invoice

from fapiao.core.anomalies import (
    AnomalyThresholds,
    WorkCalendar,
    detect_reconciliation_overdue,
    detect_unselected_deductions,
    next_filing,
)
from fapiao.core.invoice import CHINA_TZ, Invoice, InvoiceKind, china_today

CAL = WorkCalendar()
SPECIAL = InvoiceKind.DIGITAL_SPECIAL


def _special(number: str, day: dt.date, tax: str = "130") -> Invoice:
    return invoice(number, code=None, kind=SPECIAL, day=day, gross="1130", tax=tax)


def test_next_filing_is_this_months_until_its_deadline() -> None:
    assert next_filing(dt.date(2024, 6, 17), CAL) == ((2024, 5), dt.date(2024, 6, 17))
    assert next_filing(dt.date(2024, 6, 18), CAL) == ((2024, 6), dt.date(2024, 7, 15))


def test_unselected_special_invoices_alert_near_the_deadline() -> None:
    may = _special("24372000000000000001", dt.date(2024, 5, 20))
    picked = _special("24372000000000000002", dt.date(2024, 5, 21))
    june = _special("24372000000000000003", dt.date(2024, 6, 3))  # a later period
    ordinary = invoice("24372000000000000004", code=None, day=dt.date(2024, 5, 2))
    invoices = [may, picked, june, ordinary]
    today = dt.date(2024, 6, 12)  # deadline Monday 17 June (the 15th is a Saturday)
    [alert] = detect_unselected_deductions(COMPANY, invoices, [picked.identity], today, CAL)
    assert alert.code == "anomaly.deduction_unselected"
    assert alert.subject == "deduction:2024-05"
    assert alert.invoices == (may.identity,)
    assert alert.values["days_left"] == 5
    assert alert.values["tax_amount"] == Decimal("130")
    assert "2024-06-17" in alert.message
    assert "1 deductible invoices" in alert.message_en


def test_far_from_the_deadline_or_all_selected_stays_quiet() -> None:
    may = _special("24372000000000000001", dt.date(2024, 5, 20))
    assert detect_unselected_deductions(COMPANY, [may], [], dt.date(2024, 6, 11), CAL) == []
    identity = ("", " 24372000000000000001")
    assert detect_unselected_deductions(COMPANY, [may], [identity], dt.date(2024, 6, 12), CAL) == []


def test_deadline_override_and_warning_days() -> None:
    sept = _special("24372000000000000001", dt.date(2024, 9, 20))
    today = dt.date(2024, 10, 16)  # past the computed 15th, within the published extension
    published = {(2024, 10): dt.date(2024, 10, 24)}
    assert detect_unselected_deductions(COMPANY, [sept], [], today, CAL) == []
    [alert] = detect_unselected_deductions(
        COMPANY, [sept], [], today, CAL, AnomalyThresholds(deduction_warning_days=8), published
    )
    assert alert.values["deadline"] == dt.date(2024, 10, 24)


def test_reconciliation_not_run_this_month_alerts_from_the_due_day() -> None:
    [alert] = detect_reconciliation_overdue(COMPANY, dt.date(2024, 5, 28), dt.date(2024, 6, 10))
    assert alert.code == "anomaly.reconciliation_overdue"
    assert alert.subject == "reconciliation:2024-06"
    assert "2024-05-28" in alert.message
    [never] = detect_reconciliation_overdue(COMPANY, None, dt.date(2024, 6, 10))
    assert "never" in never.message_en
    assert detect_reconciliation_overdue(COMPANY, None, dt.date(2024, 6, 9)) == []
    assert detect_reconciliation_overdue(COMPANY, dt.date(2024, 6, 1), dt.date(2024, 6, 30)) == []


def test_reconciliation_run_time_is_read_in_china_time() -> None:
    # 2024-05-31 17:30 UTC is already 1 June in Beijing: this month's run
    run = dt.datetime(2024, 5, 31, 17, 30, tzinfo=dt.UTC)
    today = china_today(dt.datetime(2024, 6, 12, 1, 0, tzinfo=dt.UTC))
    assert run.astimezone(CHINA_TZ).date() == dt.date(2024, 6, 1)
    assert detect_reconciliation_overdue(COMPANY, run, today) == []
    earlier = dt.datetime(2024, 5, 31, 15, 30, tzinfo=dt.UTC)  # 23:30 on 31 May in Beijing
    assert len(detect_reconciliation_overdue(COMPANY, earlier, today)) == 1
