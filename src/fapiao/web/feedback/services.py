"""Writes of feedback: submit, and change its status along the allowed transitions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record
from fapiao.web.feedback import screenshots
from fapiao.web.feedback.models import ALLOWED_TRANSITIONS, Category, Feedback, Status


class TransitionError(ValueError):
    """不允许的状态变更 (this status change is not allowed)."""


def feedback_submit(
    *,
    company: Company | None,
    author: AbstractBaseUser,
    category: Category | str,
    text: str,
    page: str = "",
    screenshot: UploadedFile[bytes] | None = None,
) -> Feedback:
    """提交反馈 (submit feedback) from a page; a screenshot is kept as a sealed PNG.

    Raises :class:`~fapiao.web.feedback.screenshots.ScreenshotError` when it is no image.
    """
    png = None
    if screenshot is not None:
        screenshot.seek(0)
        png = screenshots.to_png(screenshot.read())
    with transaction.atomic(durable=True):
        feedback = Feedback(
            company=company,
            author_id=author.pk,
            category=Category(category),
            text=text.strip(),
            page=page[:500],
        )
        feedback.save()
        if png is not None:
            sealed = screenshots.seal(png, company_id=feedback.company_id, feedback_id=feedback.pk)
            feedback.screenshot.save(f"screenshot-{feedback.pk}.sealed", ContentFile(sealed))
        event_record(
            company=company,
            actor=author,
            action="feedback.submitted",
            obj=feedback,
            before=None,
            after={"category": feedback.category, "page": feedback.page},
        )
    return feedback


def feedback_status_change(
    *, feedback: Feedback, status: Status | str, actor: AbstractBaseUser
) -> Feedback:
    """Move feedback to a new status; TransitionError unless the move is allowed."""
    status = Status(status)
    with transaction.atomic(durable=True):
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if status not in ALLOWED_TRANSITIONS[locked.status]:
            raise TransitionError(f"{locked.status} -> {status}")
        before = {"status": locked.status}
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        event_record(
            company=locked.company,
            actor=actor,
            action="feedback.status_changed",
            obj=locked,
            before=before,
            after={"status": status},
        )
    return locked
