"""Forms of intake: the upload (many files or ZIPs) and assigning a tray invoice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fapiao.web.intake.limits import count_refusal, max_upload_files, size_refusal
from fapiao.web.intake.models import DirectionChoice, Routing
from fapiao.web.invoices.forms import styled
from fapiao.web.invoices.models import Direction


def max_files() -> int:
    """Files one upload may carry (``FAPIAO_MAX_UPLOAD_FILES``); more go in a ZIP."""
    return max_upload_files()


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that accepts many files (``<input type=file multiple>``)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Many uploaded files, each checked as a FileField."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        items = [item for item in items if item]
        if not items and self.required:
            raise forms.ValidationError(_("请选择文件 · Choose files"))
        refusal = count_refusal(len(items))
        if refusal is not None:
            raise forms.ValidationError(f"{refusal.message} · {refusal.message_en}")
        for item in items:
            refusal = size_refusal(item.name or "", item.size or 0)
            if refusal is not None:
                raise forms.ValidationError(f"{refusal.message} · {refusal.message_en}")
        return [single(item, initial) for item in items]


class UploadForm(forms.Form):
    """上传发票: files or ZIPs, their direction, and how to route them."""

    upload = MultipleFileField(
        label=_("发票文件（XML/OFD/PDF/图片/ZIP） · Invoice files (XML/OFD/PDF/image/ZIP)"),
        widget=MultipleFileInput(attrs={"multiple": True, "class": "form-control"}),
    )
    direction = forms.ChoiceField(
        label=_("方向 · Direction"),
        choices=DirectionChoice.choices,
        initial=DirectionChoice.PURCHASE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    routing = forms.ChoiceField(
        label=_("分配方式 · Routing"),
        choices=Routing.choices,
        initial=Routing.COMPANY,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        required=False,
    )


class AssignForm(forms.Form):
    """分配: the company (one of the user's) and the direction for a tray invoice."""

    company = forms.TypedChoiceField(label=_("公司 · Company"), coerce=int)
    direction = forms.ChoiceField(label=_("方向 · Direction"), choices=Direction.choices)

    def __init__(self, *args: Any, companies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        company_field = self.fields["company"]
        assert isinstance(company_field, forms.TypedChoiceField)
        company_field.choices = [(c.pk, f"{c.name} ({c.tax_id})") for c in companies]
        styled(self)
