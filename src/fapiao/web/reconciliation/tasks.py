"""Background work of reconciliation: one task per queued run (django-tasks)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from fapiao.web.reconciliation.services import reconciliation_process


@task()
def reconciliation_run_task(run_id: int, actor_id: int | None, ip: str | None) -> str:
    """Process one queued run (idempotent: a run that is not queued is left as it is)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return str(reconciliation_process(run_id=run_id, actor=actor, ip=ip).status)
