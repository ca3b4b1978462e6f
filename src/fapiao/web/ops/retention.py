"""备份保留策略 (backup retention): keep the newest backup of each of the last 7 days, 4 ISO weeks
and 12 months (grandfather-father-son), in China Standard Time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from fapiao.core.invoice import CHINA_TZ

NAME_PATTERN = re.compile(r"^fapiao-backup-(\d{8}T\d{6}Z)\.fpbak$")


def backup_name(at: dt.datetime) -> str:
    """The file name of a scheduled backup taken at ``at``."""
    return f"fapiao-backup-{at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.fpbak"


def backup_time(name: str) -> dt.datetime | None:
    """When a backup with this file name was taken (``None`` for other names)."""
    match = NAME_PATTERN.match(name)
    if match is None:
        return None
    return dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def backups_to_keep(
    taken: Iterable[dt.datetime], *, daily: int = 7, weekly: int = 4, monthly: int = 12
) -> set[dt.datetime]:
    """The instants to keep: the newest per day, per ISO week and per month, most recent first."""
    newest_first = sorted(set(taken), reverse=True)
    keep: set[dt.datetime] = set()
    buckets: list[tuple[int, dict[object, dt.datetime]]] = [
        (daily, {}),
        (weekly, {}),
        (monthly, {}),
    ]
    for at in newest_first:
        local = at.astimezone(CHINA_TZ)
        keys: tuple[object, object, object] = (
            local.date(),
            local.isocalendar()[:2],
            (local.year, local.month),
        )
        for (limit, seen), key in zip(buckets, keys, strict=True):
            if key not in seen and len(seen) < limit:
                seen[key] = at
                keep.add(at)
    return keep
