from __future__ import annotations

import datetime as dt
from decimal import Decimal

from anomaly_helpers import COMPANY, WEDNESDAY, invoice

from fapiao.core.anomalies import (
    AnomalyThresholds,
    detect_amount_outliers,
    detect_split_amounts,
    modified_z_score,
)
from fapiao.core.findings import Severity
from fapiao.core.invoice import Invoice


def _day(offset: int) -> dt.date:
    return WEDNESDAY + dt.timedelta(days=offset)


# splitting under the approval threshold (10 000 by default, 10 % margin, 7 days)


def test_three_invoices_just_under_the_threshold_within_a_week_alert() -> None:
    invoices = [
        invoice("00000001", gross="9800", day=_day(0)),
        invoice("00000005", gross="9500", day=_day(3)),
        invoice("00000009", gross="9999.99", day=_day(7)),
    ]
    [alert] = detect_split_amounts(COMPANY, invoices)
    assert alert.code == "anomaly.split_under_threshold"
    assert alert.severity is Severity.WARNING
    assert alert.values["count"] == 3
    assert alert.values["total"] == Decimal("29299.99")
    assert len(alert.invoices) == 3
    assert "29,299.99" in alert.message
    assert "10,000.00" in alert.message_en


def test_near_misses_stay_quiet() -> None:
    apart = [invoice("1", gross="9800", day=_day(0)), invoice("2", gross="9800", day=_day(8))]
    too_low = [invoice("1", gross="8999.99", day=_day(0)), invoice("2", gross="9800")]
    at_threshold = [invoice("1", gross="10000"), invoice("2", gross="9800")]
    two_sellers = [invoice("1", gross="9800"), invoice("2", gross="9800", seller="9137X")]
    for case in (apart, too_low, at_threshold, two_sellers):
        assert detect_split_amounts(COMPANY, case) == []


def test_red_invoices_do_not_count() -> None:
    invoices = [invoice("1", gross="9800"), invoice("2", gross="9800", is_red=True)]
    assert detect_split_amounts(COMPANY, invoices) == []


def test_split_thresholds_are_respected() -> None:
    invoices = [invoice("1", gross="4600"), invoice("2", gross="4700", day=_day(20))]
    assert detect_split_amounts(COMPANY, invoices) == []
    loose = AnomalyThresholds(approval_threshold=Decimal("5000"), split_window_days=30)
    assert len(detect_split_amounts(COMPANY, invoices, loose)) == 1


# amount far outside the seller's history (modified z-score > 3.5, at least 5 earlier invoices)


def _history(amounts: list[str]) -> list[Invoice]:
    return [invoice(f"{i:08d}", gross=a, day=_day(i)) for i, a in enumerate(amounts)]


def test_modified_z_score_matches_a_hand_computation() -> None:
    history = [Decimal(x) for x in ("100", "110", "120", "130", "140")]
    z, median, mad = modified_z_score(Decimal("320"), history)
    assert median == Decimal("120")
    assert mad == Decimal("10")
    assert z == Decimal("0.6745") * 200 / 10  # 13.49


def test_amount_far_above_the_sellers_history_alerts() -> None:
    invoices = _history(["100", "110", "120", "130", "140", "1500"])
    [alert] = detect_amount_outliers(COMPANY, invoices)
    assert alert.code == "anomaly.amount_outlier"
    assert alert.invoices == (invoices[-1].identity,)
    assert alert.values["median"] == Decimal("120")
    assert "1,500.00" in alert.message
    assert "120.00" in alert.message_en


def test_too_little_history_stays_quiet() -> None:
    assert detect_amount_outliers(COMPANY, _history(["100", "110", "120", "130", "1500"])) == []


def test_moderate_deviation_stays_quiet() -> None:
    # z is large (MAD 10) but 300 is not 3 × the median 120: ordinary variation
    assert (
        detect_amount_outliers(COMPANY, _history(["100", "110", "120", "130", "140", "300"])) == []
    )


def test_identical_history_uses_the_ratio_not_an_infinite_z() -> None:
    assert detect_amount_outliers(COMPANY, _history(["300"] * 6 + ["310"])) == []
    [alert] = detect_amount_outliers(COMPANY, _history(["300"] * 6 + ["1000"]))
    assert alert.values["z"] == "∞"


def test_outlier_thresholds_are_respected() -> None:
    invoices = _history(["100", "110", "120", "1500"])
    assert detect_amount_outliers(COMPANY, invoices) == []
    assert (
        len(detect_amount_outliers(COMPANY, invoices, AnomalyThresholds(outlier_min_history=3)))
        == 1
    )


def test_other_sellers_history_does_not_count() -> None:
    invoices = [
        *_history(["100", "110", "120", "130", "140"]),
        invoice("9", gross="1500", seller="9137X"),
    ]
    assert detect_amount_outliers(COMPANY, invoices) == []
