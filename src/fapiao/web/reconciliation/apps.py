"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    """The reconciliation (对账) app."""

    name = "fapiao.web.reconciliation"
    label = "reconciliation"
    verbose_name = "对账 Reconciliation"
