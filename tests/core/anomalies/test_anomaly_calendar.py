from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from anomaly_helpers import COMPANY, invoice

from fapiao.core.anomalies import (
    AnomalyThresholds,
    DayType,
    WorkCalendar,
    detect_off_day_invoices,
    filing_deadline,
    read_calendar_csv,
)
from fapiao.core.errors import ValidationError
from fapiao.core.findings import Severity
from fapiao.core.invoice import InvoiceKind

CAL = WorkCalendar()
BIG = "12000"


def test_package_calendar_knows_holidays_weekends_and_make_up_workdays() -> None:
    assert CAL.day_type(dt.date(2024, 10, 1)) is DayType.HOLIDAY  # 国庆节
    assert CAL.day_type(dt.date(2024, 10, 7)) is DayType.HOLIDAY  # 调休 day off (a Monday)
    assert CAL.day_type(dt.date(2024, 10, 12)) is DayType.WORKDAY  # a Saturday worked (调休)
    assert CAL.day_type(dt.date(2024, 10, 13)) is DayType.WEEKEND
    assert CAL.day_type(dt.date(2024, 10, 14)) is DayType.WORKDAY
    assert CAL.is_known(2024)


def test_holiday_issue_alerts_as_a_notice() -> None:
    [alert] = detect_off_day_invoices(
        COMPANY, [invoice("1", gross=BIG, day=dt.date(2024, 10, 2))], CAL
    )
    assert alert.code == "anomaly.holiday_issue"
    assert alert.severity is Severity.INFO
    assert "法定节假日 2024-10-02" in alert.message
    assert "National Day" in alert.message_en


def test_weekend_alerts_but_make_up_workday_does_not() -> None:
    sunday = invoice("1", gross=BIG, day=dt.date(2024, 10, 13))
    make_up = invoice("2", gross=BIG, day=dt.date(2024, 10, 12))
    [alert] = detect_off_day_invoices(COMPANY, [sunday, make_up], CAL)
    assert alert.code == "anomaly.weekend_issue"
    assert alert.invoices == (sunday.identity,)
    assert "星期日" in alert.message


def test_small_amounts_tickets_and_workdays_stay_quiet() -> None:
    holiday = dt.date(2024, 10, 2)
    quiet = [
        invoice("1", gross="9999.99", day=holiday),
        invoice("2", gross=BIG, day=holiday, kind=InvoiceKind.TOLL),
        invoice("3", gross=BIG, day=dt.date(2024, 10, 8)),
    ]
    assert detect_off_day_invoices(COMPANY, quiet, CAL) == []


def test_weekend_switch_and_amount_threshold() -> None:
    sunday = [invoice("1", gross="50", day=dt.date(2024, 10, 13))]
    assert detect_off_day_invoices(COMPANY, sunday, CAL) == []
    every = AnomalyThresholds(off_day_min_amount=Decimal(0))
    assert len(detect_off_day_invoices(COMPANY, sunday, CAL, every)) == 1
    no_weekends = AnomalyThresholds(off_day_weekends=False)
    big_sunday = [invoice("1", gross=BIG, day=dt.date(2024, 10, 13))]
    assert detect_off_day_invoices(COMPANY, big_sunday, CAL, no_weekends) == []


def test_unknown_year_gives_one_notice_not_an_alert_per_invoice() -> None:
    sunday_2031 = dt.date(2031, 3, 2)
    invoices = [invoice(str(n), gross=BIG, day=sunday_2031) for n in range(3)]
    [notice] = detect_off_day_invoices(COMPANY, invoices, CAL)
    assert notice.code == "anomaly.calendar_unknown_year"
    assert notice.severity is Severity.INFO
    assert notice.subject == "calendar:2031"
    assert notice.values == {"year": 2031, "count": 3}
    assert "2031 年的节假日安排未知" in notice.message


def test_uploaded_calendar_makes_a_year_known_and_wins_over_the_package() -> None:
    days = read_calendar_csv("date,type\n2031-03-01,workday\n2031-03-03,holiday\n2024-10-12,休\n")
    calendar = WorkCalendar(days)
    assert calendar.is_known(2031)
    assert calendar.day_type(dt.date(2031, 3, 1)) is DayType.WORKDAY  # a Saturday worked
    assert calendar.day_type(dt.date(2031, 3, 2)) is DayType.WEEKEND
    assert calendar.day_type(dt.date(2031, 3, 3)) is DayType.HOLIDAY
    assert calendar.day_type(dt.date(2024, 10, 12)) is DayType.HOLIDAY
    alerts = detect_off_day_invoices(
        COMPANY, [invoice("1", gross=BIG, day=dt.date(2031, 3, 2))], calendar
    )
    assert [a.code for a in alerts] == ["anomaly.weekend_issue"]


def test_calendar_csv_errors_name_the_line() -> None:
    with pytest.raises(ValidationError, match="第 2 行"):
        read_calendar_csv("2024-01-01,holiday\n2024-13-01,holiday\n")
    with pytest.raises(ValidationError, match="line 1 must have type"):
        read_calendar_csv("2024-01-01,maybe\n")


def test_filing_deadline_moves_past_rest_days_and_takes_overrides() -> None:
    assert filing_deadline(2024, 3, CAL) == dt.date(2024, 3, 15)  # a Friday
    assert filing_deadline(2024, 6, CAL) == dt.date(2024, 6, 17)  # 15th is a Saturday
    assert filing_deadline(2024, 9, CAL) == dt.date(2024, 9, 18)  # weekend, then 中秋节
    published = {(2024, 10): dt.date(2024, 10, 24)}
    assert filing_deadline(2024, 10, CAL, published) == dt.date(2024, 10, 24)


def test_red_reversal_on_a_holiday_stays_quiet() -> None:
    red = invoice("1", gross="-12000", day=dt.date(2024, 10, 2), is_red=True)
    assert detect_off_day_invoices(COMPANY, [red], CAL) == []
