"""公司 (company) and 成员 (membership): who owns invoices and who may touch them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TaxpayerType(models.TextChoices):
    """纳税人类型 (taxpayer type)."""

    GENERAL = "general", "一般纳税人"
    SMALL_SCALE = "small_scale", "小规模纳税人"


class Company(models.Model):
    """公司 (company): one taxpayer, identified by its 纳税人识别号."""

    name = models.CharField("名称", max_length=200)
    tax_id = models.CharField("纳税人识别号", max_length=20, unique=True)
    taxpayer_type = models.CharField(
        "纳税人类型", max_length=16, choices=TaxpayerType.choices, default=TaxpayerType.GENERAL
    )
    preferences = models.JSONField(
        "偏好设置", default=dict, blank=True, help_text="阈值与偏好 (thresholds and preferences)"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "公司"
        verbose_name_plural = "公司"
        ordering = ("name", "id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(taxpayer_type__in=TaxpayerType.values),
                name="company_taxpayer_type_valid",
            ),
            models.CheckConstraint(condition=~models.Q(tax_id=""), name="company_tax_id_not_empty"),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_id})"


class Role(models.TextChoices):
    """角色 (role) of a user in a company."""

    ADMIN = "admin", "管理员"
    CLERK = "clerk", "录入员"
    REVIEWER = "reviewer", "审核员"
    VIEWER = "viewer", "只读"


class Membership(models.Model):
    """成员 (membership): a user's role in one company."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "成员"
        verbose_name_plural = "成员"
        constraints = (
            models.UniqueConstraint(
                fields=("user", "company"), name="membership_user_company_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.user_id}@{self.company_id}: {self.role}"
