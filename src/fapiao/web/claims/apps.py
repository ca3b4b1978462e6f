"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    """The claims app."""

    name = "fapiao.web.claims"
    label = "claims"
    verbose_name = "报销 Claims"
