"""Rate limiting loses nothing and keeps the budget, whatever the batch and the history."""

from __future__ import annotations

import datetime as dt

from alert_helpers import NOW, alert
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.alerts import SentAlert, deduplicate, rate_limit
from fapiao.core.alerts.throttle import messages_in_last_hour
from fapiao.core.anomalies.base import SEVERITY_ORDER
from fapiao.core.findings import Severity

SEVERITIES = st.sampled_from(list(Severity))
BATCH = st.lists(st.tuples(st.integers(0, 30), SEVERITIES), max_size=40)
HISTORY = st.lists(st.integers(0, 120), max_size=20)  # minutes ago


def _history(minutes: list[int]) -> list[SentAlert]:
    return [
        SentAlert("anomaly.x", "acme", f"old{i}", "wecom", NOW - dt.timedelta(minutes=m))
        for i, m in enumerate(minutes)
    ]


@given(batch=BATCH, minutes=HISTORY, limit=st.integers(1, 12))
def test_every_alert_is_sent_digested_or_deferred_within_the_budget(
    batch: list[tuple[int, Severity]], minutes: list[int], limit: int
) -> None:
    alerts = [alert(f"s{n}", severity=severity) for n, severity in batch]
    previous = _history(minutes)
    result = rate_limit(alerts, previous, channel="wecom", now=NOW, max_per_hour=limit)
    out = [*result.send, *result.covered, *result.deferred]
    assert sorted(out, key=repr) == sorted(alerts, key=repr)
    messages = len(result.send) + (result.digest is not None)
    used = messages_in_last_hour(previous, channel="wecom", now=NOW)
    assert messages <= max(limit - used, 0)
    assert (result.digest is None) == (result.covered == [])
    if result.send and result.covered:  # the most urgent go out on their own
        least_urgent_sent = max(SEVERITY_ORDER[a.severity] for a in result.send)
        assert least_urgent_sent <= min(SEVERITY_ORDER[a.severity] for a in result.covered)


@given(batch=BATCH)
def test_deduplicate_twice_changes_nothing(batch: list[tuple[int, Severity]]) -> None:
    alerts = [alert(f"s{n}", severity=severity) for n, severity in batch]
    once = deduplicate(alerts, [], channel="wecom", now=NOW)
    assert deduplicate(once, [], channel="wecom", now=NOW) == once
    assert {a.key for a in once} == {a.key for a in alerts}
