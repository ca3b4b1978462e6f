"""Background work of intake: one task per uploaded file (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from fapiao.web.faults import checkpoint
from fapiao.web.intake.services_parse import intake_item_process


@task()
def parse_intake_item(item_id: int) -> str:
    """Parse one uploaded file (idempotent: a finished item is left as it is)."""
    checkpoint("task_claimed")
    return str(intake_item_process(item_id=item_id).status)
