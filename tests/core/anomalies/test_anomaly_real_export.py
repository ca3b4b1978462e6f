"""Alerts must be rare on real data: the tax bureau's 2021 purchase export in the shared samples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fapiao.config import samples_dir
from fapiao.core.anomalies import (
    AnomalyThresholds,
    WorkCalendar,
    detect_invoice_anomalies,
    detect_unselected_deductions,
)
from fapiao.core.invoice import Invoice
from fapiao.core.parsing.api import parse_path

BUYER = "91371400MA949RUW2H"  # the company of the export


def _invoices() -> list[Invoice]:
    path = samples_dir() / "export" / "全量发票查询导出-取得发票-2021.xlsx"
    if not path.is_file():
        pytest.skip(f"shared sample export not found at {path} (set FAPIAO_SAMPLES_DIR)")
    return [parsed.invoice for parsed in parse_path(path).invoices]


@pytest.mark.samples
def test_default_thresholds_raise_no_alert_on_the_real_export() -> None:
    invoices = _invoices()
    assert len(invoices) == 35
    alerts = detect_invoice_anomalies("dezhou", invoices, company_tax_ids=[BUYER])
    involved = {identity for alert in alerts for identity in alert.invoices}
    assert len(involved) <= len(invoices) // 100  # at most 1 %: with 35 invoices, none
    assert alerts == []
    # the export holds only 普票: nothing is waiting for 勾选 before the January deadline
    today = dt.date(2022, 1, 14)
    assert detect_unselected_deductions("dezhou", invoices, [], today, WorkCalendar()) == []


@pytest.mark.samples
def test_loose_thresholds_show_what_the_defaults_keep_quiet() -> None:
    loose = AnomalyThresholds(
        approval_threshold=Decimal("2000"),
        split_margin=Decimal("0.30"),
        split_window_days=30,
        outlier_min_history=3,
        consecutive_min_run=2,
        off_day_min_amount=Decimal("0"),
    )
    alerts = detect_invoice_anomalies(
        "dezhou", _invoices(), company_tax_ids=[BUYER], thresholds=loose
    )
    found = sorted((a.code, a.subject) for a in alerts)
    assert found == sorted(
        [
            # 中国石化 德州: two fuel cards of 1 500 on 24 Nov and 16 Dec, each 25 % under a 2 000
            # threshold: a split only under these loose settings (default: 10 000, 10 %, 7 days)
            (
                "anomaly.split_under_threshold",
                "split:913714007242636666:91371400MA949RUW2H:037002000311/51341375",
            ),
            # the same station's 100 after 2 000, 1 500, 1 500: a small top-up; judged only with 3
            # prior invoices (the default needs 5)
            ("anomaly.amount_outlier", "invoice:037002000311/51523087"),
            # a blue invoice and its red reversal take consecutive numbers: a run of 2 (default 5)
            (
                "anomaly.consecutive_numbers",
                "run:91370113MA3CE86E4C:91371400MA949RUW2H:037001700111/30785030",
            ),
            # two Sunday purchases (a fuel card of 2 000 and a 345 bill); the default only looks at
            # 10 000 and more on a rest day
            ("anomaly.weekend_issue", "invoice:037002000104/03955908"),
            ("anomaly.weekend_issue", "invoice:037002000311/50521076"),
        ]
    )
    assert all(a.invoices for a in alerts)
