"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The reports app: dashboard (仪表盘), Excel exports, print views."""

    name = "fapiao.web.reports"
    label = "reports"
    verbose_name = "报表 Reports"
