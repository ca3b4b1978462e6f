"""事件 (event): the one append-only table every service writes to.

Each company has its own gap-free sequence (``seq``) and hash chain: every row stores the hash of
the row before it (``prev_hash``) and its own ``hash`` over all its fields
(:mod:`fapiao.core.audit.chain`), so ``fapiao audit verify`` finds an edited, deleted, inserted or
re-ordered row.  Rows are never updated: the migrations install a trigger that rejects ``UPDATE``
on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from fapiao.web.companies.models import Company
from fapiao.web.events.sealing import payload_open


class Event(models.Model):
    """事件 (event): who did what to which object, with the values before and after."""

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text="空 = 系统事件 (system event)",
    )
    seq = models.PositiveBigIntegerField("序号")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField("动作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64, blank=True, default="")
    object_id = models.CharField("对象编号", max_length=64, blank=True, default="")
    before = models.JSONField("变更前", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("变更后", null=True, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    prev_hash = models.CharField("前一事件哈希", max_length=64, blank=True, default="")
    hash = models.CharField("哈希", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "事件"
        verbose_name_plural = "事件"
        ordering = ("company_id", "seq")
        constraints = (
            models.UniqueConstraint(fields=("company", "seq"), name="event_company_seq_unique"),
            models.UniqueConstraint(
                fields=("seq",),
                condition=models.Q(company__isnull=True),
                name="event_system_seq_unique",
            ),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="event_seq_positive"),
            models.CheckConstraint(condition=~models.Q(action=""), name="event_action_not_empty"),
        )
        indexes = (models.Index(fields=("object_type", "object_id"), name="event_object_idx"),)

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    @property
    def before_shown(self) -> dict[str, Any] | None:
        """``before`` with sealed values opened, for the company's own pages and exports."""
        return payload_open(self.company_id, self.before)

    @property
    def after_shown(self) -> dict[str, Any] | None:
        """``after`` with sealed values opened, for the company's own pages and exports."""
        return payload_open(self.company_id, self.after)
