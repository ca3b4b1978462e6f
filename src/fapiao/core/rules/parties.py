"""Party rules (销售方 / 购买方): taxpayer numbers, and whose invoice this is.

An invalid 统一社会信用代码 is a warning, not an error: real invoices carry them (the
GB 32100-2015 check character is not always enforced by issuing software).  A legacy
15/17/20-character 纳税人识别号 is a warning; a missing buyer number is normal for
individuals (info), but not on a 专用发票 (warning).  For a 进项 (purchase) invoice the buyer
must be the company; for a 销项 (sales) invoice the seller must be.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from fapiao.core.errors import ValidationError
from fapiao.core.findings import Finding, error, info, warning
from fapiao.core.identifiers import tax_id
from fapiao.core.invoice import Direction, Invoice, InvoiceKind, Party
from fapiao.core.rules.base import RuleContext, rule

NO_SELLER_TAX_ID = frozenset({InvoiceKind.RAILWAY_TICKET, InvoiceKind.AIR_ITINERARY})
"""Kinds whose seller is a carrier that the invoice may not name by number."""

_ROLES = {"seller": ("销售方", "seller"), "buyer": ("购买方", "buyer")}


def _tax_id_findings(role: str, party: Party) -> Iterator[Finding]:
    value = party.tax_id
    if value is None:
        return
    cn, en = _ROLES[role]
    field = f"{role}.tax_id"
    try:
        parts = tax_id.parse(value)
    except ValidationError as exc:
        yield warning(
            f"party.{role}_tax_id_invalid",
            f"{cn}纳税人识别号无效：{exc.message}",
            f"The {en}'s taxpayer number is invalid: {exc.message_en}",
            field=field,
            values={"tax_id": value, "reason": exc.code},
        )
        return
    if parts.is_legacy:
        yield warning(
            f"party.{role}_tax_id_legacy",
            f"{cn}纳税人识别号“{value}”不是 18 位统一社会信用代码（{len(parts.tax_id)} 位，"
            f"{parts.note[0] if parts.note else ''}）",
            f"The {en}'s taxpayer number {value!r} is not an 18-character unified social credit "
            f"code ({len(parts.tax_id)} characters)",
            field=field,
            values={"tax_id": value, "scheme": parts.scheme},
        )


@rule("party.tax_ids")
def tax_id_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """Both taxpayer numbers are valid and current; note the missing ones."""
    yield from _tax_id_findings("seller", invoice.seller)
    yield from _tax_id_findings("buyer", invoice.buyer)
    if invoice.seller.tax_id is None and invoice.kind not in NO_SELLER_TAX_ID:
        yield warning(
            "party.seller_tax_id_missing",
            "缺少销售方纳税人识别号",
            "The seller's taxpayer number is missing",
            field="seller.tax_id",
        )
    if invoice.buyer.tax_id is None:
        special = invoice.kind.is_special
        make = warning if special else info
        yield make(
            "party.buyer_tax_id_missing",
            f"缺少购买方纳税人识别号{'（专用发票必须填写）' if special else '（个人可不填）'}",
            "The buyer's taxpayer number is missing"
            + (" (required on a special invoice)" if special else " (normal for individuals)"),
            field="buyer.tax_id",
            values={"kind": invoice.kind.value},
        )


def _same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and tax_id.compact(a) == tax_id.compact(b)


@rule("party.company")
def company_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """The company is the buyer of its purchase invoices and the seller of its sales invoices."""
    company = context.company_tax_id
    if company is None or invoice.direction is None:
        return
    purchase = invoice.direction is Direction.PURCHASE
    role = "buyer" if purchase else "seller"
    party = invoice.buyer if purchase else invoice.seller
    if party.tax_id is None or _same(party.tax_id, company):
        return
    cn, en = _ROLES[role]
    direction, direction_en = ("进项", "purchase") if purchase else ("销项", "sales")
    yield error(
        f"party.{role}_not_company",
        f"{direction}发票的{cn}纳税人识别号“{party.tax_id}”不是本企业的“{company}”",
        f"On a {direction_en} invoice the {en}'s taxpayer number {party.tax_id!r} should be the "
        f"company's {company!r}",
        field=f"{role}.tax_id",
        values={"tax_id": party.tax_id, "company_tax_id": company},
    )


def _name_key(name: str | None) -> str | None:
    if name is None:
        return None
    return "".join(unicodedata.normalize("NFKC", name).split()) or None


@rule("party.distinct")
def distinct_rule(invoice: Invoice, context: RuleContext) -> Iterator[Finding]:
    """Seller and buyer are different taxpayers (by number, or by name when a number is missing)."""
    seller, buyer = invoice.seller, invoice.buyer
    if seller.tax_id is not None and buyer.tax_id is not None:
        same = _same(seller.tax_id, buyer.tax_id)
    else:
        key = _name_key(seller.name)
        same = key is not None and key == _name_key(buyer.name)
    if same:
        yield error(
            "party.same_party",
            f"销售方与购买方相同：{seller.name or ''}（{seller.tax_id or '无税号'}）",
            f"Seller and buyer are the same: {seller.name or ''} ({seller.tax_id or 'no number'})",
            field="buyer",
            values={
                "seller_tax_id": seller.tax_id,
                "buyer_tax_id": buyer.tax_id,
                "seller_name": seller.name,
                "buyer_name": buyer.name,
            },
        )
