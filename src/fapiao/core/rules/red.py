"""Red-letter rules (红字发票): a red invoice reverses a named blue one with negative amounts.

A red 数电票 names the blue invoice's 20-digit number and its 红字发票信息确认单编号; a legacy red
invoice names the blue (发票代码, 发票号码), usually in 备注 as ``对应正数发票代码:…号码:…``.
A blue (蓝字) invoice with negative totals is an error.  See docs formats.md §1.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from fapiao.core.errors import InvalidLength, ValidationError
from fapiao.core.findings import Finding, error, warning
from fapiao.core.identifiers import digital_number, invoice_code, invoice_number
from fapiao.core.invoice import Invoice
from fapiao.core.rules.base import RuleContext, rule

_TOTALS = (("net_amount", "合计金额"), ("tax_amount", "合计税额"), ("gross_amount", "价税合计"))


def _validate_original(value: str) -> str:
    compact = invoice_number.compact(value)
    if len(compact) == 20:
        return digital_number.validate(compact)
    if len(compact) == 8:
        return invoice_number.validate(compact)
    raise InvalidLength(
        f"蓝字发票号码“{value}”应为 8 位或 20 位",
        f"Original invoice number {value!r} must have 8 or 20 digits",
    )


def _original_findings(invoice: Invoice) -> Iterator[Finding]:
    number, code = invoice.original_number, invoice.original_code
    if number is None:
        yield error(
            "red.original_missing",
            "红字发票未注明对应的蓝字发票号码",
            "The red invoice does not name the blue invoice it reverses",
            field="original_number",
        )
        return
    try:
        original = _validate_original(number)
    except ValidationError as exc:
        yield error(
            "red.original_format",
            f"蓝字发票号码无效：{exc.message}",
            f"Invalid original invoice number: {exc.message_en}",
            field="original_number",
            values={"original_number": number},
        )
        return
    if code is not None and not invoice_code.is_valid(code):
        yield error(
            "red.original_code_format",
            f"蓝字发票代码“{code}”无效",
            f"Invalid original invoice code {code!r}",
            field="original_code",
            values={"original_code": code},
        )
    if len(original) == 8 and code is None:
        yield warning(
            "red.original_code_missing",
            f"蓝字发票号码“{number}”为 8 位，但未注明蓝字发票代码",
            f"The original invoice number {number!r} has 8 digits but no invoice code is given",
            field="original_code",
            values={"original_number": number},
        )
    own = {invoice.number, invoice.digital_number} - {None}
    if original in own and (len(original) == 20 or code == invoice.code):
        yield error(
            "red.original_is_self",
            f"红字发票的对应蓝字发票号码“{number}”就是它自己",
            f"The red invoice names itself ({number!r}) as the blue original",
            field="original_number",
            values={"original_number": number},
        )


@rule("red.original")
def original_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """A red invoice names its blue original and, for 数电, its 红字确认单."""
    if not invoice.is_red:
        return
    yield from _original_findings(invoice)
    if invoice.kind.is_digital and not invoice.red_confirmation_number:
        yield warning(
            "red.confirmation_missing",
            "红字数电票未注明红字发票信息确认单编号",
            "The red digital invoice does not give its red-letter confirmation number",
            field="red_confirmation_number",
        )


@rule("red.amounts")
def amounts_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """Red invoices have no positive totals; blue invoices have no negative totals."""
    for name, label in _TOTALS:
        amount: Decimal | None = getattr(invoice, name)
        if amount is None:
            continue
        if invoice.is_red and amount > 0:
            yield error(
                "red.amount_not_negative",
                f"红字发票的{label}应为负数，实为 {amount}",
                f"A red invoice's {name} must be negative, not {amount}",
                field=name,
                values={name: amount},
            )
        elif not invoice.is_red and amount < 0:
            yield error(
                "red.blue_negative",
                f"蓝字发票的{label}为负数 {amount}：应为红字发票，或金额有误",
                f"A blue invoice's {name} is negative ({amount}): it should be a red invoice, "
                "or the amount is wrong",
                field=name,
                values={name: amount},
            )
