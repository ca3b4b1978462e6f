"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    """The invoices app."""

    name = "fapiao.web.invoices"
    label = "invoices"
    verbose_name = "发票 Invoices"
