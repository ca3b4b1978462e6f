"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The accounts app."""

    name = "fapiao.web.accounts"
    label = "accounts"
    verbose_name = "账户 Accounts"

    def ready(self) -> None:
        """Connect the login clock of :mod:`fapiao.web.accounts.sessions`."""
        from fapiao.web.accounts import sessions  # noqa: F401
