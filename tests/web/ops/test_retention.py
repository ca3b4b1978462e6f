"""Backup retention: the newest of each of 7 days, 4 ISO weeks and 12 months (Beijing time)."""

from __future__ import annotations

import datetime as dt

from fapiao.web.ops.retention import backup_name, backup_time, backups_to_keep


def test_names_and_times_round_trip():
    at = dt.datetime(2025, 3, 1, 18, 0, 5, tzinfo=dt.UTC)
    assert backup_name(at) == "fapiao-backup-20250301T180005Z.fpbak"
    assert backup_time(backup_name(at)) == at
    assert backup_time("notes.txt") is None
    assert backup_time("fapiao-backup-20250301T180005Z.fpbak.partial") is None


def test_a_year_of_daily_backups_keeps_7_daily_4_weekly_12_monthly():
    last = dt.datetime(2025, 12, 31, 18, 0, tzinfo=dt.UTC)  # 02:00 on 1 January in Beijing
    taken = [last - dt.timedelta(days=n) for n in range(400)]

    keep = backups_to_keep(taken)

    newest_first = sorted(keep, reverse=True)
    assert newest_first[:7] == taken[:7]  # the last seven days
    assert len(keep) <= 7 + 4 + 12
    months = {(t.astimezone(dt.timezone(dt.timedelta(hours=8)))).strftime("%Y-%m") for t in keep}
    assert len(months) == 12  # one for each of the last twelve months
    assert taken[-1] not in keep


def test_days_and_months_are_beijing_days():
    # 17:00 and 17:30 UTC are 01:00 and 01:30 the next day in Beijing: one day, the later kept
    a = dt.datetime(2025, 5, 31, 17, 0, tzinfo=dt.UTC)
    b = dt.datetime(2025, 5, 31, 17, 30, tzinfo=dt.UTC)
    c = dt.datetime(2025, 5, 31, 15, 0, tzinfo=dt.UTC)  # 23:00 on 31 May in Beijing
    keep = backups_to_keep([a, b, c], daily=7, weekly=0, monthly=0)
    assert keep == {b, c}


def test_nothing_is_kept_twice_and_few_backups_are_all_kept():
    taken = [dt.datetime(2025, 1, d, 18, tzinfo=dt.UTC) for d in (1, 2, 3)]
    assert backups_to_keep(taken) == set(taken)
    assert backups_to_keep([]) == set()
