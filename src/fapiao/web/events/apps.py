"""App configuration: connects the authentication signals to the event trail."""

from __future__ import annotations

from django.apps import AppConfig


class EventsConfig(AppConfig):
    """The events app."""

    name = "fapiao.web.events"
    label = "events"
    verbose_name = "事件 Events"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from fapiao.web.events import receivers

        user_logged_in.connect(receivers.on_logged_in, dispatch_uid="events.login")
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="events.logout")
        user_login_failed.connect(receivers.on_login_failed, dispatch_uid="events.login_failed")
        user_locked_out.connect(receivers.on_locked_out, dispatch_uid="events.locked_out")
