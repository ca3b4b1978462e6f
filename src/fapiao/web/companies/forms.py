"""Forms of the company pages (validation only; services do the work)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fapiao.core.errors import FapiaoError
from fapiao.core.identifiers import tax_id
from fapiao.web.companies.models import Company, Role, TaxpayerType
from fapiao.web.companies.services import normalize_tax_id

CENT = Decimal("0.01")
DEFAULT_PREFERENCES: dict[str, Any] = {
    "large_invoice_threshold": "10000.00",
    "deduction_reminder_days": 30,
    "require_dual_review": True,
}


class CompanyCreateForm(forms.Form):
    """新建公司 (new company)."""

    name = forms.CharField(label=_("公司名称 · Company name"), max_length=200)
    tax_id = forms.CharField(label=_("纳税人识别号 · Tax ID"), max_length=30)
    taxpayer_type = forms.ChoiceField(
        label=_("纳税人类型 · Taxpayer type"), choices=TaxpayerType.choices
    )

    def clean_tax_id(self) -> str:
        try:
            value = tax_id.validate(normalize_tax_id(self.cleaned_data["tax_id"]))
        except FapiaoError as error:
            raise forms.ValidationError(
                f"{error.message} · {error.message_en}", code="tax_id_invalid"
            ) from None
        if Company.objects.filter(tax_id=value).exists():
            raise forms.ValidationError(
                _("该纳税人识别号的公司已存在 · A company with this tax ID exists"),
                code="tax_id_taken",
            )
        return value


class CompanySettingsForm(forms.Form):
    """公司设置 (company settings): the tax ID is shown but never changed."""

    name = forms.CharField(label=_("公司名称 · Company name"), max_length=200)
    taxpayer_type = forms.ChoiceField(
        label=_("纳税人类型 · Taxpayer type"), choices=TaxpayerType.choices
    )
    large_invoice_threshold = forms.DecimalField(
        label=_("大额发票提醒金额（元） · Large invoice threshold (yuan)"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )
    deduction_reminder_days = forms.IntegerField(
        label=_("勾选抵扣提醒天数 · Days before a deduction reminder"), min_value=1, max_value=365
    )
    require_dual_review = forms.BooleanField(
        label=_("录入后需审核 · New invoices need review"), required=False
    )

    @classmethod
    def for_company(cls, company: Company, data: Any = None) -> CompanySettingsForm:
        """The form filled with the company's current values."""
        preferences = {**DEFAULT_PREFERENCES, **company.preferences}
        initial = {"name": company.name, "taxpayer_type": company.taxpayer_type, **preferences}
        return cls(data, initial=initial)

    def preferences(self) -> dict[str, Any]:
        """The preference values as JSON (money as text)."""
        data = self.cleaned_data
        return {
            "large_invoice_threshold": str(data["large_invoice_threshold"].quantize(CENT)),
            "deduction_reminder_days": data["deduction_reminder_days"],
            "require_dual_review": data["require_dual_review"],
        }


class MemberAddForm(forms.Form):
    """添加成员 (add a member): an existing user by e-mail, with a role."""

    email = forms.EmailField(label=_("用户邮箱 · User e-mail"))
    role = forms.ChoiceField(label=_("角色 · Role"), choices=Role.choices)


class MemberRoleForm(forms.Form):
    """更改角色 (change role)."""

    role = forms.ChoiceField(label=_("角色 · Role"), choices=Role.choices)


class BulkAssignForm(forms.Form):
    """批量分配 (bulk assignment) of one staff user to many client companies."""

    email = forms.EmailField(label=_("员工邮箱 · Staff e-mail"))
    role = forms.ChoiceField(label=_("角色 · Role"), choices=Role.choices)
    companies = forms.ModelMultipleChoiceField(
        label=_("客户公司 · Client companies"), queryset=Company.objects.none()
    )

    def __init__(self, *args: Any, administered: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["companies"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = administered
