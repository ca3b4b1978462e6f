"""反馈 (feedback): a category, a text, an optional screenshot, and a handling status."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Category(models.TextChoices):
    """反馈类别 (category)."""

    BUG = "bug", "问题 · Bug"
    SUGGESTION = "suggestion", "建议 · Suggestion"
    QUESTION = "question", "疑问 · Question"
    OTHER = "other", "其他 · Other"


class Status(models.TextChoices):
    """处理状态 (status); changed only by ``feedback_status_change``."""

    NEW = "new", "新 · New"
    IN_PROGRESS = "in_progress", "处理中 · In progress"
    DONE = "done", "已完成 · Done"


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.DONE}),
    Status.IN_PROGRESS: frozenset({Status.NEW, Status.DONE}),
    Status.DONE: frozenset({Status.IN_PROGRESS}),
}


class Feedback(models.Model):
    """反馈 (feedback) from one user; ``company`` empty = system-wide (seen by staff)."""

    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="feedback"
    )
    category = models.CharField("类别", max_length=16, choices=Category.choices)
    text = models.TextField("内容", max_length=5000)
    page = models.CharField("页面", max_length=500, blank=True, default="")
    screenshot = models.ImageField("截图", upload_to="feedback/%Y/%m/", blank=True, default="")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "反馈"
        verbose_name_plural = "反馈"
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values), name="feedback_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="feedback_status_valid"
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="feedback_text_not_empty"),
        )
        indexes = (models.Index(fields=("company", "status"), name="feedback_company_status"),)

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.text[:40]}"
