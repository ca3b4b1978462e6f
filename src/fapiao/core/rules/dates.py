"""Date rules (开票日期): present, not in the future, consistent with the number and code.

Business dates are China Standard Time (``RuleContext.resolved_today()``).  A 数电票号码 starts
with the two-digit year it was issued in; a 发票代码's year is when the invoice stock was issued,
so the invoice cannot be dated earlier than that year.  数电票 did not exist before
December 2021.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from fapiao.core.findings import Finding, error, warning
from fapiao.core.identifiers import digital_number, invoice_code
from fapiao.core.invoice import Invoice
from fapiao.core.rules.base import RuleContext, rule

DIGITAL_START = dt.date(2021, 12, 1)
"""The first 数电 pilot invoices (Guangdong, Shanghai, Inner Mongolia)."""


@rule("date.issue_date")
def issue_date_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """The 开票日期 is present, not after today in China, and not before 数电 for 数电 kinds."""
    issued = invoice.issue_date
    if issued is None:
        yield error("date.missing", "缺少开票日期", "The issue date is missing", field="issue_date")
        return
    today = context.resolved_today()
    if issued > today:
        yield error(
            "date.future",
            f"开票日期 {issued.isoformat()} 晚于今天（{today.isoformat()}，北京时间）",
            f"Issue date {issued.isoformat()} is after today ({today.isoformat()}, China time)",
            field="issue_date",
            values={"issue_date": issued, "today": today},
        )
    if invoice.kind.is_digital and issued < DIGITAL_START:
        yield warning(
            "date.before_digital_era",
            f"{invoice.kind.label}的开票日期 {issued.isoformat()} 早于数电票试点（2021-12）",
            f"A {invoice.kind.label_en} dated {issued.isoformat()}, before digital invoices "
            "existed (2021-12)",
            field="issue_date",
            values={"issue_date": issued, "kind": invoice.kind.value},
        )


def _digital_number(invoice: Invoice) -> str | None:
    for value in (invoice.digital_number, invoice.number):
        if value is not None and digital_number.is_valid(value):
            return digital_number.compact(value)
    return None


@rule("date.identifier_year")
def identifier_year_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """The issue year matches the 数电票号码's year and is not before the 发票代码's year."""
    issued = invoice.issue_date
    if issued is None:
        return
    number = _digital_number(invoice)
    year = None if number is None else digital_number.parse(number).year
    if year is not None and year != issued.year:
        yield warning(
            "date.number_year_mismatch",
            f"数电票号码“{number}”的年份 {year} 与开票日期 {issued.isoformat()} 不符",
            f"Digital number {number!r} says {year}, but the issue date is {issued.isoformat()}",
            field="issue_date",
            values={"number": number, "number_year": year, "issue_date": issued},
        )
    if invoice.code is not None and invoice_code.is_valid(invoice.code):
        code_year = invoice_code.parse(invoice.code).year
        if code_year > issued.year:
            yield warning(
                "date.code_year_after_issue",
                f"发票代码“{invoice.code}”的年份 {code_year} 晚于开票日期 {issued.isoformat()}",
                f"Invoice code {invoice.code!r} dates from {code_year}, after the issue date "
                f"{issued.isoformat()}",
                field="issue_date",
                values={"code": invoice.code, "code_year": code_year, "issue_date": issued},
            )
