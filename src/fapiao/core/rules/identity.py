"""Identity rules (发票标识): 发票号码, 发票代码, 数电票号码 and 校验码 fit the invoice kind.

A 数电票 is identified by its 20-digit number alone: it has no 发票代码 and no 校验码.  A
数电纸质发票 carries a 发票代码, an 8-digit 发票号码 and the 20-digit 数电票号码.  A legacy
增值税发票 is identified by (发票代码, 8-digit 发票号码).  See docs formats.md §1.
"""

from __future__ import annotations

from collections.abc import Iterator

from fapiao.core.errors import InvalidLength, ValidationError
from fapiao.core.findings import Finding, error, info, warning
from fapiao.core.identifiers import check_code, digital_number, invoice_code, invoice_number
from fapiao.core.invoice import Invoice, InvoiceKind
from fapiao.core.rules.base import RuleContext, rule

PURE_DIGITAL = frozenset(
    {
        InvoiceKind.DIGITAL_SPECIAL,
        InvoiceKind.DIGITAL_ORDINARY,
        InvoiceKind.RAILWAY_TICKET,
        InvoiceKind.AIR_ITINERARY,
    }
)
"""数电 kinds identified by the 20-digit number alone."""
DIGITAL_PAPER = frozenset({InvoiceKind.DIGITAL_PAPER_SPECIAL, InvoiceKind.DIGITAL_PAPER_ORDINARY})
"""数电纸质 kinds: 发票代码 + 8-digit 发票号码 + 20-digit 数电票号码."""
LEGACY = frozenset(
    {
        InvoiceKind.VAT_SPECIAL_PAPER,
        InvoiceKind.VAT_SPECIAL_ELECTRONIC,
        InvoiceKind.VAT_ORDINARY_PAPER,
        InvoiceKind.VAT_ORDINARY_ELECTRONIC,
        InvoiceKind.VAT_ORDINARY_ROLL,
        InvoiceKind.TOLL,
    }
)
"""Legacy 增值税发票 kinds: 发票代码 + 8-digit 发票号码."""


def _any_number(value: str) -> str:
    """An 8-digit legacy or a 20-digit 数电 number (kinds that may be either)."""
    compact = invoice_number.compact(value)
    if len(compact) == 20:
        return digital_number.validate(compact)
    if len(compact) == 8:
        return invoice_number.validate(compact)
    raise InvalidLength(
        f"发票号码“{value}”应为 8 位或 20 位", f"Invoice number {value!r} must have 8 or 20 digits"
    )


def _number_error(invoice: Invoice, number: str) -> ValidationError | None:
    try:
        if invoice.kind in PURE_DIGITAL:
            digital_number.validate(number)
        elif invoice.kind in LEGACY or invoice.kind in DIGITAL_PAPER:
            invoice_number.validate(number)
        else:
            _any_number(number)
    except ValidationError as exc:
        return exc
    return None


def _bad(code: str, field: str, exc: ValidationError, kind: InvoiceKind, value: str) -> Finding:
    return error(
        code,
        f"{kind.label}：{exc.message}",
        f"{kind.label_en}: {exc.message_en}",
        field=field,
        values={"value": value, "kind": kind.value},
    )


@rule("identity.number")
def number_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """The 发票号码 is present and has the shape the kind requires; note unseen channels."""
    if invoice.number is None:
        if invoice.digital_number is None:
            yield error(
                "identity.number_missing",
                "缺少发票号码",
                "The invoice number is missing",
                field="number",
            )
        return
    exc = _number_error(invoice, invoice.number)
    if exc is not None:
        yield _bad("identity.number_format", "number", exc, invoice.kind, invoice.number)
        return
    if digital_number.is_valid(invoice.number):
        channel = digital_number.parse(invoice.number).channel
        if channel not in digital_number.CHANNELS:
            yield info(
                "identity.channel_unobserved",
                f"数电票号码“{invoice.number}”的开票渠道位“{channel}”未见于已知发票",
                f"Digital invoice number {invoice.number!r}: channel digit {channel!r} "
                "has not been observed before",
                field="number",
                values={"number": invoice.number, "channel": channel},
            )


def _code_findings(invoice: Invoice, code: str) -> Iterator[Finding]:
    kind = invoice.kind
    if kind in PURE_DIGITAL:
        yield error(
            "identity.unexpected_code",
            f"{kind.label}没有发票代码，却有“{code}”",
            f"A {kind.label_en} has no invoice code, but {code!r} was given",
            field="code",
            values={"code": code, "kind": kind.value},
        )
        return
    try:
        parts = invoice_code.parse(code)
    except ValidationError as exc:
        if kind in LEGACY or kind in DIGITAL_PAPER or not _digits(code, (10, 12)):
            yield _bad("identity.code_format", "code", exc, kind, code)
        return
    checked = kind in LEGACY or kind is InvoiceKind.DIGITAL_PAPER_ORDINARY
    if checked and kind not in parts.kinds:
        yield warning(
            "identity.code_kind_mismatch",
            f"发票代码“{code}”表示{parts.kind_name}，与发票种类“{kind.label}”不符",
            f"Invoice code {code!r} denotes a {parts.kind_name_en}, not a {kind.label_en}",
            field="code",
            values={"code": code, "kind": kind.value, "code_kind": parts.kind.value},
        )


def _digits(value: str, lengths: tuple[int, ...]) -> bool:
    return value.isascii() and value.isdigit() and len(value) in lengths


@rule("identity.code")
def code_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """Legacy and 数电纸质 invoices carry a 发票代码 matching their kind; 数电票 carry none."""
    kind = invoice.kind
    if invoice.code is not None:
        yield from _code_findings(invoice, invoice.code)
    elif kind in LEGACY or kind in DIGITAL_PAPER:
        yield error(
            "identity.code_missing",
            f"{kind.label}缺少发票代码",
            f"The invoice code of this {kind.label_en} is missing",
            field="code",
            values={"kind": kind.value},
        )


@rule("identity.check_code")
def check_code_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """A 校验码 has 20 digits, and 数电票 have none."""
    value, kind = invoice.check_code, invoice.kind
    if value is None:
        return
    if kind in PURE_DIGITAL:
        yield warning(
            "identity.unexpected_check_code",
            f"{kind.label}没有校验码，却有“{value}”",
            f"A {kind.label_en} has no check code, but {value!r} was given",
            field="check_code",
            values={"check_code": value, "kind": kind.value},
        )
        return
    try:
        check_code.validate(value)
    except ValidationError as exc:
        yield _bad("identity.check_code_format", "check_code", exc, kind, value)


@rule("identity.digital_number")
def digital_number_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """数电纸质发票 carry a valid 20-digit 数电票号码; legacy kinds carry none."""
    value, kind = invoice.digital_number, invoice.kind
    if value is None:
        if kind in DIGITAL_PAPER:
            yield error(
                "identity.digital_number_missing",
                f"{kind.label}缺少 20 位数电票号码",
                f"The 20-digit digital number of this {kind.label_en} is missing",
                field="digital_number",
                values={"kind": kind.value},
            )
        return
    try:
        digital_number.validate(value)
    except ValidationError as exc:
        yield _bad("identity.digital_number_format", "digital_number", exc, kind, value)
        return
    if kind in LEGACY:
        yield warning(
            "identity.unexpected_digital_number",
            f"{kind.label}不应有数电票号码“{value}”：发票种类可能应为数电纸质发票",
            f"A {kind.label_en} has no digital number, but {value!r} was given: "
            "the kind may be a digital-era paper invoice",
            field="digital_number",
            values={"digital_number": value, "kind": kind.value},
        )
