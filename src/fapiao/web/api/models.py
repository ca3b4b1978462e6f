"""接口令牌 (API token): a bearer secret of one user in ONE company, kept only as its SHA-256.

The raw token (``fp_`` + 43 URL-safe characters from 32 random bytes) is shown once, when it is
created; the database holds its hash, a short prefix to recognise it by, a scope (read / write),
an expiry, the revocation time and the last time it was used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length

from fapiao.web.companies.models import Company


class TokenScope(models.TextChoices):
    """权限范围 (scope): read only, or read and write."""

    READ = "read", "只读 · Read"
    WRITE = "write", "读写 · Read and write"


class ApiToken(models.Model):
    """接口令牌 (API token) of one user in one company."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    token_hash = models.CharField("令牌摘要 (SHA-256)", max_length=64, unique=True, editable=False)
    prefix = models.CharField("前缀", max_length=12, editable=False)
    scope = models.CharField(
        "权限范围", max_length=8, choices=TokenScope.choices, default=TokenScope.READ
    )
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ("-created_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values), name="api_token_scope_valid"
            ),
            models.CheckConstraint(
                condition=models.lookups.Exact(Length("token_hash"), 64),
                name="api_token_hash_length",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="api_token_name_not_empty"),
        )
        indexes = (models.Index(fields=("user", "company"), name="api_token_owner_idx"),)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
