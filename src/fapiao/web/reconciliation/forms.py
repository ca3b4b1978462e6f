"""Forms of the reconciliation pages: upload an export (上传导出), filter results (筛选)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fapiao.core.reconciliation import Category
from fapiao.web.invoices.models import Direction
from fapiao.web.reconciliation.models import ResultStatus

MAX_EXPORT_BYTES = 50 * 1024 * 1024


class RunForm(forms.Form):
    """上传税务局导出 (全量发票查询 or 抵扣勾选, XLSX/XLS/CSV) and reconcile it."""

    file = forms.FileField(label=_("税务局导出文件 · Tax export file"))
    direction = forms.ChoiceField(
        label=_("方向（导出未注明时）· Direction (when the export does not say)"),
        choices=Direction.choices,
        initial=Direction.PURCHASE,
    )
    as_of = forms.DateField(
        label=_("对账基准日 · As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_EXPORT_BYTES:
            raise forms.ValidationError(_("文件过大（上限 50 MB）· File too large (50 MB at most)"))
        return upload


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", _("全部 · All")), *choices]


class ResultFilterForm(forms.Form):
    """筛选对账结果: category, status, problems only, and the localisation dimensions."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif not widget.is_hidden:
                widget.attrs.setdefault("class", "form-control form-control-sm")

    category = forms.ChoiceField(
        label=_("类别 · Category"),
        required=False,
        choices=_blank([(c.value, f"{c.label} · {c.label_en}") for c in Category]),
    )
    status = forms.ChoiceField(
        label=_("处理状态 · Status"), required=False, choices=_blank(ResultStatus.choices)
    )
    problems_only = forms.BooleanField(label=_("只看问题 · Problems only"), required=False)
    operator = forms.CharField(label=_("录入人 · Operator"), required=False, max_length=150)
    batch = forms.CharField(label=_("批次 · Batch"), required=False, max_length=64)
    week = forms.CharField(label=_("周 · Week"), required=False, max_length=10)
    seller = forms.CharField(label=_("销方 · Seller"), required=False, max_length=300)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict[str, Any]:
        """The cleaned filters as ``result_list`` keyword arguments."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "category": data.get("category") or None,
            "status": data.get("status") or None,
            "problems_only": bool(data.get("problems_only")),
            "operator": data.get("operator") or None,
            "batch": data.get("batch") or None,
            "week": data.get("week") or None,
            "seller": data.get("seller") or None,
        }
