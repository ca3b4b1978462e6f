"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    """The companies app."""

    name = "fapiao.web.companies"
    label = "companies"
    verbose_name = "公司 Companies"
