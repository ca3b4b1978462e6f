"""预警 (alerts) of a company, its delivery channels, settings and the record of every send."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from fapiao.web.companies.models import Company


class AlertStatus(models.TextChoices):
    """处理状态 of an alert; changed only by :func:`fapiao.web.alerts.services.alert_transition`."""

    OPEN = "open", "未处理 · Open"
    ACKNOWLEDGED = "acknowledged", "已确认 · Acknowledged"
    RESOLVED = "resolved", "已解决 · Resolved"


class Alert(models.Model):
    """预警: one anomaly (code + subject) of one company, kept once however often it is seen."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="alerts")
    code = models.CharField("代码", max_length=64)
    severity = models.CharField("严重程度", max_length=16)
    subject = models.CharField("对象", max_length=255)
    message = models.TextField("说明")
    message_en = models.TextField("Message", blank=True, default="")
    values = models.JSONField("数值", default=dict, blank=True)
    invoices = models.JSONField("发票", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    occurrences = models.PositiveIntegerField("出现次数", default=1)
    first_seen_at = models.DateTimeField("首次发现", default=timezone.now)
    last_seen_at = models.DateTimeField("最近发现", default=timezone.now)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ("-last_seen_at", "-pk")
        constraints = (
            models.UniqueConstraint(
                fields=("company", "code", "subject"), name="alert_one_per_subject"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AlertStatus.values), name="alert_status_valid"
            ),
        )
        indexes = (models.Index(fields=("company", "status", "-last_seen_at")),)

    def __str__(self) -> str:
        return f"{self.code} {self.subject}"


class ChannelKind(models.TextChoices):
    """投递渠道 (delivery channel)."""

    EMAIL = "email", "电子邮件 · E-mail"
    WEBHOOK = "webhook", "Webhook（HMAC 签名）"
    WECOM = "wecom", "企业微信群机器人 · WeCom robot"
    DINGTALK = "dingtalk", "钉钉群机器人 · DingTalk robot"
    FEISHU = "feishu", "飞书群机器人 · Feishu robot"


class AlertChannel(models.Model):
    """投递渠道: where a company's alerts go (e-mail addresses, or a URL with its secret).

    ``secret`` holds the signing secret sealed under the company's data key
    (``<data key id>|<field token>``, see :mod:`fapiao.core.crypto.fields`), never in clear.
    """

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="alert_channels")
    kind = models.CharField("渠道", max_length=16, choices=ChannelKind.choices)
    target = models.TextField("地址")
    secret = models.TextField("密钥（已加密）", blank=True, default="")
    is_enabled = models.BooleanField("启用", default=True)
    max_per_hour = models.PositiveSmallIntegerField("每小时最多条数", default=10)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "投递渠道"
        verbose_name_plural = "投递渠道"
        constraints = (
            models.CheckConstraint(
                condition=models.Q(kind__in=ChannelKind.values), name="alert_channel_kind_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind}:{self.pk}"


class AlertDelivery(models.Model):
    """发送记录: one alert sent (alone or inside a digest) on one channel."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    channel = models.ForeignKey(AlertChannel, on_delete=models.CASCADE, related_name="deliveries")
    code = models.CharField("代码", max_length=64)
    subject = models.CharField("对象", max_length=255)
    sent_at = models.DateTimeField("发送时间")
    in_digest = models.BooleanField("摘要内", default=False)
    succeeded = models.BooleanField("成功", default=True)
    error = models.TextField("错误", blank=True, default="")

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        indexes = (models.Index(fields=("channel", "-sent_at")),)

    def __str__(self) -> str:
        return f"{self.code} {self.sent_at:%Y-%m-%d %H:%M}"


class AlertSettings(models.Model):
    """预警设置 of a company: thresholds, the uploaded risk list and holiday calendar."""

    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="alert_settings")
    thresholds = models.JSONField("阈值", default=dict, blank=True)
    risk_list = models.JSONField("风险名单", default=list, blank=True)
    risk_list_name = models.CharField("风险名单文件", max_length=255, blank=True, default="")
    risk_list_uploaded_at = models.DateTimeField("风险名单上传时间", null=True, blank=True)
    calendar = models.JSONField("节假日日历", default=dict, blank=True)
    calendar_uploaded_at = models.DateTimeField("日历上传时间", null=True, blank=True)

    class Meta:
        verbose_name = "预警设置"
        verbose_name_plural = "预警设置"

    def __str__(self) -> str:
        return f"alert settings of {self.company_id}"
