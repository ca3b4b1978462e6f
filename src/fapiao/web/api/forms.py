"""The form of the token page: name, scope, lifetime in days."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fapiao.web.api.models import TokenScope
from fapiao.web.api.services import MAX_LIFETIME_DAYS


class TokenCreateForm(forms.Form):
    """新建接口令牌 (new API token)."""

    name = forms.CharField(
        label=_("名称 · Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    scope = forms.ChoiceField(
        label=_("权限范围 · Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    lifetime_days = forms.IntegerField(
        label=_("有效天数 · Valid for (days)"),
        min_value=1,
        max_value=MAX_LIFETIME_DAYS,
        initial=90,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
