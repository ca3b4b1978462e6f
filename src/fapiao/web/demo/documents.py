"""演示发票文件 (demo invoice files): each demo invoice as the XML its issuer would send.

A 数电 invoice becomes a 数电 XML (``EInvoice``, formats.md §4, element names spelled exactly as
the tax bureau does); a legacy electronic invoice becomes the legacy ``eInvoice`` XML that OFD
packages carry as ``original_invoice.xml`` (§5.1), with its QR payload in ``GraphCode`` (§3).
:mod:`fapiao.core.parsing.xml_invoice` reads both back to the same fields.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from fapiao.web.demo.generator import DemoInvoice, DemoLine

_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _number(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rate(value: Decimal) -> str:
    return _number(value) if value else "0"


def _el(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def _digital_line(line: DemoLine) -> str:
    return (
        "<IssuItemInformation>"
        + _el("ItemName", line.name)
        + _el("SpecMod", line.specification)
        + _el("MeaUnits", line.unit)
        + _el("Quantity", _number(line.quantity))
        + _el("UnPrice", _number(line.unit_price))
        + _el("Amount", _money(line.net_amount))
        + _el("TaxRate", _rate(line.tax_rate))
        + _el("ComTaxAm", _money(line.tax_amount))
        + _el("TotaltaxIncludedAmount", _money(line.net_amount + line.tax_amount))
        + _el("TaxClassificationCode", line.tax_code)
        + "</IssuItemInformation>"
    )


def einvoice_xml(invoice: DemoInvoice) -> bytes:
    """A 数电 invoice as the tax bureau's XML (``EInvoice``), blue or red."""
    if not invoice.digital:
        raise ValueError("not a 数电 invoice / not a digital invoice")
    seller, buyer = invoice.seller, invoice.buyer
    region = invoice.number[2:4]
    red = ""
    if invoice.is_red:
        red = (
            "<RedEInvoice>"
            + _el("OriginalInvoiceCode", invoice.original_number)
            + _el("CreditNoteNumber", invoice.red_confirmation_number)
            + "</RedEInvoice>"
        )
    body = (
        "<EInvoice><Header>"
        + _el("EIid", invoice.number)
        + _el("EInvoiceTag", f"SWEI{region}00")
        + _el("Version", "0.1")
        + "<InherentLabel>"
        + f"<InIssuType>{_el('LabelCode', 'N' if invoice.is_red else 'Y')}</InIssuType>"
        + f"<EInvoiceType>{_el('LabelCode', '01')}</EInvoiceType>"
        + "<GeneralOrSpecialVAT>"
        + _el("LabelCode", "01" if invoice.special else "02")
        + "</GeneralOrSpecialVAT></InherentLabel></Header><EInvoiceData>"
        + "<SellerInformation>"
        + _el("SellerIdNum", seller.tax_id)
        + _el("SellerName", seller.name)
        + _el("SellerAddr", seller.address)
        + _el("SellerTelNum", seller.phone)
        + _el("SellerBankName", seller.bank)
        + _el("SellerBankAccNum", seller.account)
        + "</SellerInformation><BuyerInformation>"
        + _el("BuyerIdNum", buyer.tax_id)
        + _el("BuyerName", buyer.name)
        + _el("BuyerAddr", buyer.address)
        + _el("BuyerTelNum", buyer.phone)
        + _el("BuyerBankName", buyer.bank)
        + _el("BuyerBankAccNum", buyer.account)
        + "</BuyerInformation><BasicInformation>"
        + _el("TotalAmWithoutTax", _money(invoice.net_amount))
        + _el("TotalTaxAm", _money(invoice.tax_amount))
        + _el("TotalTax-includedAmount", _money(invoice.gross_amount))
        + _el("TotalTax-includedAmountInChinese", invoice.gross_amount_text)
        + _el("Drawer", invoice.drawer)
        + _el("RequestTime", f"{invoice.issue_date.isoformat()} 10:{len(invoice.lines):02d}:00")
        + "</BasicInformation>"
        + "".join(_digital_line(line) for line in invoice.lines)
        + f"<SpecificInformation>{red}</SpecificInformation>"
        + f"<AdditionalInformation>{_el('Remark', invoice.remark)}</AdditionalInformation>"
        + "</EInvoiceData><TaxSupervisionInfo>"
        + _el("InvoiceNumber", invoice.number)
        + _el("IssueTime", f"{invoice.issue_date.isoformat()} 10:{len(invoice.lines):02d}:00")
        + _el("TaxBureauCode", f"1{region}00000000")
        + _el("TaxBureauName", "国家税务总局")
        + "</TaxSupervisionInfo></EInvoice>"
    )
    return (_HEADER + body).encode("utf-8")


