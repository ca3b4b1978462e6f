"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The web shell."""

    name = "fapiao.web.shell"
    label = "shell"
    verbose_name = "外壳 Shell"
