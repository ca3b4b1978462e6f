"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The events app."""

    name = "fapiao.web.events"
    label = "events"
    verbose_name = "事件 Events"
