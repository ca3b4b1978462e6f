"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """The intake app."""

    name = "fapiao.web.intake"
    label = "intake"
    verbose_name = "收票 Intake"
