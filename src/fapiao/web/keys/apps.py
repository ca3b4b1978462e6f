"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class KeysConfig(AppConfig):
    """The keys app."""

    name = "fapiao.web.keys"
    label = "keys"
    verbose_name = "密钥 Keys"
