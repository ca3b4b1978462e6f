"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The accounts app."""

    name = "fapiao.web.accounts"
    label = "accounts"
    verbose_name = "账户 Accounts"
