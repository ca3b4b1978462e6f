"""Forms of the alert pages: a delivery channel, the thresholds, and the two uploads."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_lazy as _

from fapiao.core.anomalies import DEFAULT_THRESHOLDS, AnomalyThresholds
from fapiao.web.alerts.models import ChannelKind
from fapiao.web.alerts.thresholds import EDITABLE

THRESHOLD_LABELS: dict[str, Any] = {
    "approval_threshold": _("审批金额（价税合计） · Approval threshold (gross)"),
    "split_margin": _("拆分：低于审批金额的比例 · Split: margin under the threshold"),
    "split_window_days": _("拆分：时间窗口（天） · Split: window (days)"),
    "split_min_count": _("拆分：至少张数 · Split: at least this many invoices"),
    "outlier_z": _("异常金额：修正 z 分数 · Outlier: modified z-score"),
    "outlier_min_history": _("异常金额：所需以往张数 · Outlier: earlier invoices needed"),
    "outlier_min_ratio": _("异常金额：与中位数之比 · Outlier: ratio to the median"),
    "outlier_max_history": _("异常金额：最多参考张数 · Outlier: most recent invoices used"),
    "consecutive_min_run": _("连号张数 · Consecutive numbers: run length"),
    "off_day_min_amount": _("节假日开票金额下限 · Rest-day issue: minimum gross"),
    "off_day_weekends": _("普通周末也预警 · Alert on ordinary weekends"),
    "deduction_warning_days": _("申报期限前几天提醒勾选 · Deduction reminder: days before"),
    "reconciliation_due_day": _("每月几号起未对账预警 · Reconciliation due day of month"),
}


class ChannelForm(forms.Form):
    """投递渠道: kind, address (e-mails or a URL), optional signing secret."""

    kind = forms.ChoiceField(label=_("渠道 · Channel"), choices=ChannelKind.choices)
    target = forms.CharField(
        label=_("地址 · Address"),
        max_length=2000,
        help_text=_("电子邮件地址（逗号分隔）或 Webhook/机器人 URL · e-mail addresses or URL"),
    )
    secret = forms.CharField(
        label=_("签名密钥 · Signing secret"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
    )
    max_per_hour = forms.IntegerField(
        label=_("每小时最多条数 · Max messages per hour"), min_value=1, max_value=1000, initial=10
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, target = data.get("kind"), (data.get("target") or "").strip()
        if kind == ChannelKind.EMAIL:
            addresses = [a.strip() for a in target.replace(";", ",").split(",") if a.strip()]
            if not addresses:
                self.add_error("target", _("请填写电子邮件地址 · Enter e-mail addresses"))
            for address in addresses:
                try:
                    validate_email(address)
                except forms.ValidationError:
                    self.add_error("target", _("电子邮件地址无效 · Invalid e-mail address"))
                    break
            data["target"] = ", ".join(addresses)
        elif kind:
            try:
                URLValidator(schemes=["http", "https"])(target)
            except forms.ValidationError:
                self.add_error("target", _("请填写 http(s) 地址 · Enter an http(s) URL"))
            if kind == ChannelKind.WEBHOOK and not data.get("secret"):
                self.add_error("secret", _("Webhook 需要签名密钥 · A webhook needs a secret"))
        return data


class ThresholdsForm(forms.Form):
    """预警阈值: one field per editable threshold."""

    def __init__(self, *args: Any, thresholds: AnomalyThresholds, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in EDITABLE:
            default = getattr(DEFAULT_THRESHOLDS, name)
            current = getattr(thresholds, name)
            label = THRESHOLD_LABELS.get(name, name)
            field: forms.Field
            if isinstance(default, bool):
                field = forms.BooleanField(label=label, required=False, initial=current)
            elif isinstance(default, int):
                field = forms.IntegerField(label=label, min_value=0, initial=current)
            else:
                field = forms.DecimalField(
                    label=label,
                    min_value=Decimal(0),
                    max_digits=18,
                    decimal_places=4,
                    initial=current,
                )
            self.fields[name] = field

    def thresholds(self) -> AnomalyThresholds:
        """The thresholds the form holds (call after ``is_valid``)."""
        return dataclasses.replace(DEFAULT_THRESHOLDS, **self.cleaned_data)


class UploadForm(forms.Form):
    """One uploaded file (risk list or calendar)."""

    file = forms.FileField(label=_("文件 · File"))
