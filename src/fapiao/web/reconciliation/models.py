"""对账 (reconciliation) runs and their results, kept so problems can be worked through.

A run reconciles one uploaded tax-bureau export (stored untouched as a ``StoredFile``) against the
company's invoice records of one direction, with :func:`fapiao.core.reconciliation.reconcile`.
Each result keeps the category, the ledger record it concerns (if any), the export row, the
differences and the suggestion; its status moves open → applied or dismissed through services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import Direction, InvoiceRecord, StoredFile


class ResultStatus(models.TextChoices):
    """处理状态 of a result; changed only by ``reconciliation_result_apply`` / ``_dismiss``."""

    OPEN = "open", "待处理"
    APPLIED = "applied", "已更正"
    DISMISSED = "dismissed", "已忽略"


class RunStatus(models.TextChoices):
    """运行状态 of a run: queued → running → done or failed (set by the run services only)."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "对账中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ReconciliationRun(models.Model):
    """对账批次 (reconciliation run): one export against the company's records of one direction."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="reconciliation_runs"
    )
    direction = models.CharField("方向", max_length=16, choices=Direction.choices)
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    export_kind = models.CharField("导出类型", max_length=16, blank=True, default="")
    period_start = models.DateField("期间起", null=True, blank=True)
    period_end = models.DateField("期间止", null=True, blank=True)
    as_of = models.DateField("对账基准日")
    ledger_count = models.PositiveIntegerField("台账张数", default=0)
    export_count = models.PositiveIntegerField("导出张数", default=0)
    problem_count = models.PositiveIntegerField("问题数", default=0)
    counts = models.JSONField("各类数量", default=dict, blank=True)
    status_update = models.JSONField("状态更新", default=dict, blank=True)
    status = models.CharField(
        "运行状态", max_length=16, choices=RunStatus.choices, default=RunStatus.DONE
    )
    error = models.TextField("错误", blank=True, default="")
    error_en = models.TextField("Error", blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("对账时间", auto_now_add=True)

    class Meta:
        verbose_name = "对账批次"
        verbose_name_plural = "对账批次"
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="reconciliation_run_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values),
                name="reconciliation_run_status_valid",
            ),
        )
        indexes = (models.Index(fields=("company", "-created_at"), name="recon_run_company_idx"),)

    def __str__(self) -> str:
        return f"run #{self.pk} {self.direction} {self.as_of}"


class ReconciliationResult(models.Model):
    """对账结果: one category for one ledger record and/or one export row."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="results")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    category = models.CharField("类别", max_length=32)
    action = models.CharField("建议动作", max_length=32, blank=True, default="")
    record = models.ForeignKey(
        InvoiceRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconciliation_results",
    )
    ledger_row = models.JSONField("台账行", null=True, blank=True)
    export_row = models.JSONField("导出行", null=True, blank=True)
    differences = models.JSONField("差异", default=list, blank=True)
    corrected_key = models.CharField("更正后号码", max_length=64, blank=True, default="")
    suggestion = models.TextField("处理建议", blank=True, default="")
    suggestion_en = models.TextField("Suggestion", blank=True, default="")
    confidence = models.FloatField("置信度", default=1.0)
    is_pending = models.BooleanField("待复核", default=False)
    is_problem = models.BooleanField("需处理", default=False)
    operator = models.CharField("录入人", max_length=150, blank=True, default="")
    batch = models.CharField("导入批次", max_length=64, blank=True, default="")
    week = models.CharField("周", max_length=10, blank=True, default="")
    seller = models.CharField("销方", max_length=300, blank=True, default="")
    status = models.CharField(
        "处理状态", max_length=16, choices=ResultStatus.choices, default=ResultStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "对账结果"
        verbose_name_plural = "对账结果"
        ordering = ("run_id", "id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(status__in=ResultStatus.values),
                name="reconciliation_result_status_valid",
            ),
        )
        indexes = (
            models.Index(fields=("run", "category"), name="recon_result_category_idx"),
            models.Index(fields=("company", "is_problem"), name="recon_result_problem_idx"),
        )

    def __str__(self) -> str:
        return f"{self.run_id}/{self.pk} {self.category}"
