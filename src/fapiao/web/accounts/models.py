"""个人资料 (profile): what registration asks beyond Django's user: name, mobile, 身份证号.

The mobile number and the 身份证号 are encrypted in the database (with a blind index for exact
lookups: ``Profile._meta.get_field("mobile").lookup(value)``); forms validate their format.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fapiao.web.keys.fields import EncryptedTextField


class Profile(models.Model):
    """个人资料 (profile) of one user; the e-mail address is the login name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    full_name = models.CharField("姓名", max_length=100)
    mobile = EncryptedTextField(
        "手机号码", blank=True, default="", context="profile.mobile", normaliser="phone"
    )
    id_number = EncryptedTextField(
        "身份证号",
        blank=True,
        default="",
        context="profile.id_number",
        normaliser="id_number",
        help_text="居民身份证号码 (resident identity card number), encrypted at rest",
    )
    email_verified_at = models.DateTimeField("邮箱验证时间", null=True, blank=True)

    class Meta:
        verbose_name = "个人资料"
        verbose_name_plural = "个人资料"

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_email_verified(self) -> bool:
        """邮箱已验证 (e-mail verified)."""
        return self.email_verified_at is not None
