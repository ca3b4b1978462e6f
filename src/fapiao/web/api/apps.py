"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API app: tokens (接口令牌) and the JSON endpoints."""

    name = "fapiao.web.api"
    label = "api"
    verbose_name = "接口 API"
