"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The ops app."""

    name = "fapiao.web.ops"
    label = "ops"
    verbose_name = "运维 Operations"