def _cn_date(invoice: DemoInvoice) -> str:
    day = invoice.issue_date
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def qr_payload(invoice: DemoInvoice) -> str:
    """The QR payload of a legacy e-invoice (formats.md §3: amount excludes tax)."""
    kind = "20" if invoice.special else "10"
    return (
        f"01,{kind},{invoice.code},{invoice.number},{_money(invoice.net_amount)},"
        f"{invoice.issue_date:%Y%m%d},{invoice.check_code},{invoice.check_code[-4:]},"
    )


def legacy_xml(invoice: DemoInvoice) -> bytes:
    """A legacy electronic invoice as its ``eInvoice`` XML (the OFD's original_invoice.xml)."""
    if invoice.digital:
        raise ValueError("a 数电 invoice has no legacy XML / a digital invoice has no legacy XML")
    seller, buyer = invoice.seller, invoice.buyer
    goods = "".join(
        "<fp:GoodsInfo>"
        + _el("fp:Item", line.name)
        + _el("fp:Code", line.tax_code)
        + _el("fp:Specification", line.specification)
        + _el("fp:MeasurementDimension", line.unit)
        + _el("fp:Price", _number(line.unit_price))
        + _el("fp:Quantity", _number(line.quantity))
        + _el("fp:Amount", _money(line.net_amount))
        + _el("fp:TaxScheme", f"{_number(line.tax_rate * 100)}%")
        + _el("fp:TaxAmount", _money(line.tax_amount))
        + "</fp:GoodsInfo>"
        for line in invoice.lines
    )
    body = (
        '<eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019" Version="1.0">'
        + _el("fp:InvoiceCode", invoice.code)
        + _el("fp:InvoiceNo", invoice.number)
        + _el("fp:TypeCode", "01" if invoice.special else "10")
        + _el("fp:IssueDate", _cn_date(invoice))
        + _el("fp:InvoiceCheckCode", invoice.check_code)
        + _el("fp:MachineNo", f"66{invoice.check_code[:10]}")
        + "<fp:Buyer>"
        + _el("fp:BuyerName", buyer.name)
        + _el("fp:BuyerTaxID", buyer.tax_id)
        + _el("fp:BuyerAddrTel", f"{buyer.address} {buyer.phone}")
        + _el("fp:BuyerFinancialAccount", f"{buyer.bank} {buyer.account}")
        + "</fp:Buyer><fp:Seller>"
        + _el("fp:SellerName", seller.name)
        + _el("fp:SellerTaxID", seller.tax_id)
        + _el("fp:SellerAddrTel", f"{seller.address} {seller.phone}")
        + _el("fp:SellerFinancialAccount", f"{seller.bank} {seller.account}")
        + "</fp:Seller>"
        + _el("fp:TaxInclusiveTotalAmount", _money(invoice.gross_amount))
        + _el("fp:TaxExclusiveTotalAmount", _money(invoice.net_amount))
        + _el("fp:TaxTotalAmount", _money(invoice.tax_amount))
        + _el("fp:Note", invoice.remark)
        + _el("fp:InvoiceClerk", invoice.drawer)
        + _el("fp:GraphCode", qr_payload(invoice))
        + f"<fp:GoodsInfos>{goods}</fp:GoodsInfos></eInvoice>"
    )
    return ('<?xml version="1.0" encoding="utf-8"?>' + body).encode("utf-8")


def invoice_file(invoice: DemoInvoice) -> bytes:
    """The file a demo invoice arrives in (数电 XML, or the legacy eInvoice XML)."""
    return einvoice_xml(invoice) if invoice.digital else legacy_xml(invoice)
