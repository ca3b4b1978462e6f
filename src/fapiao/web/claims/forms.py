"""Forms of the claim pages: they validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

_INPUT = {"class": "form-control"}


class ClaimForm(forms.Form):
    """新建报销单."""

    title = forms.CharField(
        label=_("事由 · Purpose"), max_length=200, widget=forms.TextInput(attrs=_INPUT)
    )
    note = forms.CharField(
        label=_("说明 · Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, **_INPUT}),
    )


class ReceiptForm(forms.Form):
    """其他票据: a receipt that is not an invoice, with its amount and an optional scan."""

    description = forms.CharField(
        label=_("摘要 · Description"), max_length=200, widget=forms.TextInput(attrs=_INPUT)
    )
    amount = forms.DecimalField(
        label=_("金额 · Amount"),
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", **_INPUT}),
    )
    file = forms.FileField(label=_("附件 · Attachment"), required=False)


class ReasonForm(forms.Form):
    """驳回 or 退回 with a reason."""

    reason = forms.CharField(
        label=_("原因 · Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, **_INPUT}),
    )
