"""Forms of the invoice pages: list filters, manual entry (手工录入), ledger import (台账导入).

Forms only validate input and build values; the core invoice a manual entry describes is built by
``ManualInvoiceForm.to_invoice`` and saved by ``invoice_save_parsed``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fapiao.core.invoice import FieldInfo, FieldSource, Invoice, InvoiceKind, InvoiceLine, Party
from fapiao.web.invoices.models import Direction, ReviewStatus, TaxStatus

PAGE_SIZES = (25, 50, 100)


def styled(form: forms.BaseForm) -> None:
    """Bootstrap classes on the widgets (presentation only)."""
    for form_field in form.fields.values():
        widget = form_field.widget
        if isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        elif isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.HiddenInput):
            continue
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", _("全部 · All")), *choices]


class InvoiceFilterForm(forms.Form):
    """筛选 (filters) of the invoice list."""

    q = forms.CharField(label=_("搜索 · Search"), required=False, max_length=200)
    direction = forms.ChoiceField(
        label=_("方向 · Direction"), required=False, choices=_blank(Direction.choices)
    )
    review_status = forms.ChoiceField(
        label=_("审核状态 · Review"), required=False, choices=_blank(ReviewStatus.choices)
    )
    tax_status = forms.ChoiceField(
        label=_("发票状态 · Tax status"), required=False, choices=_blank(TaxStatus.choices)
    )
    issued_from = forms.DateField(
        label=_("开票日期从 · Issued from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    issued_to = forms.DateField(
        label=_("至 · to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    size = forms.TypedChoiceField(
        label=_("每页 · Per page"),
        required=False,
        coerce=int,
        choices=[(n, str(n)) for n in PAGE_SIZES],
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)

    def filters(self) -> dict[str, Any]:
        """The cleaned filters as ``invoice_list`` keyword arguments."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "direction": data.get("direction") or None,
            "review_status": data.get("review_status") or None,
            "tax_status": data.get("tax_status") or None,
            "issued_from": data.get("issued_from"),
            "issued_to": data.get("issued_to"),
            "search": (data.get("q") or "").strip() or None,
        }


class ManualInvoiceForm(forms.Form):
    """手工录入 (manual entry) of one invoice: a single line, amounts as Decimal."""

    direction = forms.ChoiceField(label=_("方向 · Direction"), choices=Direction.choices)
    kind = forms.ChoiceField(
        label=_("发票种类 · Kind"),
        choices=[(k.value, f"{k.label} · {k.label_en}") for k in InvoiceKind],
    )
    number = forms.CharField(label=_("发票号码 · Number"), max_length=64)
    code = forms.CharField(label=_("发票代码 · Code"), max_length=64, required=False)
    check_code = forms.CharField(label=_("校验码 · Check code"), max_length=64, required=False)
    issue_date = forms.DateField(
        label=_("开票日期 · Issue date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    seller_name = forms.CharField(label=_("销售方名称 · Seller"), max_length=200, required=False)
    seller_tax_id = forms.CharField(
        label=_("销售方纳税人识别号 · Seller tax ID"), max_length=64, required=False
    )
    buyer_name = forms.CharField(label=_("购买方名称 · Buyer"), max_length=200, required=False)
    buyer_tax_id = forms.CharField(
        label=_("购买方纳税人识别号 · Buyer tax ID"), max_length=64, required=False
    )
    item_name = forms.CharField(label=_("项目名称 · Item"), max_length=200, required=False)
    net_amount = forms.DecimalField(label=_("金额 · Net"), max_digits=16, decimal_places=2)
    tax_rate = forms.DecimalField(
        label=_("税率 · Rate"), max_digits=5, decimal_places=4, required=False
    )
    tax_amount = forms.DecimalField(label=_("税额 · Tax"), max_digits=16, decimal_places=2)
    gross_amount = forms.DecimalField(label=_("价税合计 · Gross"), max_digits=16, decimal_places=2)
    remark = forms.CharField(
        label=_("备注 · Remark"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)

    def to_invoice(self) -> Invoice:
        """The invoice as entered (只读已清理的字段), every field from a person (来源：手工)."""
        data = self.cleaned_data

        def text(name: str) -> str | None:
            value = (data.get(name) or "").strip()
            return value or None

        line = InvoiceLine(
            name=text("item_name"),
            net_amount=data.get("net_amount"),
            tax_rate=data.get("tax_rate"),
            tax_amount=data.get("tax_amount"),
        )
        invoice = Invoice(
            kind=InvoiceKind(data.get("kind") or InvoiceKind.OTHER),
            number=text("number"),
            code=text("code"),
            check_code=text("check_code"),
            issue_date=data.get("issue_date"),
            seller=Party(name=text("seller_name"), tax_id=text("seller_tax_id")),
            buyer=Party(name=text("buyer_name"), tax_id=text("buyer_tax_id")),
            net_amount=data.get("net_amount"),
            tax_amount=data.get("tax_amount"),
            gross_amount=data.get("gross_amount"),
            remark=text("remark"),
            lines=(line,) if line.name or line.net_amount is not None else (),
        )
        manual = FieldInfo(FieldSource.MANUAL, 1.0)
        paths = [
            "kind",
            "number",
            "code",
            "check_code",
            "issue_date",
            "seller.name",
            "seller.tax_id",
            "buyer.name",
            "buyer.tax_id",
            "net_amount",
            "tax_amount",
            "gross_amount",
            "remark",
        ]
        fields = {p: manual for p in paths if _value(invoice, p) is not None}
        if invoice.lines:
            fields["lines"] = manual
        return dataclasses.replace(invoice, fields=fields)


def _value(invoice: Invoice, path: str) -> Any:
    value: Any = invoice
    for part in path.split("."):
        value = getattr(value, part)
    return value


class PartialManualForm(ManualInvoiceForm):
    """The manual-entry form while it is being typed: nothing is required yet."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            form_field.required = False


class LedgerUploadForm(forms.Form):
    """台账导入 (ledger import): a CSV or XLSX file and the direction of its invoices."""

    file = forms.FileField(label=_("台账文件（CSV/XLSX） · Ledger file (CSV/XLSX)"))
    direction = forms.ChoiceField(label=_("方向 · Direction"), choices=Direction.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".xls")):
            raise forms.ValidationError(
                _("只支持 CSV、XLSX、XLS 文件 · Only CSV, XLSX and XLS files are supported")
            )
        return upload
