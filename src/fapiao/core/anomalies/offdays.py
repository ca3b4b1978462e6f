"""节假日开票 (invoices issued on a rest day): a public holiday (法定节假日) or an ordinary weekend.

调休 make-up working days (a Saturday or Sunday worked in exchange for a longer holiday) are
working days and never count as weekend.  Retail, travel and toll tickets are issued every day
and are left out; so are red (红字) reversals and small amounts (see :class:`AnomalyThresholds`).
A year whose calendar is unknown (neither the ``holidays`` package nor an uploaded calendar has
it) is not judged: one notice per year says so, so that a company can upload its calendar.
"""

from __future__ import annotations

from collections.abc import Iterable

from fapiao.core.anomalies.base import (
    DEFAULT_THRESHOLDS,
    Alert,
    AnomalyThresholds,
    invoice_label,
    money,
)
from fapiao.core.anomalies.calendar import DayType, WorkCalendar
from fapiao.core.findings import Severity
from fapiao.core.invoice import Invoice

HOLIDAY_ISSUE = "anomaly.holiday_issue"
WEEKEND_ISSUE = "anomaly.weekend_issue"
CALENDAR_UNKNOWN_YEAR = "anomaly.calendar_unknown_year"

_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def detect_off_day_invoices(
    company: str,
    invoices: Iterable[Invoice],
    calendar: WorkCalendar,
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> list[Alert]:
    """Invoices at or above the amount issued on a public holiday or weekend, and one notice per
    year whose calendar is unknown."""
    alerts = []
    unknown: dict[int, int] = {}
    for invoice in invoices:
        day = invoice.issue_date
        amount = invoice.gross_amount
        if day is None or amount is None or invoice.is_red:
            continue
        if invoice.kind in thresholds.off_day_skip_kinds:
            continue
        if amount < thresholds.off_day_min_amount:
            continue
        kind = calendar.day_type(day)
        if kind is None:
            unknown[day.year] = unknown.get(day.year, 0) + 1
            continue
        if kind is DayType.WORKDAY or (kind is DayType.WEEKEND and not thresholds.off_day_weekends):
            continue
        label = invoice_label(invoice)
        weekday = day.strftime("%A")
        if kind is DayType.HOLIDAY:
            name = calendar.holiday_name(day) or "holiday"
            code, what, what_en = HOLIDAY_ISSUE, "法定节假日", f"a public holiday ({name})"
        else:
            code, what, what_en = WEEKEND_ISSUE, f"周末（{_WEEKDAYS[day.weekday()]}）", weekday
        alerts.append(
            Alert(
                code,
                Severity.INFO,
                company,
                f"invoice:{label}",
                f"发票 {label}（{money(amount)}）开具于{what} {day.isoformat()}",
                f"Invoice {label} ({money(amount)}) was issued on {what_en}, {day.isoformat()}",
                {"invoice": label, "issue_date": day, "gross_amount": amount, "day_type": kind},
                (invoice.identity,) if invoice.identity else (),
            )
        )
    for year, count in sorted(unknown.items()):
        alerts.append(
            Alert(
                CALENDAR_UNKNOWN_YEAR,
                Severity.INFO,
                company,
                f"calendar:{year}",
                f"{year} 年的节假日安排未知，{count} 张发票未检查节假日开票；请上传该年的日历",
                f"The holiday calendar of {year} is unknown, so {count} invoices were not checked "
                "for holiday issue; upload that year's calendar",
                {"year": year, "count": count},
            )
        )
    return alerts
