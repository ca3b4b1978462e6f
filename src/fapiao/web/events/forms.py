"""The audit trail's filter form (审计日志筛选)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EventFilterForm(forms.Form):
    """Filters of the audit trail page; every field optional."""

    action = forms.CharField(label=_("动作 · Action"), required=False, max_length=64)
    actor = forms.CharField(label=_("操作人 · Actor"), required=False, max_length=150)
    object_type = forms.CharField(label=_("对象类型 · Object type"), required=False, max_length=64)
    object_id = forms.CharField(label=_("对象编号 · Object id"), required=False, max_length=64)
    since = forms.DateField(label=_("起始日期 · From"), required=False)
    until = forms.DateField(label=_("截止日期 · To"), required=False)
    ip = forms.GenericIPAddressField(label=_("IP 地址 · IP"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["since"].widget.input_type = "date"
        self.fields["until"].widget.input_type = "date"
