"""工作日历 (working calendar): China's public holidays (法定节假日), weekends and 调休 make-up
working days, and the VAT filing deadline (申报期限) that follows from them.

Public holidays and 调休 come from the ``holidays`` package (国务院办公厅 notices, one per year;
``holidays.China(...).weekend_workdays`` lists the weekend days that are working days), for the
years whose notice it knows.  A company may upload a calendar (CSV ``date,type``, type
``holiday`` / ``workday``, also 休 / 班) for other years or to correct a day; its days win.  A year
neither knows is *unknown*: no day of it is judged, and the detectors say so with a notice.

Filing deadline (增值税纳税申报期限): the 15th of the month after the period; when it falls on a
rest day it moves to the next working day.  Long holidays early in a month extend it further by
the tax bureau's published 申报日历: pass those dates as overrides.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from holidays.countries.china import China

from fapiao.core.errors import ValidationError

WEEKEND = frozenset({5, 6})  # Saturday, Sunday


class DayType(StrEnum):
    """What a day is in China's calendar."""

    WORKDAY = "workday"  # 工作日 (including a 调休 weekend working day)
    WEEKEND = "weekend"  # 周末 (an ordinary rest day)
    HOLIDAY = "holiday"  # 法定节假日 or a 调休 day off


_TYPE_WORDS = {
    "holiday": DayType.HOLIDAY,
    "休": DayType.HOLIDAY,
    "假": DayType.HOLIDAY,
    "节假日": DayType.HOLIDAY,
    "休息日": DayType.HOLIDAY,
    "workday": DayType.WORKDAY,
    "班": DayType.WORKDAY,
    "工作日": DayType.WORKDAY,
    "调休上班": DayType.WORKDAY,
}


@functools.cache
def _package_years() -> frozenset[int]:
    """The years for which the package knows the State Council's 调休 notice."""
    try:
        from holidays.countries.china import ChinaStaticHolidays

        years = set(ChinaStaticHolidays.special_public_holidays)
    except (ImportError, AttributeError):  # pragma: no cover - depends on the package version
        return frozenset()
    return frozenset(range(min(years), max(years) + 1)) if years else frozenset()


@functools.cache
def _package_year(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    china = China(years=year)  # type: ignore[no-untyped-call]
    days = {day: str(name) for day, name in china.items() if day.year == year}
    workdays = frozenset(d for d in getattr(china, "weekend_workdays", ()) if d.year == year)
    return days, workdays


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """China's working calendar: the package's knowledge plus an uploaded calendar."""

    uploaded: Mapping[dt.date, DayType] = field(default_factory=dict)
    use_package: bool = True

    def is_known(self, year: int) -> bool:
        """Whether the 调休 of this year are known (from the package or the upload)."""
        if self.use_package and year in _package_years():
            return True
        return any(day.year == year for day in self.uploaded)

    def day_type(self, day: dt.date) -> DayType | None:
        """What the day is, or None when its year is unknown."""
        if day in self.uploaded:
            return self.uploaded[day]
        if not self.is_known(day.year):
            return None
        if self.use_package and day.year in _package_years():
            names, workdays = _package_year(day.year)
            if day in names:
                return DayType.HOLIDAY
            if day in workdays:
                return DayType.WORKDAY
        return DayType.WEEKEND if day.weekday() in WEEKEND else DayType.WORKDAY

    def holiday_name(self, day: dt.date) -> str | None:
        """The package's name of a public holiday (English), where it has one."""
        if not self.use_package or day.year not in _package_years():
            return None
        return _package_year(day.year)[0].get(day)

    def is_working_day(self, day: dt.date) -> bool:
        """A working day; for an unknown year, a weekday."""
        kind = self.day_type(day)
        if kind is None:
            return day.weekday() not in WEEKEND
        return kind is DayType.WORKDAY

    def next_working_day(self, day: dt.date) -> dt.date:
        """The day itself when it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day


def read_calendar_csv(data: bytes | str) -> dict[dt.date, DayType]:
    """An uploaded calendar: lines ``date,type`` (an optional header line is skipped)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    days: dict[dt.date, DayType] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) < 2:
            raise ValidationError(
                f"日历第 {number} 行应为“日期,类型”：{','.join(cells)}",
                f"Calendar line {number} must be 'date,type': {','.join(cells)}",
            )
        try:
            day = dt.date.fromisoformat(cells[0].replace("/", "-"))
        except ValueError:
            if number == 1:
                continue  # a header line
            raise ValidationError(
                f"日历第 {number} 行的日期无法识别：{cells[0]}",
                f"Calendar line {number} has an unreadable date: {cells[0]}",
            ) from None
        kind = _TYPE_WORDS.get(cells[1].lower())
        if kind is None:
            raise ValidationError(
                f"日历第 {number} 行的类型应为 holiday 或 workday：{cells[1]}",
                f"Calendar line {number} must have type holiday or workday: {cells[1]}",
            )
        days[day] = kind
    return days


def filing_deadline(
    year: int,
    month: int,
    calendar: WorkCalendar,
    overrides: Mapping[tuple[int, int], dt.date] | None = None,
) -> dt.date:
    """申报期限 of the filing made in (year, month), i.e. for the period of the month before:
    the tax bureau's date when given, else the 15th moved to the next working day."""
    if overrides and (year, month) in overrides:
        return overrides[(year, month)]
    return calendar.next_working_day(dt.date(year, month, 15))


def unknown_years(days: Iterable[dt.date], calendar: WorkCalendar) -> list[int]:
    """The years among the days whose calendar is unknown."""
    return sorted({day.year for day in days if not calendar.is_known(day.year)})
