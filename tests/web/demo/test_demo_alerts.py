"""Alerts must be rare on the demo data too, and each one there is there on purpose.

A demo of 1,000 invoices (fixed seed and anchor date) is filled, then every anomaly detector runs
the way the scheduler runs it (the daily jobs, every company).  At most 1 % of the invoices may be
involved in an alert, and the alerts are exactly the deliberate anomalies of the generator.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fapiao.core.invoice import CHINA_TZ
from fapiao.web.alerts.models import Alert
from fapiao.web.demo.catalogue import company_party
from fapiao.web.demo.generator import OFF_DAY, OUTLIER, RUN, SPLIT, generate
from fapiao.web.demo.people import demo_company_ensure
from fapiao.web.demo.services import demo_fill
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.ops import jobs
from fapiao.web.ops.scheduler import default_jobs

pytestmark = pytest.mark.django_db

SIZE = 1000
ANCHOR = dt.date(2026, 11, 12)
# 06:00 on the anchor day: the October VAT return is due on 16 November (the 15th is a Sunday),
# four days away, so the deduction reminder is awake; the 10th has passed, so is the monthly
# reconciliation check.
NOW = dt.datetime(2026, 11, 12, 6, 0, tzinfo=CHINA_TZ)
DETECTION_JOBS = ("anomaly_detection", "deduction_reminder", "reconciliation_overdue")


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_raises_only_its_deliberate_anomalies():
    company, _ = demo_company_ensure()
    summary = demo_fill(company=company, size=SIZE, seed=0, anchor=ANCHOR)
    assert summary.created == SIZE

    specs = {spec.name: spec for spec in default_jobs()}
    assert specs["anomaly_detection"].run is jobs.anomaly_job
    for name in DETECTION_JOBS:
        specs[name].run(NOW)

    alerts = list(Alert.objects.filter(company=company, last_seen_at=NOW))
    involved = {tuple(identity) for alert in alerts for identity in alert.invoices}
    assert len(alerts) <= SIZE // 100
    assert len(involved) <= SIZE // 100  # 9 of 1,000 (0.9 %)

    generated = generate(
        company=company_party(company.name, company.tax_id), size=SIZE, seed=0, anchor=ANCHOR
    )
    recorded = set(InvoiceRecord.objects.filter(company=company).values_list("identity_key"))

    def tagged(tag: str) -> list[list[str]]:
        keys = sorted(inv.key for inv in generated if tag in inv.tags)
        assert {(key,) for key in keys} <= recorded
        return [["", key] for key in keys]  # 数电 numbers: no 发票代码

    found = sorted((a.code, sorted(a.invoices)) for a in alerts)
    assert found == sorted(
        [
            # the annual meeting: 20 rooms at the usual hotel, about 10 times its other bills
            ("anomaly.amount_outlier", tagged(OUTLIER)),
            # two laptops from one shop two days apart, each just under the 10,000 approval
            # threshold, together above it
            ("anomaly.split_under_threshold", tagged(SPLIT)),
            # the tax adviser's quarterly fee invoiced on 7 October, a National Day holiday
            ("anomaly.holiday_issue", tagged(OFF_DAY)),
            # five air-ticket service fees of one day with consecutive numbers
            ("anomaly.consecutive_numbers", tagged(RUN)),
        ]
    )
    # Nothing else: no deduction is waiting (last month's invoices were reviewed and selected,
    # reversed ones are not deductible), the reconciliation ran this month, no import failed.
