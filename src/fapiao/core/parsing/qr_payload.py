"""The QR code payload (二维码内容) printed on e-invoices and most paper invoices.

``version,type,发票代码,发票号码,amount,YYYYMMDD,校验码,check[,]`` (formats.md §3).  The
amount is 合计金额 (excluding tax) on legacy invoices but 价税合计 (including tax) on 数电
invoices; 数电 payloads leave code and 校验码 empty (sometimes a single space).
"""

from __future__ import annotations

from typing import Any

from fapiao.core.errors import InvalidFormat
from fapiao.core.invoice import FieldSource, Invoice, InvoiceKind, Trust
from fapiao.core.parsing import values as v

QR_KINDS: dict[str, InvoiceKind] = {
    "01": InvoiceKind.VAT_SPECIAL_PAPER,
    "04": InvoiceKind.VAT_ORDINARY_PAPER,
    "10": InvoiceKind.VAT_ORDINARY_ELECTRONIC,
    "20": InvoiceKind.VAT_SPECIAL_ELECTRONIC,
    "31": InvoiceKind.DIGITAL_SPECIAL,
    "32": InvoiceKind.DIGITAL_ORDINARY,
    "51": InvoiceKind.RAILWAY_TICKET,
}
"""QR type code → kind (not the 查验 票种 code: 电子专票 is 20 here, 08 there)."""

_DIGITAL_TYPES = frozenset({"31", "32", "51"})


def _invalid(text: str, why: str, why_en: str) -> InvalidFormat:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return InvalidFormat(
        f"不是发票二维码（{why}）：{shown!r}", f"Not an invoice QR code ({why_en}): {shown!r}"
    )


def parse_payload(text: str) -> Invoice:
    """The invoice a QR payload describes; InvalidFormat when it is not an invoice payload."""
    parts = [p.strip() for p in (v.clean(text) or "").split(",")]
    if len(parts) < 7:
        raise _invalid(text, "字段不足", "too few fields")
    version, type_code, code, number, amount_text, date_text, check = parts[:7]
    if version != "01" or not (type_code.isdigit() and len(type_code) == 2):
        raise _invalid(text, "版本或类型不对", "wrong version or type")
    if not number.isdigit() or len(number) not in (8, 20):
        raise _invalid(text, "发票号码不对", "bad invoice number")
    if code and (not code.isdigit() or len(code) not in (10, 12)):
        raise _invalid(text, "发票代码不对", "bad invoice code")
    issue_date = v.date(date_text) if len(date_text) == 8 and date_text.isdigit() else None
    if issue_date is None:
        raise _invalid(text, "日期不对", "bad date")
    amount = v.money(amount_text)
    if amount is None:
        raise _invalid(text, "金额不对", "bad amount")
    digital = type_code in _DIGITAL_TYPES or (not code and len(number) == 20)
    kind = QR_KINDS.get(type_code) or v.kind_from_code(code or None)
    values: dict[str, Any] = {
        "kind": kind,
        "number": number,
        "code": code or None,
        "check_code": v.identifier(check),
        "issue_date": issue_date,
        ("gross_amount" if digital else "net_amount"): amount,
    }
    if amount < 0:
        values["is_red"] = True
    return v.assemble(values, source=FieldSource.QR, confidence=Trust.CERTAIN.confidence)


def looks_like_payload(text: str | None) -> bool:
    """Whether text could be a payload (cheap test before :func:`parse_payload`)."""
    return bool(text) and (text or "").lstrip().startswith("01,") and (text or "").count(",") >= 6
