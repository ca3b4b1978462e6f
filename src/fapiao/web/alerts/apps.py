"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """The alerts app."""

    name = "fapiao.web.alerts"
    label = "alerts"
    verbose_name = "预警 Alerts"
