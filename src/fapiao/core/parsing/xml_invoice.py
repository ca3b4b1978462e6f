"""数电 XML (全面数字化的电子发票 XML, root ``EInvoice``) as an invoice (formats.md §4).

Element names are the tax bureau's, spelled exactly (``TotalTax-includedAmount``,
``TotaltaxIncludedAmount``, ``IssuItemInformation``); namespaces are ignored (local names).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from fapiao.core.errors import NotAnInvoice
from fapiao.core.findings import Finding, info
from fapiao.core.invoice import FieldSource, Invoice, InvoiceKind, Trust
from fapiao.core.parsing import values as v
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult
from fapiao.core.parsing.merge import merge
from fapiao.core.parsing.xmlsafe import local, parse_xml, text_of

_VAT_KINDS = {"01": InvoiceKind.DIGITAL_SPECIAL, "02": InvoiceKind.DIGITAL_ORDINARY}


class _Tree:
    """Local-name lookups on an element tree (namespaces vary between issuers)."""

    def __init__(self, root: etree._Element) -> None:
        self.index: dict[str, list[etree._Element]] = {}
        for element in root.iter():
            self.index.setdefault(local(element), []).append(element)

    def first(self, name: str) -> etree._Element | None:
        found = self.index.get(name)
        return found[0] if found else None

    def text(self, name: str, within: etree._Element | None = None) -> str | None:
        if within is not None:
            for element in within.iter():
                if local(element) == name:
                    return v.clean(text_of(element))
            return None
        return v.clean(text_of(self.first(name)))

    def label(self, name: str) -> str | None:
        element = self.first(name)
        return self.text("LabelCode", element) if element is not None else None


class _Leaves:
    """The direct children of one element by local name (a line's fields)."""

    def __init__(self, element: etree._Element) -> None:
        self.children = {local(child): child for child in element}

    def text(self, name: str) -> str | None:
        return v.clean(text_of(self.children.get(name)))


def _joined(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return " ".join(kept) if kept else None


def _line(element: etree._Element, findings: list[Finding]) -> dict[str, Any]:
    item = _Leaves(element)
    rate_text = item.text("TaxRate")
    rate = v.rate(rate_text)
    tax = v.money(item.text("ComTaxAm"))
    if rate is None and rate_text:
        findings.append(
            info(
                "parse.unknown_rate",
                f"无法识别的税率：{rate_text}",
                f"Unrecognised tax rate: {rate_text}",
                field="lines.tax_rate",
                values={"rate": rate_text},
            )
        )
    return {
        "name": item.text("ItemName"),
        "specification": item.text("SpecMod"),
        "unit": item.text("MeaUnits"),
        "quantity": v.money(item.text("Quantity")),
        "unit_price": v.money(item.text("UnPrice")),
        "net_amount": v.money(item.text("Amount")),
        "tax_rate": rate,
        "tax_amount": tax,
        "tax_code": v.identifier(item.text("TaxClassificationCode")),
    }


def read_einvoice(root: etree._Element) -> Invoice:
    """The invoice held by a parsed ``EInvoice`` root; NotAnInvoice when it holds none."""
    if local(root) != "EInvoice":
        raise NotAnInvoice(
            f"XML 根元素是 {local(root)}，不是数电发票 EInvoice",
            f"The XML root is {local(root)}, not a digital invoice EInvoice",
        )
    tree = _Tree(root)
    number = v.identifier(tree.text("EIid")) or v.identifier(tree.text("InvoiceNumber"))
    if not number:
        raise NotAnInvoice(
            "数电 XML 中没有发票号码", "The digital invoice XML has no invoice number"
        )
    findings: list[Finding] = []
    values: dict[str, Any] = {"number": number}
    vat = tree.label("GeneralOrSpecialVAT")
    values["kind"] = _VAT_KINDS.get(vat or "")
    issue_type = tree.label("InIssuType")
    if issue_type in ("Y", "N"):
        values["is_red"] = issue_type == "N"
    for role, prefix in (("seller", "Seller"), ("buyer", "Buyer")):
        values[f"{role}.tax_id"] = v.identifier(tree.text(f"{prefix}IdNum"))
        values[f"{role}.name"] = tree.text(f"{prefix}Name")
        values[f"{role}.address_phone"] = _joined(
            tree.text(f"{prefix}Addr"), tree.text(f"{prefix}TelNum")
        )
        values[f"{role}.bank_account"] = _joined(
            tree.text(f"{prefix}BankName"), tree.text(f"{prefix}BankAccNum")
        )
    values["net_amount"] = v.money(tree.text("TotalAmWithoutTax"))
    values["tax_amount"] = v.money(tree.text("TotalTaxAm"))
    values["gross_amount"] = v.money(tree.text("TotalTax-includedAmount"))
    values["gross_amount_text"] = tree.text("TotalTax-includedAmountInChinese")
    values["drawer"] = tree.text("Drawer")
    values["issue_date"] = v.date(tree.text("IssueTime")) or v.date(tree.text("RequestTime"))
    red = tree.first("RedEInvoice")
    if red is not None:
        values["original_number"] = v.identifier(tree.text("OriginalInvoiceCode", red))
        values["red_confirmation_number"] = v.identifier(tree.text("CreditNoteNumber", red))
        if values.get("is_red") is None and values["original_number"]:
            values["is_red"] = True
    remark_parent = tree.first("AdditionalInformation")
    values["remark"] = tree.text("Remark", remark_parent) if remark_parent is not None else None
    lines = [_line(item, findings) for item in tree.index.get("IssuItemInformation", [])]
    return v.assemble(
        values,
        source=FieldSource.XML,
        confidence=Trust.CERTAIN.confidence,
        lines=lines,
        findings=findings,
    )


def read_legacy_einvoice(root: etree._Element) -> Invoice:
    """A legacy ``eInvoice`` XML (the OFD attachment ``original_invoice.xml`` on its own)."""
    from fapiao.core.parsing.ofd import legacy_candidates  # the OFD reader owns this layout

    candidates = legacy_candidates(root, FieldSource.XML)
    if not candidates:
        raise NotAnInvoice("XML 中没有发票数据", "The XML holds no invoice data")
    return merge(candidates)


class XmlParser:
    """Reads 数电 XML files (``EInvoice``) and legacy ``eInvoice`` XML."""

    formats = frozenset({FileFormat.XML})

    def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
        """One invoice from one XML document."""
        root = parse_xml(data, what="XML")
        legacy = local(root) == "eInvoice"
        invoice = read_legacy_einvoice(root) if legacy else read_einvoice(root)
        return ParseResult(FileFormat.XML, invoices=(ParsedInvoice(invoice),))
