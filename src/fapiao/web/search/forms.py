"""Forms of the search page: the one box with its filters, and saving a filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    Direction,
    InvoiceKind,
    ReviewStatus,
    TaxStatus,
)
from fapiao.web.search.selectors import SearchParams

PAGE_SIZE = 50
SORT_CHOICES = [
    ("-date", _("开票日期（新→旧） · Date, newest first")),
    ("date", _("开票日期（旧→新） · Date, oldest first")),
    ("-amount", _("金额（高→低） · Amount, highest first")),
    ("amount", _("金额（低→高） · Amount, lowest first")),
    ("seller", _("销售方 · Seller")),
]


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("全部 · All")), *choices]


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class SearchForm(forms.Form):
    """检索 (search): one box for numbers, names (pinyin too), tax IDs, items, remarks; filters."""

    q = forms.CharField(label=_("搜索 · Search"), required=False, max_length=200)
    date_from = _date(_("开票日期从 · Issued from"))
    date_to = _date(_("至 · to"))
    amount_min = forms.DecimalField(
        label=_("价税合计最低 · Gross from"), required=False, max_digits=18, decimal_places=2
    )
    amount_max = forms.DecimalField(
        label=_("最高 · to"), required=False, max_digits=18, decimal_places=2
    )
    kind = forms.ChoiceField(
        label=_("发票种类 · Kind"), required=False, choices=_blank(InvoiceKind.choices)
    )
    direction = forms.ChoiceField(
        label=_("方向 · Direction"), required=False, choices=_blank(Direction.choices)
    )
    review_status = forms.ChoiceField(
        label=_("审核状态 · Review"), required=False, choices=_blank(ReviewStatus.choices)
    )
    tax_status = forms.ChoiceField(
        label=_("发票状态 · Tax status"), required=False, choices=_blank(TaxStatus.choices)
    )
    deduction_status = forms.ChoiceField(
        label=_("抵扣状态 · Deduction"), required=False, choices=_blank(DeductionStatus.choices)
    )
    booking_status = forms.ChoiceField(
        label=_("入账状态 · Booking"), required=False, choices=_blank(BookingStatus.choices)
    )
    region = forms.CharField(
        label=_("地区 · Region"),
        required=False,
        max_length=20,
        help_text=_("名称或代码，如 北京、3702 · name or code"),
    )
    reviewer = forms.TypedChoiceField(
        label=_("审核人 · Reviewer"), required=False, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(label=_("排序 · Sort"), required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, reviewers: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = _blank(reviewers)  # type: ignore[attr-defined]

    def params(self) -> SearchParams:
        """The cleaned input as selector parameters (invalid fields are left out)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if self.is_bound and not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return SearchParams(
            q=data.get("q") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            kind=data.get("kind") or "",
            direction=data.get("direction") or "",
            review_status=data.get("review_status") or "",
            tax_status=data.get("tax_status") or "",
            deduction_status=data.get("deduction_status") or "",
            booking_status=data.get("booking_status") or "",
            region=data.get("region") or "",
            reviewer_id=data.get("reviewer"),
            sort=data.get("sort") or "-date",
            page=data.get("page") or 1,
            size=PAGE_SIZE,
        )


class SavedFilterForm(forms.Form):
    """保存筛选 (save a filter): a name and the query string of the search page."""

    name = forms.CharField(label=_("名称 · Name"), max_length=100)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
