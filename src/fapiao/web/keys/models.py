"""数据密钥 (data keys), stored only wrapped by a master key; company deletion with retention.

A company has one active data key and, during a data-key rotation, retired ones that still open
older files.  Its audit key (审计密钥) seals the sensitive values inside its events: events are
append-only and hash-chained, so they cannot be re-encrypted, and this key is never rotated
away with the data key, only re-wrapped by a master-key rotation and destroyed by
crypto-shredding.  The row with no company is the system key, which seals fields that belong to no
company (a user's 身份证号 and mobile number).  The master key never enters the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from fapiao.web.companies.models import Company


class KeyStatus(models.TextChoices):
    """Status of a data key."""

    ACTIVE = "active", "使用中 · Active"
    RETIRED = "retired", "已停用 · Retired"
    AUDIT = "audit", "审计密钥 · Audit key"


class CompanyKey(models.Model):
    """数据密钥 (data key) of one company, wrapped by the master key ``master_key_id``."""

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="data_keys",
        help_text="空 = 系统密钥 (system key)",
    )
    key_id = models.CharField("密钥编号", max_length=32, unique=True)
    wrapped = models.BinaryField("已封装的数据密钥")
    master_key_id = models.CharField("主密钥编号", max_length=32)
    status = models.CharField(
        "状态", max_length=16, choices=KeyStatus.choices, default=KeyStatus.ACTIVE
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "数据密钥"
        verbose_name_plural = "数据密钥"
        constraints = (
            models.UniqueConstraint(
                fields=("company",),
                condition=models.Q(status="active"),
                name="company_key_one_active",
            ),
            models.UniqueConstraint(
                fields=("status",),
                condition=models.Q(company__isnull=True, status="active"),
                name="system_key_one_active",
            ),
            models.UniqueConstraint(
                fields=("company",),
                condition=models.Q(status="audit"),
                name="company_key_one_audit",
            ),
        )

    def __str__(self) -> str:
        return f"{self.key_id} ({self.status})"


class DeletionStatus(models.TextChoices):
    """What happened to a deleted company's data."""

    RETAINED = "retained", "保留期内 · Retained"
    SHREDDED = "shredded", "已销毁密钥 · Crypto-shredded"


class CompanyDeletion(models.Model):
    """公司注销 (company deletion): records kept until ``retain_until`` unless crypto-shredded."""

    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="deletion")
    status = models.CharField(
        "状态", max_length=16, choices=DeletionStatus.choices, default=DeletionStatus.RETAINED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField("注销时间", default=timezone.now)
    retain_until = models.DateField("保留至")
    shredded_at = models.DateTimeField("密钥销毁时间", null=True, blank=True)

    class Meta:
        verbose_name = "公司注销"
        verbose_name_plural = "公司注销"

    def __str__(self) -> str:
        return f"{self.company_id} {self.status}"
