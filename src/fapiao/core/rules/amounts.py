"""Amount rules (金额校验): totals, line tax, quantity × price, rates and the 大写 amount.

formats.md §8: 价税合计 = 合计金额 + 合计税额 exactly; 合计金额 = Σ line 金额;
合计税额 = Σ line 税额; line 税额 = round(金额 × 税率, 2) half-up, a ±0.01 difference per
line being legitimate (tax-inclusive pricing); 免税 and 不征税 lines carry no tax; the rate
must be in force on the 开票日期; the 大写 amount must equal 价税合计.  A missing value is
never an error here: the rule that needs it stays quiet, and ``amount.missing`` warns once
per missing total.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from functools import reduce

from fapiao.core.amounts.money import MONEY_CONTEXT, format_money, line_tax
from fapiao.core.amounts.rates import RateStatus, classify_rate, format_rate, is_margin_taxation
from fapiao.core.amounts.uppercase import from_uppercase
from fapiao.core.errors import AmountError
from fapiao.core.findings import Finding, error, info, warning
from fapiao.core.invoice import Invoice, InvoiceLine, SpecialRate
from fapiao.core.rules.base import RuleContext, rule

LINE_TAX_TOLERANCE = Decimal("0.01")
"""The per-line 税额 difference that tax-inclusive pricing produces legitimately."""

_TOTALS = (("net_amount", "合计金额"), ("tax_amount", "合计税额"), ("gross_amount", "价税合计"))
_HALF_CENT = Decimal("0.005")
_ABSURD = Decimal("1E+20")


def _number(value: Decimal | None) -> Decimal | None:
    """The value, or None when it is missing, not finite or absurdly large (never a crash)."""
    if value is None or not value.is_finite() or value.copy_abs() >= _ABSURD:
        return None
    return value


def _is_exempt_only(invoice: Invoice) -> bool:
    return bool(invoice.lines) and all(isinstance(x.tax_rate, SpecialRate) for x in invoice.lines)


@rule("amount.missing")
def missing_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """合计金额, 合计税额, 价税合计 are present and usable (合计税额 may lack if all are 免税)."""
    for name, label in _TOTALS:
        value: Decimal | None = getattr(invoice, name)
        if _number(value) is not None:
            continue
        readable = name.replace("_", " ")
        if value is not None:
            yield warning(
                "amount.invalid",
                f"{label} {value} 不是有效的金额",
                f"The {readable} ({label}) {value} is not a usable amount",
                field=name,
                values={name: value},
            )
        elif name != "tax_amount" or not _is_exempt_only(invoice):
            yield warning(
                "amount.missing",
                f"缺少{label}",
                f"The {readable} ({label}) is missing",
                field=name,
            )


@rule("amount.gross")
def gross_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """价税合计 = 合计金额 + 合计税额, to the 分."""
    net, tax, gross = map(_number, (invoice.net_amount, invoice.tax_amount, invoice.gross_amount))
    if net is None or tax is None or gross is None:
        return
    expected = MONEY_CONTEXT.add(net, tax)
    if gross != expected:
        yield error(
            "amount.gross_mismatch",
            f"价税合计 {format_money(gross)} 不等于 合计金额 {format_money(net)} + "
            f"合计税额 {format_money(tax)} = {format_money(expected)}",
            f"Total incl. tax {format_money(gross)} differs from net {format_money(net)} + "
            f"tax {format_money(tax)} = {format_money(expected)}",
            field="gross_amount",
            values={"gross_amount": gross, "net_amount": net, "tax_amount": tax},
        )


def _line_tax_or_zero(line: InvoiceLine) -> Decimal | None:
    """A line's 税额; ``***`` (None) on a 免税/不征税 line counts as zero."""
    if line.tax_amount is None and isinstance(line.tax_rate, SpecialRate):
        return Decimal(0)
    return _number(line.tax_amount)


