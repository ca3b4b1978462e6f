"""定时作业 (scheduled jobs) and the record of every run of a job (作业记录)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScheduledJob(models.Model):
    """定时作业: one periodic job, claimed by one worker at a time through a lease.

    A job runs every ``interval_seconds``, or once a day at ``daily_at`` (China Standard Time).
    ``locked_until``/``locked_by`` are the lease: a worker sets them with a conditional UPDATE
    and only the worker whose UPDATE matched runs the job.
    """

    name = models.CharField("作业", max_length=64, unique=True)
    interval_seconds = models.PositiveIntegerField("间隔（秒）", null=True, blank=True)
    daily_at = models.TimeField("每日时间（北京时间）", null=True, blank=True)
    last_run_at = models.DateTimeField("上次运行", null=True, blank=True)
    next_run_at = models.DateTimeField("下次运行", default=timezone.now)
    locked_until = models.DateTimeField("租约到期", null=True, blank=True)
    locked_by = models.CharField("租约持有者", max_length=200, blank=True, default="")
    last_succeeded = models.BooleanField("上次成功", null=True, blank=True)
    last_error = models.TextField("上次错误", blank=True, default="")

    class Meta:
        verbose_name = "定时作业"
        verbose_name_plural = "定时作业"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(interval_seconds__isnull=False)
                | models.Q(daily_at__isnull=False),
                name="scheduled_job_has_a_schedule",
            ),
        )

    def __str__(self) -> str:
        return self.name


class JobRun(models.Model):
    """作业记录: how one run of a job (backup, restore drill, detection, …) ended."""

    job_name = models.CharField("作业", max_length=64, db_index=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")
    succeeded = models.BooleanField("成功")
    detail = models.TextField("说明", blank=True, default="")
    worker = models.CharField("执行者", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "作业记录"
        verbose_name_plural = "作业记录"
        indexes = (models.Index(fields=("job_name", "-finished_at"), name="ops_jobrun_recent"),)

    def __str__(self) -> str:
        return f"{self.job_name} {self.finished_at:%Y-%m-%d %H:%M} {self.succeeded}"
