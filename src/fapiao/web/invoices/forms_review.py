"""Forms of review (审核) and status (状态) pages: they validate input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fapiao.web.invoices.conversion import (
    IDENTIFIER_FIELDS,
    MONEY_FIELDS,
    column_name,
)
from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    InvoiceKind,
    InvoiceRecord,
    TaxStatus,
)
from fapiao.web.invoices.services_review import EDITABLE_FIELDS

_LONG_TEXT = ("remark", "seller.address_phone", "seller.bank_account", "buyer.address_phone")
_INPUT = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}
_CHECK = {"class": "form-check-input"}
_LABELS = {f.name: f.verbose_name for f in InvoiceRecord._meta.get_fields() if f.concrete}


def _field(path: str) -> forms.Field:
    label = _LABELS.get(column_name(path), path)
    if path == "kind":
        return forms.ChoiceField(
            label=label, choices=InvoiceKind.choices, widget=forms.Select(attrs=_SELECT)
        )
    if path == "issue_date":
        date_input = forms.DateInput(attrs={"type": "date", **_INPUT}, format="%Y-%m-%d")
        return forms.DateField(label=label, required=False, widget=date_input)
    if path == "is_red":
        return forms.BooleanField(
            label=label, required=False, widget=forms.CheckboxInput(attrs=_CHECK)
        )
    if path in MONEY_FIELDS:
        return forms.DecimalField(
            label=label,
            required=False,
            max_digits=18,
            decimal_places=2,
            widget=forms.TextInput(attrs={"inputmode": "decimal", **_INPUT}),
        )
    if path in IDENTIFIER_FIELDS:
        return forms.CharField(
            label=label, required=False, max_length=64, widget=forms.TextInput(attrs=_INPUT)
        )
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": 2, **_INPUT})
        if path in _LONG_TEXT
        else forms.TextInput(attrs=_INPUT)
    )
    return forms.CharField(label=label, required=False, max_length=2000, widget=widget)


class CorrectionForm(forms.Form):
    """更正 (correction): every editable field of an invoice, prefilled with its value."""

    def __init__(self, data: Any = None, *, record: InvoiceRecord) -> None:
        initial = {column_name(p): getattr(record, column_name(p)) for p in EDITABLE_FIELDS}
        super().__init__(data, initial=initial)
        for path in EDITABLE_FIELDS:
            self.fields[column_name(path)] = _field(path)

    def changes(self) -> dict[str, Any]:
        """The fields the person changed, by column name."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class ApproveForm(forms.Form):
    """审核通过, with the written reason that overrides error findings (越过问题)."""

    override_reason = forms.CharField(
        label=_("越过错误的理由 · Reason to override errors"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    """退回 with a reason."""

    reason = forms.CharField(
        label=_("退回原因 · Reason for return"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TaxStatusForm(forms.Form):
    """发票状态 change."""

    to = forms.ChoiceField(choices=TaxStatus.choices)


class DeductionStatusForm(forms.Form):
    """抵扣状态 change, with 所属期 or 原因 where needed (the service checks them)."""

    to = forms.ChoiceField(choices=DeductionStatus.choices)
    period = forms.CharField(required=False, max_length=7)
    reason = forms.CharField(required=False, max_length=2000)


class BookingStatusForm(forms.Form):
    """入账状态 change, with the voucher number (凭证号)."""

    to = forms.ChoiceField(choices=BookingStatus.choices)
    voucher_number = forms.CharField(required=False, max_length=64)