@rule("amount.totals")
def totals_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """合计金额 = Σ line 金额 and 合计税额 = Σ line 税额 (when every line has the value)."""
    if not invoice.lines:
        return
    checks = (
        ("net_amount", "合计金额", "金额", "net", [_number(x.net_amount) for x in invoice.lines]),
        ("tax_amount", "合计税额", "税额", "tax", [_line_tax_or_zero(x) for x in invoice.lines]),
    )
    for name, label, line_label, label_en, values in checks:
        total = _number(getattr(invoice, name))
        if total is None or any(v is None for v in values):
            continue
        line_sum = reduce(MONEY_CONTEXT.add, (v for v in values if v is not None), Decimal(0))
        if total != line_sum:
            yield error(
                f"amount.{label_en}_total_mismatch",
                f"{label} {format_money(total)} 不等于各行{line_label}之和 "
                f"{format_money(line_sum)}",
                f"The total {label_en} {format_money(total)} differs from the sum of the lines' "
                f"{label_en} {format_money(line_sum)}",
                field=name,
                values={name: total, "lines_sum": line_sum},
            )


@rule("amount.line_tax")
def line_tax_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """Each line's 税额 = round(金额 × 税率, 2), ±0.01 tolerated; 差额征税 invoices are exempt."""
    checked = [
        (i, net, rate, tax)
        for i, line in enumerate(invoice.lines)
        if (net := _number(line.net_amount)) is not None
        and isinstance(rate := line.tax_rate, Decimal)
        and rate.is_finite()
        and (tax := _number(line.tax_amount)) is not None
    ]
    if not checked:
        return
    if is_margin_taxation(invoice.remark, *(line.name for line in invoice.lines)):
        yield info(
            "amount.margin_taxation",
            "差额征税发票：税额按扣除后的差额计算，不逐行核对 金额 × 税率",
            "Margin-taxed invoice (差额征税): tax is on the amount after deductions, so lines "
            "are not checked against net × rate",
            field="lines",
        )
        return
    for i, net, rate, tax in checked:
        expected = line_tax(net, rate)
        if MONEY_CONTEXT.abs(MONEY_CONTEXT.subtract(tax, expected)) > LINE_TAX_TOLERANCE:
            yield error(
                "amount.line_tax_mismatch",
                f"第 {i + 1} 行税额 {format_money(tax)} 不等于 金额 {format_money(net)} × "
                f"税率 {format_rate(rate)} = {format_money(expected)}",
                f"Line {i + 1}: tax {format_money(tax)} differs from net {format_money(net)} × "
                f"rate {format_rate(rate)} = {format_money(expected)}",
                field=f"lines[{i}].tax_amount",
                values={"tax_amount": tax, "net_amount": net, "tax_rate": rate},
            )


@rule("amount.exempt_tax")
def exempt_tax_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """免税 and 不征税 lines carry no 税额."""
    for i, line in enumerate(invoice.lines):
        tax = _number(line.tax_amount)
        if isinstance(line.tax_rate, SpecialRate) and tax is not None and tax != 0:
            rate = format_rate(line.tax_rate)
            yield error(
                "amount.exempt_with_tax",
                f"第 {i + 1} 行税率为{rate}，税额却是 {format_money(tax)}",
                f"Line {i + 1} is {line.tax_rate.value.replace('_', ' ')} ({rate}) but carries "
                f"tax {format_money(tax)}",
                field=f"lines[{i}].tax_amount",
                values={"tax_amount": tax, "tax_rate": line.tax_rate.value},
            )


