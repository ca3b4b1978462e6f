"""报表 (reports): aggregations turned into plain tables and chart series, with no rendering.

The web layer aggregates in SQL and hands the grouped rows here; these functions fill the gaps
(months without invoices), fold the long tail into one 其他 row so that a chart's total is still
the database total, label tax rates, and add totals (合计).  Money stays ``Decimal`` throughout.
"""

from __future__ import annotations

from fapiao.core.reports.series import (
    MonthPoint,
    month_key,
    monthly_series,
    months_between,
    top_with_rest,
)
from fapiao.core.reports.summary import SummaryGroup, rate_label, summary_table
from fapiao.core.reports.table import Column, ColumnKind, ReportTable

__all__ = [
    "Column",
    "ColumnKind",
    "MonthPoint",
    "ReportTable",
    "SummaryGroup",
    "month_key",
    "monthly_series",
    "months_between",
    "rate_label",
    "summary_table",
    "top_with_rest",
]
