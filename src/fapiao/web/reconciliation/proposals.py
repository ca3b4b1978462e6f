"""一键更正 (one-click corrections): the field changes a reconciliation result proposes.

The tax bureau's export is the reference: a 号码录入错误 takes the export's number, a 金额不符
the export's three amounts, a 开票日期不符 its date, a 销方/购方税号不符 its tax ID.  Other
categories (missing, duplicate, voided …) need a person's decision and propose nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

APPLICABLE = frozenset(
    {"NUMBER_TYPO", "AMOUNT_MISMATCH", "DATE_MISMATCH", "SELLER_MISMATCH", "BUYER_MISMATCH"}
)
_AMOUNTS = ("net_amount", "tax_amount", "gross_amount")
_DATE = re.compile(r"(\d{4})\D(\d{1,2})\D(\d{1,2})")


def _clean(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s'`\"]", "", text)


def export_amount(value: Any) -> Decimal | None:
    """An amount of the export as exact cents (``"1,234.50"`` -> ``Decimal("1234.50")``)."""
    text = _clean(value).replace(",", "").replace("¥", "").replace("￥", "")
    if text in ("", "--", "-"):
        return None
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def export_date(value: Any) -> dt.date | None:
    """开票日期 of the export (``2025-03-14 10:01:02``, ``2025/3/14``) as a date."""
    found = _DATE.search(unicodedata.normalize("NFKC", str(value or "")))
    if found is None:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def _identifier_changes(record: Any, export_row: dict[str, Any], corrected: str) -> dict[str, str]:
    digital = _clean(export_row.get("digital_number")) or (
        corrected if len(corrected) == 20 and corrected.isdigit() else ""
    )
    if digital and digital not in ("--", "-"):
        column = "digital_number" if record.digital_number else "number"
        return {column: digital} if getattr(record, column) != digital else {}
    code, number = _clean(export_row.get("code")), _clean(export_row.get("number"))
    if (not code or not number) and "-" in corrected:
        code, _, number = corrected.partition("-")
    changes = {}
    if code and code != record.code:
        changes["code"] = code
    if number and number != record.number:
        changes["number"] = number
    return changes


def proposed_changes(
    *, category: str, record: Any, export_row: dict[str, Any] | None, corrected_key: str = ""
) -> dict[str, Any]:
    """The record columns to change and their new values; empty when nothing is proposed."""
    if record is None or not export_row or category not in APPLICABLE:
        return {}
    changes: dict[str, Any] = {}
    if category == "NUMBER_TYPO":
        changes = _identifier_changes(record, export_row, corrected_key)
    elif category == "AMOUNT_MISMATCH":
        amounts = {name: export_amount(export_row.get(name)) for name in _AMOUNTS}
        if amounts["gross_amount"] is None and None not in (
            amounts["net_amount"],
            amounts["tax_amount"],
        ):
            amounts["gross_amount"] = amounts["net_amount"] + amounts["tax_amount"]  # type: ignore[operator]
        changes = {
            name: value
            for name, value in amounts.items()
            if value is not None and value != getattr(record, name)
        }
    elif category == "DATE_MISMATCH":
        date = export_date(export_row.get("issue_date"))
        if date is not None and date != record.issue_date:
            changes = {"issue_date": date}
    else:
        column = "seller_tax_id" if category == "SELLER_MISMATCH" else "buyer_tax_id"
        value = _clean(export_row.get(column)).upper()
        if value and value != getattr(record, column):
            changes = {column: value}
    return changes