def _half_unit(value: Decimal) -> Decimal:
    """Half the last printed digit's unit; an integer is taken as exact."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(5).scaleb(exponent - 1, MONEY_CONTEXT) if exponent < 0 else Decimal(0)


def _price_tolerance(quantity: Decimal, price: Decimal) -> Decimal:
    """How far 数量 × 单价 may be from 金额 given the digits printed (and 金额's rounding)."""
    dq, dp = _half_unit(quantity), _half_unit(price)
    mul = MONEY_CONTEXT.multiply
    terms = (mul(quantity.copy_abs(), dp), mul(price.copy_abs(), dq), mul(dq, dp))
    return reduce(MONEY_CONTEXT.add, terms, _HALF_CENT)


@rule("amount.quantity_price")
def quantity_price_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """数量 × 单价 ≈ 金额 within the rounding of the printed digits (or ≈ 金额 + 税额)."""
    for i, line in enumerate(invoice.lines):
        quantity, price, net = map(_number, (line.quantity, line.unit_price, line.net_amount))
        if quantity is None or price is None or net is None:
            continue
        product = MONEY_CONTEXT.multiply(quantity, price)
        tolerance = _price_tolerance(quantity, price)
        gap = MONEY_CONTEXT.subtract(product, net)
        if gap.copy_abs() <= tolerance:
            continue
        tax = _number(line.tax_amount)
        if tax is not None and MONEY_CONTEXT.subtract(gap, tax).copy_abs() <= tolerance:
            continue
        yield warning(
            "amount.quantity_price_mismatch",
            f"第 {i + 1} 行 数量 {quantity} × 单价 {price} = {product}，与金额 "
            f"{format_money(net)} 不符",
            f"Line {i + 1}: quantity {quantity} × unit price {price} = {product}, not the net "
            f"amount {format_money(net)}",
            field=f"lines[{i}].net_amount",
            values={"quantity": quantity, "unit_price": price, "net_amount": net},
        )


@rule("amount.rate")
def rate_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """Each line's 税率 is one fapiao knows and was in force on the 开票日期."""
    today = context.resolved_today()
    issued = invoice.issue_date
    day = issued.isoformat() if issued else "?"
    for i, line in enumerate(invoice.lines):
        rate = line.tax_rate
        if rate is None:
            continue
        status = classify_rate(rate, issued, today=today)
        text = format_rate(rate)
        where = {
            "field": f"lines[{i}].tax_rate",
            "values": {"tax_rate": rate, "issue_date": issued},
        }
        if status is RateStatus.UNKNOWN:
            yield error(
                "amount.rate_unknown",
                f"第 {i + 1} 行税率 {text} 不是已知的增值税税率或征收率",
                f"Line {i + 1}: {text} is not a known VAT rate",
                **where,
            )
        elif status is RateStatus.HISTORICAL_EXPIRED and invoice.is_red:
            yield info(
                "amount.rate_original_red",
                f"第 {i + 1} 行税率 {text} 在开票日期 {day} 已停用：红字发票按原蓝字发票的税率开具",
                f"Line {i + 1}: {text} was no longer in force on {day}; a red invoice uses the "
                "rate of the blue invoice it reverses",
                **where,
            )
        elif status in (RateStatus.HISTORICAL_EXPIRED, RateStatus.NOT_YET_IN_FORCE):
            yield error(
                "amount.rate_not_in_force",
                f"第 {i + 1} 行税率 {text} 在开票日期 {day} 不适用",
                f"Line {i + 1}: the rate {text} was not in force on the issue date {day}",
                **where,
            )
        elif status is RateStatus.SPECIAL:
            yield info(
                "amount.rate_special",
                f"第 {i + 1} 行适用特殊税率 {text}（如个人出租住房 1.5%、二手车经销 0.5%）",
                f"Line {i + 1}: special reduced rate {text} (e.g. 1.5% individual housing "
                "rental, 0.5% used-car dealers)",
                **where,
            )


@rule("amount.uppercase")
def uppercase_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """价税合计（大写） can be read and equals 价税合计."""
    text = invoice.gross_amount_text
    if text is None or not text.strip():
        return
    try:
        value = from_uppercase(text)
    except AmountError as exc:
        yield error(
            "amount.uppercase_unreadable",
            f"价税合计（大写）无法识别：{exc.message}",
            f"The uppercase total cannot be read: {exc.message_en}",
            field="gross_amount_text",
            values={"gross_amount_text": text},
        )
        return
    gross = _number(invoice.gross_amount)
    if gross is not None and value != gross:
        yield error(
            "amount.uppercase_mismatch",
            f"价税合计（大写）“{text}”即 {format_money(value)}，与价税合计 "
            f"{format_money(gross)} 不符",
            f"The uppercase total {text!r} reads {format_money(value)}, not the total "
            f"{format_money(gross)}",
            field="gross_amount_text",
            values={"gross_amount_text": text, "gross_amount": gross},
        )
