"""Alerts to render and send in the alert tests."""

from __future__ import annotations

import datetime as dt

from fapiao.core.anomalies import Alert
from fapiao.core.findings import Severity

NOW = dt.datetime(2024, 6, 1, 0, 0, tzinfo=dt.UTC)  # 1717200000


def alert(
    subject: str = "invoice:24372000000000000001",
    *,
    code: str = "anomaly.risky_seller",
    severity: Severity = Severity.WARNING,
    company: str = "acme",
) -> Alert:
    return Alert(
        code,
        severity,
        company,
        subject,
        f"发票 {subject} 的销售方在风险名单上",
        f"The seller of {subject} is on the risk list",
        {"invoice": subject},
        (("", "24372000000000000001"),),
    )
