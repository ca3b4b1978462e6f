"""Forms of the feedback pages."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from fapiao.web.feedback.models import Category, Status

MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024


class FeedbackForm(forms.Form):
    """意见反馈 (feedback)."""

    category = forms.ChoiceField(label=_("类别 · Category"), choices=Category.choices)
    text = forms.CharField(label=_("内容 · Text"), max_length=5000, widget=forms.Textarea)
    screenshot = forms.ImageField(label=_("截图（可选） · Screenshot (optional)"), required=False)
    page = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)

    def clean_screenshot(self) -> UploadedFile[bytes] | None:
        screenshot: UploadedFile[bytes] | None = self.cleaned_data.get("screenshot")
        if screenshot is not None and (screenshot.size or 0) > MAX_SCREENSHOT_BYTES:
            raise forms.ValidationError(
                _("截图不能超过 5 MB · The screenshot must not exceed 5 MB"), code="too_large"
            )
        return screenshot


class StatusForm(forms.Form):
    """处理状态 (status)."""

    status = forms.ChoiceField(label=_("状态 · Status"), choices=Status.choices)
