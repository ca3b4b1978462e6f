"""App configuration."""

from __future__ import annotations

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """The feedback app."""

    name = "fapiao.web.feedback"
    label = "feedback"
    verbose_name = "反馈 Feedback"
