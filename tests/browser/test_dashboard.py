"""The dashboard draws each of its ECharts charts (a canvas or svg of non-zero size)."""

from __future__ import annotations

from typing import Any

import pytest

from fapiao.web.companies.models import Company, Role

pytestmark = [pytest.mark.browser]

CHARTS = {"monthly", "sellers", "buyers", "rates", "deduction", "reconciliation"}

DRAWN = """
(el) => {
  const surface = el.querySelector("canvas, svg");
  if (!surface) return 0;
  const box = surface.getBoundingClientRect();
  return box.width * box.height;
}
"""


def test_dashboard_draws_its_charts(
    browser: Any, company: Company, uploaded: dict[str, Any], make_user: Any
) -> None:
    me = browser.open(make_user("只读丁"), company, Role.VIEWER)
    tab = me.page
    me.goto("/dashboard/")
    charts = tab.locator("[data-chart]")
    names = set(charts.evaluate_all("els => els.map(e => e.dataset.chart)"))
    assert names == CHARTS
    for name in sorted(names):
        chart = tab.locator(f"[data-chart='{name}']")
        chart.scroll_into_view_if_needed()
        tab.wait_for_selector(f"[data-chart='{name}'][data-drawn='true']")
        tab.wait_for_function(
            f"() => ({DRAWN})(document.querySelector(\"[data-chart='{name}']\")) > 0"
        )
        assert chart.evaluate(DRAWN) > 1000, name
    # the monthly chart has the uploaded invoices' month (March 2025) on its axis
    months = tab.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector(\"[data-chart='monthly']\"))"
        ".getOption().xAxis[0].data"
    )
    assert any(str(m).startswith("2025-03") for m in months), months
    me.shot("dashboard")
