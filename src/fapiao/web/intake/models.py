"""上传批次 (upload batch), its files (批次文件) and the unassigned tray (待分配).

A batch is one upload by one user into one company: each file becomes an ``IntakeItem`` that a
background task parses (queued → parsing → done / failed).  A ledger import (台账导入) is a batch of
kind ``ledger`` holding one item.  Invoices routed by tax ID that match none of the uploader's
companies wait as ``UnassignedInvoice`` rows, visible only to the uploader.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import InvoiceRecord, StoredFile


class BatchKind(models.TextChoices):
    """批次类型: invoice files, or a ledger from another system."""

    FILES = "files", "发票文件 · Invoice files"
    LEDGER = "ledger", "台账导入 · Ledger import"


class DirectionChoice(models.TextChoices):
    """方向 as the uploader chose it: 进项, 销项, or decided per invoice by tax ID."""

    PURCHASE = "purchase", "进项 · Purchase"
    SALES = "sales", "销项 · Sales"
    AUTO = "auto", "自动 · Auto"


class Routing(models.TextChoices):
    """分配方式: everything into the current company, or each invoice by its tax IDs."""

    COMPANY = "company", "当前公司 · Current company"
    TAX_ID = "tax_id", "按税号分配 · Route by tax ID"


class ItemStatus(models.TextChoices):
    """解析状态 of one uploaded file."""

    QUEUED = "queued", "排队中 · Queued"
    PARSING = "parsing", "解析中 · Parsing"
    DONE = "done", "完成 · Done"
    FAILED = "failed", "失败 · Failed"


FINISHED = frozenset({ItemStatus.DONE, ItemStatus.FAILED})


class IntakeBatch(models.Model):
    """上传批次 (upload batch): the files one user uploaded at once."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="intake_batches")
    kind = models.CharField(
        "类型", max_length=16, choices=BatchKind.choices, default=BatchKind.FILES
    )
    direction = models.CharField(
        "方向", max_length=16, choices=DirectionChoice.choices, default=DirectionChoice.PURCHASE
    )
    routing = models.CharField(
        "分配方式", max_length=16, choices=Routing.choices, default=Routing.COMPANY
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "上传批次"
        verbose_name_plural = "上传批次"
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(kind__in=BatchKind.values), name="intake_batch_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=DirectionChoice.values),
                name="intake_batch_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(routing__in=Routing.values), name="intake_batch_routing_valid"
            ),
        )
        indexes = (models.Index(fields=("company", "-created_at"), name="intake_batch_list_idx"),)

    def __str__(self) -> str:
        return f"batch #{self.pk}"


class IntakeItem(models.Model):
    """批次文件 (batch file): one stored file and what parsing it gave."""

    batch = models.ForeignKey(IntakeBatch, on_delete=models.CASCADE, related_name="items")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("文件名", max_length=255, blank=True, default="")
    member = models.CharField(
        "压缩包内路径", max_length=1000, blank=True, default="", help_text="empty: the whole file"
    )
    status = models.CharField(
        "状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.QUEUED
    )
    file_format = models.CharField("格式", max_length=16, blank=True, default="")
    invoices_created = models.PositiveIntegerField("新建发票", default=0)
    invoices_merged = models.PositiveIntegerField("合并发票", default=0)
    invoices_unassigned = models.PositiveIntegerField("待分配发票", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    results = models.JSONField(
        "结果", default=list, blank=True, help_text='[{"company": id, "invoice": id, "created": b}]'
    )
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批次文件"
        verbose_name_plural = "批次文件"
        ordering = ("batch_id", "id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(status__in=ItemStatus.values), name="intake_item_status_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.name}"

    @property
    def is_finished(self) -> bool:
        """Whether parsing has ended, well or not."""
        return self.status in FINISHED


class UnassignedInvoice(models.Model):
    """待分配发票 (unassigned invoice): read by tax-ID routing, matching none of the companies."""

    batch = models.ForeignKey(IntakeBatch, on_delete=models.CASCADE, related_name="unassigned")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    member = models.CharField("压缩包内路径", max_length=1000, blank=True, default="")
    file_format = models.CharField("格式", max_length=16, blank=True, default="")
    invoice_index = models.PositiveIntegerField("文件内序号", default=0)
    invoice = models.JSONField("发票数据", help_text="fapiao.core.schema.invoice_to_dict")
    assigned_record = models.ForeignKey(
        InvoiceRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField("分配时间", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "待分配发票"
        verbose_name_plural = "待分配发票"
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("batch", "stored_file", "member", "invoice_index"),
                name="unassigned_invoice_unique",
            ),
        )
        indexes = (models.Index(fields=("uploaded_by", "assigned_at"), name="unassigned_tray_idx"),)

    def __str__(self) -> str:
        return f"unassigned #{self.pk}"
