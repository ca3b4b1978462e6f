"""去重与限流 (de-duplication and rate limiting) of alert sends, as pure functions.

The caller passes the record of earlier sends (:class:`SentAlert`, kept by the web layer) and the
current instant; nothing here reads a clock or a database.

- De-duplication: an alert whose (code, company, subject) was sent on the channel within the
  window (24 hours by default) is suppressed; so is a repeat within one batch.
- Rate limit: at most N messages per channel in any rolling hour.  When a batch would exceed the
  budget, the budget minus one alerts go out individually and the rest are summarised in one
  digest alert (``alert.digest``), which takes the last slot.  With no budget left, the batch is
  deferred whole, for the next run: nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fapiao.core.alerts.render import ordered
from fapiao.core.anomalies.base import SEVERITY_ORDER, Alert

DIGEST = "alert.digest"
DEFAULT_DEDUP_WINDOW = dt.timedelta(hours=24)
DEFAULT_MAX_PER_HOUR = 10
_HOUR = dt.timedelta(hours=1)
_DIGEST_LINES = 5


@dataclass(frozen=True, slots=True)
class SentAlert:
    """发送记录: one alert sent on one channel (individually, or inside a digest)."""

    code: str
    company: str
    subject: str
    channel: str
    sent_at: dt.datetime  # aware UTC instant
    in_digest: bool = False  # covered by a digest message, not a message of its own

    @property
    def key(self) -> tuple[str, str, str]:
        """The de-duplication key: (code, company, subject)."""
        return (self.code, self.company, self.subject)


@dataclass(frozen=True, slots=True)
class RateLimited:
    """The outcome of rate limiting one batch on one channel."""

    send: list[Alert]  # to send individually now
    digest: Alert | None  # one message summarising ``covered``, to send now
    covered: list[Alert]  # alerts inside the digest
    deferred: list[Alert]  # no budget left this hour: try again later

    def records(self, *, channel: str, sent_at: dt.datetime) -> list[SentAlert]:
        """The send records to keep once the messages went out."""
        sent = [*self.send, *([self.digest] if self.digest else [])]
        return [
            *(SentAlert(a.code, a.company, a.subject, channel, sent_at) for a in sent),
            *(
                SentAlert(a.code, a.company, a.subject, channel, sent_at, in_digest=True)
                for a in self.covered
            ),
        ]


def deduplicate(
    alerts: Iterable[Alert],
    previous: Iterable[SentAlert],
    *,
    channel: str,
    now: dt.datetime,
    window: dt.timedelta = DEFAULT_DEDUP_WINDOW,
) -> list[Alert]:
    """The alerts not sent on the channel within the window, each key once."""
    recent = {p.key for p in previous if p.channel == channel and now - p.sent_at < window}
    kept = []
    for alert in alerts:
        if alert.key not in recent:
            recent.add(alert.key)
            kept.append(alert)
    return kept


def messages_in_last_hour(previous: Iterable[SentAlert], *, channel: str, now: dt.datetime) -> int:
    """Messages sent on the channel in the rolling hour (alerts inside a digest not counted)."""
    return sum(
        1
        for p in previous
        if p.channel == channel and not p.in_digest and dt.timedelta(0) <= now - p.sent_at < _HOUR
    )


def rate_limit(
    alerts: Sequence[Alert],
    previous: Iterable[SentAlert],
    *,
    channel: str,
    now: dt.datetime,
    max_per_hour: int = DEFAULT_MAX_PER_HOUR,
) -> RateLimited:
    """Split a batch into alerts to send now, one digest of the excess, and deferred alerts."""
    items = ordered(alerts)
    budget = max_per_hour - messages_in_last_hour(previous, channel=channel, now=now)
    if budget <= 0:
        return RateLimited([], None, [], items)
    if len(items) <= budget:
        return RateLimited(items, None, [], [])
    send, covered = items[: budget - 1], items[budget - 1 :]
    return RateLimited(send, digest_alert(covered, now=now), covered, [])


def digest_alert(alerts: Sequence[Alert], *, now: dt.datetime) -> Alert:
    """One alert summarising many: counts per code and the first few messages."""
    items = ordered(alerts)
    companies = sorted({a.company for a in items})
    counts = Counter(a.code for a in items)
    by_code = "、".join(f"{code} × {n}" for code, n in sorted(counts.items()))
    by_code_en = ", ".join(f"{code} × {n}" for code, n in sorted(counts.items()))
    shown = items[:_DIGEST_LINES]
    more = len(items) - len(shown)
    lines = "\n".join(f"- {a.message}" for a in shown) + (f"\n- ……另有 {more} 条" if more else "")
    lines_en = "\n".join(f"- {a.message_en}" for a in shown) + (
        f"\n- … and {more} more" if more else ""
    )
    stamp = now.astimezone(dt.UTC).isoformat(timespec="seconds")
    return Alert(
        DIGEST,
        min((a.severity for a in items), key=SEVERITY_ORDER.__getitem__),
        companies[0] if len(companies) == 1 else "*",
        f"digest:{stamp}",
        f"超出发送频率，{len(items)} 条预警合并发送（{by_code}）：\n{lines}",
        f"Rate limit reached: {len(items)} alerts in one digest ({by_code_en}):\n{lines_en}",
        {"count": len(items), **{f"count.{code}": n for code, n in counts.items()}},
        tuple(i for a in items for i in a.invoices),
    )
