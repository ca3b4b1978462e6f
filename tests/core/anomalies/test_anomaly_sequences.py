from __future__ import annotations

from anomaly_helpers import COMPANY, invoice

from fapiao.core.anomalies import AnomalyThresholds, detect_consecutive_numbers
from fapiao.core.invoice import Direction


def test_run_of_five_legacy_numbers_alerts() -> None:
    invoices = [invoice(f"{n:08d}") for n in (41, 42, 43, 44, 45, 50)]
    [alert] = detect_consecutive_numbers(COMPANY, invoices)
    assert alert.code == "anomaly.consecutive_numbers"
    assert alert.values["count"] == 5
    assert alert.values["first"] == "037002400111/00000041"
    assert alert.values["last"] == "037002400111/00000045"
    assert len(alert.invoices) == 5
    assert "5 张连号发票" in alert.message


def test_run_of_four_or_a_broken_run_stays_quiet() -> None:
    four = [invoice(f"{n:08d}") for n in (1, 2, 3, 4)]
    broken = [invoice(f"{n:08d}") for n in (1, 2, 4, 5, 7)]
    assert detect_consecutive_numbers(COMPANY, four) == []
    assert detect_consecutive_numbers(COMPANY, broken) == []


def test_numbers_under_different_codes_are_different_series() -> None:
    invoices = [invoice(f"{n:08d}", code="03700240011" + str(n % 2)) for n in range(1, 7)]
    assert detect_consecutive_numbers(COMPANY, invoices) == []


def test_digital_numbers_run_within_one_year_region_prefix() -> None:
    run = [invoice(f"2437200000{n:010d}", code=None) for n in range(100, 105)]
    [alert] = detect_consecutive_numbers(COMPANY, run)
    assert alert.values["series"] == "24372"
    other_region = [invoice(f"2444200000{n:010d}", code=None) for n in range(105, 108)]
    [same] = detect_consecutive_numbers(COMPANY, run[:2] + other_region + run[2:])
    assert same.values["count"] == 5


def test_sales_invoices_and_threshold() -> None:
    sales = [invoice(f"{n:08d}", direction=Direction.SALES) for n in range(1, 9)]
    assert detect_consecutive_numbers(COMPANY, sales) == []
    pair = [invoice("00000001"), invoice("00000002")]
    assert detect_consecutive_numbers(COMPANY, pair) == []
    assert (
        len(detect_consecutive_numbers(COMPANY, pair, AnomalyThresholds(consecutive_min_run=2)))
        == 1
    )
