from __future__ import annotations

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "fapiao.web.search"
    label = "search"
    verbose_name = "检索 · Search"
