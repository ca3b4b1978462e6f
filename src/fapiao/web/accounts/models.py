"""个人资料 (profile): what registration asks beyond Django's user: name, mobile, 身份证号."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """个人资料 (profile) of one user; the e-mail address is the login name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField("姓名", max_length=100)
    mobile = models.CharField("手机号码", max_length=11, blank=True, default="")
    id_number = models.CharField(
        "身份证号",
        max_length=18,
        blank=True,
        default="",
        help_text="居民身份证号码 (resident identity card number), kept as given for now",
    )
    email_verified_at = models.DateTimeField("邮箱验证时间", null=True, blank=True)

    class Meta:
        verbose_name = "个人资料"
        verbose_name_plural = "个人资料"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(mobile="") | models.Q(mobile__regex=r"^1[3-9][0-9]{9}$"),
                name="profile_mobile_valid",
            ),
        )

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_email_verified(self) -> bool:
        """邮箱已验证 (e-mail verified)."""
        return self.email_verified_at is not None
