from __future__ import annotations

import datetime as dt

from alert_helpers import NOW, alert

from fapiao.core.alerts import DIGEST, SentAlert, deduplicate, rate_limit
from fapiao.core.findings import Severity


def _sent(subject: str, minutes_ago: int, *, channel: str = "wecom") -> SentAlert:
    a = alert(subject)
    return SentAlert(a.code, a.company, subject, channel, NOW - dt.timedelta(minutes=minutes_ago))


def test_same_alert_within_the_window_is_suppressed() -> None:
    previous = [_sent("a", 60 * 23)]
    assert deduplicate([alert("a"), alert("b")], previous, channel="wecom", now=NOW) == [alert("b")]


def test_after_the_window_or_on_another_channel_it_is_sent_again() -> None:
    assert deduplicate([alert("a")], [_sent("a", 60 * 24)], channel="wecom", now=NOW) == [
        alert("a")
    ]
    assert deduplicate(
        [alert("a")], [_sent("a", 5, channel="email")], channel="wecom", now=NOW
    ) == [alert("a")]


def test_another_company_or_code_is_another_alert() -> None:
    previous = [_sent("a", 5)]
    other_company = alert("a", company="other")
    other_code = alert("a", code="anomaly.amount_outlier")
    batch = [other_company, other_code]
    assert deduplicate(batch, previous, channel="wecom", now=NOW) == batch


def test_repeats_within_one_batch_are_sent_once() -> None:
    assert deduplicate([alert("a"), alert("a")], [], channel="wecom", now=NOW) == [alert("a")]


def test_within_budget_everything_goes_out() -> None:
    result = rate_limit([alert("a"), alert("b")], [], channel="wecom", now=NOW, max_per_hour=2)
    assert [a.subject for a in result.send] == ["a", "b"]
    assert result.digest is None
    assert result.deferred == []


def test_excess_is_summarised_in_one_digest_that_takes_the_last_slot() -> None:
    batch = [alert(f"w{n}") for n in range(5)] + [alert("e", severity=Severity.ERROR)]
    previous = [_sent("old", 30), _sent("older", 90)]  # one message in the last hour
    result = rate_limit(batch, previous, channel="wecom", now=NOW, max_per_hour=4)
    assert [a.subject for a in result.send] == ["e", "w0"]  # errors first
    assert result.digest is not None
    assert result.digest.code == DIGEST
    assert [a.subject for a in result.covered] == ["w1", "w2", "w3", "w4"]
    assert result.digest.values["count"] == 4
    assert "4 条预警合并发送（anomaly.risky_seller × 4）" in result.digest.message
    assert "4 alerts in one digest" in result.digest.message_en
    assert result.deferred == []
    records = result.records(channel="wecom", sent_at=NOW)
    assert sum(not r.in_digest for r in records) == 3  # 1 earlier + 3 now = the budget of 4
    assert {r.subject for r in records if r.in_digest} == {"w1", "w2", "w3", "w4"}


def test_digest_covered_alerts_are_deduplicated_later_but_not_counted_as_messages() -> None:
    batch = [alert(f"w{n}") for n in range(4)]
    records = rate_limit(batch, [], channel="wecom", now=NOW, max_per_hour=2).records(
        channel="wecom", sent_at=NOW
    )
    later = NOW + dt.timedelta(minutes=10)
    assert deduplicate(batch, records, channel="wecom", now=later) == []
    again = rate_limit([alert("new")], records, channel="wecom", now=later, max_per_hour=3)
    assert [a.subject for a in again.send] == ["new"]


def test_no_budget_left_defers_the_whole_batch() -> None:
    previous = [_sent(f"x{n}", n) for n in range(3)]
    result = rate_limit([alert("a")], previous, channel="wecom", now=NOW, max_per_hour=3)
    assert result.send == []
    assert result.digest is None
    assert result.deferred == [alert("a")]
    an_hour_later = rate_limit(
        [alert("a")], previous, channel="wecom", now=NOW + dt.timedelta(hours=1), max_per_hour=3
    )
    assert an_hour_later.send == [alert("a")]
