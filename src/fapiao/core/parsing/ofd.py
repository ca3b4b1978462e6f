"""OFD e-invoices (版式电子发票, GB/T 33190: a zip of XML) read with zipfile and lxml.

Paths are resolved from ``OFD.xml → DocBody/DocRoot``, never hard-coded.  Invoice data comes from
up to four places (formats.md §5), each read into its own candidate and merged by trust:
the attachment ``original_invoice.xml``, the custom-tag file named in ``CustomTags.xml`` (object
references resolved to page and template text), ``OFD.xml`` CustomData, and the QR code
(``GraphCode`` text, or the QR image decoded by :mod:`fapiao.core.parsing.qr_decode`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import importlib
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from fapiao.core.errors import FapiaoError, InvalidFormat, NotAnInvoice
from fapiao.core.findings import Finding, info
from fapiao.core.invoice import FieldInfo, FieldSource, Invoice, InvoiceKind, Trust
from fapiao.core.parsing import values as v
from fapiao.core.parsing.base import FileFormat, ParsedInvoice, ParseOptions, ParseResult
from fapiao.core.parsing.merge import merge
from fapiao.core.parsing.qr_payload import looks_like_payload, parse_payload
from fapiao.core.parsing.xmlsafe import local, parse_xml, text_of
from fapiao.core.parsing.zipsafe import Budget, member_name, open_zip

OFD_NS = b"http://www.ofdspec.org/2016"
FP_NS = b"http://www.edrm.org.cn/schema/e-invoice/2019"

_BAD_ROOT = re.compile(rb"<:([\w.-]+)(\s+xmlns:=\"[^\"]*\")?\s*>")
_BAD_END = re.compile(rb"</:([\w.-]+)\s*>")
_ROOT_TAG = re.compile(rb"<(?![?!])[\w:.-]+")

Reader = Callable[[str | None], Any]

LEGACY_FIELDS: dict[str, tuple[str, Reader]] = {
    "InvoiceCode": ("code", v.identifier),
    "InvoiceNo": ("number", v.identifier),
    "IssueDate": ("issue_date", v.date),
    "InvoiceCheckCode": ("check_code", v.identifier),
    "BuyerName": ("buyer.name", v.clean),
    "BuyerTaxID": ("buyer.tax_id", v.identifier),
    "BuyerAddrTel": ("buyer.address_phone", v.clean),
    "BuyerFinancialAccount": ("buyer.bank_account", v.clean),
    "SellerName": ("seller.name", v.clean),
    "SellerTaxID": ("seller.tax_id", v.identifier),
    "SellerAddrTel": ("seller.address_phone", v.clean),
    "SellerFinancialAccount": ("seller.bank_account", v.clean),
    "TaxInclusiveTotalAmount": ("gross_amount", v.money),
    "TaxExclusiveTotalAmount": ("net_amount", v.money),
    "TaxTotalAmount": ("tax_amount", v.money),
    "TaxInclusiveTotalAmountWithWords": ("gross_amount_text", v.clean),
    "Note": ("remark", v.clean),
    "InvoiceClerk": ("drawer", v.clean),
    "OriginalInvoiceCode": ("original_code", v.identifier),
    "OriginalInvoiceNo": ("original_number", v.identifier),
}
"""Element local names of ``eInvoice`` (attachment and custom tags) → invoice fields."""

LINE_FIELDS: dict[str, tuple[str, Reader]] = {
    "Item": ("name", v.clean),
    "Specification": ("specification", v.clean),
    "MeasurementDimension": ("unit", v.clean),
    "Price": ("unit_price", v.money),
    "Quantity": ("quantity", v.money),
    "Amount": ("net_amount", v.money),
    "TaxScheme": ("tax_rate", v.rate),
    "TaxAmount": ("tax_amount", v.money),
    "Code": ("tax_code", v.identifier),
}
"""``GoodsInfo`` children → line fields."""

CUSTOM_DATA: dict[str, tuple[str, Reader]] = {
    "发票代码": ("code", v.identifier),
    "发票号码": ("number", v.identifier),
    "开票日期": ("issue_date", v.date),
    "合计金额": ("net_amount", v.money),
    "合计税额": ("tax_amount", v.money),
    "价税合计": ("gross_amount", v.money),
    "校验码": ("check_code", v.identifier),
    "购买方纳税人识别号": ("buyer.tax_id", v.identifier),
    "销售方纳税人识别号": ("seller.tax_id", v.identifier),
    "购买方名称": ("buyer.name", v.clean),
    "销售方名称": ("seller.name", v.clean),
    "销售方地址、电话": ("seller.address_phone", v.clean),
    "购买方地址、电话": ("buyer.address_phone", v.clean),
    "开票人": ("drawer", v.clean),
}
"""``OFD.xml`` CustomData names (spaces removed) → invoice fields."""

KEY_FIELDS = ("number", "issue_date", "seller.tax_id", "buyer.name", "gross_amount", "kind")
"""Fields whose absence from the structured sources makes the QR image worth decoding."""


def repair_xml(data: bytes) -> bytes:
    """Fix vendor quirks strict parsers reject: ``<:eInvoice xmlns:="">``, undeclared prefixes."""
    data = _BAD_ROOT.sub(rb"<\1>", data, count=1)
    data = _BAD_END.sub(rb"</\1>", data)
    for prefix, namespace in ((b"ofd", OFD_NS), (b"fp", FP_NS)):
        if b"<" + prefix + b":" in data and b"xmlns:" + prefix + b"=" not in data:
            match = _ROOT_TAG.search(data)
            if match:
                declaration = b" xmlns:" + prefix + b'="' + namespace + b'"'
                data = data[: match.end()] + declaration + data[match.end() :]
    return data


def _resolve(base_dir: str, location: str | None) -> str | None:
    if not location:
        return None
    location = location.strip().replace("\\", "/")
    path = location.lstrip("/") if location.startswith("/") else posixpath.join(base_dir, location)
    path = posixpath.normpath(path)
    return None if path.startswith("..") else path


class _Package:
    """The zip members of one OFD, read within the limits."""

    def __init__(self, data: bytes, options: ParseOptions) -> None:
        self.archive = open_zip(data, options.limits, what="OFD")
        self.budget = Budget(options.limits)
        self.members: dict[str, zipfile.ZipInfo] = {}
        for zinfo in self.archive.infolist():
            if not zinfo.is_dir():
                self.members.setdefault(member_name(zinfo).lstrip("/").lower(), zinfo)

    def has(self, path: str | None) -> bool:
        return bool(path) and (path or "").lower() in self.members

    def read(self, path: str | None) -> bytes | None:
        if not path or path.lower() not in self.members:
            return None
        return self.budget.read(self.archive, self.members[path.lower()])

    def xml(self, path: str | None) -> etree._Element | None:
        data = self.read(path)
        if data is None:
            return None
        try:
            return parse_xml(data, what=path or "XML")
        except FapiaoError as first:
            repaired = repair_xml(data)
            if repaired == data:
                raise first from None
            return parse_xml(repaired, what=path or "XML")

    def find(self, basename: str) -> str | None:
        for name in self.members:
            if posixpath.basename(name) == basename.lower():
                return name
        return None


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element.iter() if local(child) == name]


def _first_text(element: etree._Element, name: str) -> str | None:
    for child in element.iter():
        if local(child) == name:
            return text_of(child)
    return None


@dataclasses.dataclass
class _Layout:
    """Page and template content: text and image objects by ID, and the title texts."""

    texts: dict[str, str] = dataclasses.field(default_factory=dict)
    images: dict[str, str] = dataclasses.field(default_factory=dict)  # object ID → resource ID
    media: dict[str, str] = dataclasses.field(default_factory=dict)  # resource ID → member path
    titles: list[str] = dataclasses.field(default_factory=list)

    def add_content(self, root: etree._Element) -> None:
        for element in root.iter():
            name = local(element)
            if name == "TextObject":
                text = "".join(
                    text_of(code, strip=False) or ""
                    for code in element
                    if local(code) == "TextCode"
                )
                object_id = element.get("ID")
                if object_id is not None:
                    self.texts.setdefault(object_id, text)
                if "发票" in text and len(self.titles) < 20:
                    self.titles.append(text)
            elif name == "ImageObject" and element.get("ID") and element.get("ResourceID"):
                self.images.setdefault(element.get("ID", ""), element.get("ResourceID", ""))


class _Document:
    """One OFD document: its paths resolved from OFD.xml and Document.xml."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        ofd = package.xml("OFD.xml")
        if ofd is None or local(ofd) != "OFD":
            raise NotAnInvoice("OFD 中没有 OFD.xml", "The OFD has no OFD.xml")
        self.ofd = ofd
        body = next((e for e in ofd.iter() if local(e) == "DocBody"), None)
        root_path = _resolve("", _first_text(body, "DocRoot")) if body is not None else None
        document = package.xml(root_path)
        if document is None or root_path is None:
            raise NotAnInvoice(
                "OFD 中找不到文档根（DocRoot）", "The OFD has no document root (DocRoot)"
            )
        self.dir = posixpath.dirname(root_path)
        self.document = document
        self._layout: _Layout | None = None

    def path(self, name: str) -> str | None:
        return _resolve(self.dir, _first_text(self.document, name))

    def content_paths(self) -> list[str]:
        paths = []
        for name in ("Page", "TemplatePage"):
            for element in _children(self.document, name):
                path = _resolve(self.dir, element.get("BaseLoc"))
                if path:
                    paths.append(path)
        return paths

    def layout(self) -> _Layout:
        if self._layout is not None:
            return self._layout
        layout = _Layout()
        for path in self.content_paths():
            root = self.package.xml(path)
            if root is not None:
                layout.add_content(root)
        for name in ("DocumentRes", "PublicRes"):
            res_path = self.path(name)
            root = self.package.xml(res_path)
            if root is None or res_path is None:
                continue
            base = _resolve(posixpath.dirname(res_path), root.get("BaseLoc") or "") or ""
            for media in _children(root, "MultiMedia"):
                media_path = _resolve(base, _first_text(media, "MediaFile"))
                if media.get("ID") and media_path:
                    layout.media.setdefault(media.get("ID", ""), media_path)
        self._layout = layout
        return layout


def _lines_and_values(
    items: Iterable[tuple[str, str | None, bool]],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Map (local name, text, inside GoodsInfo) triples to invoice and line values."""
    values: dict[str, Any] = {}
    flat_line: dict[str, Any] = {}
    for name, text, _ in items:
        if name in LEGACY_FIELDS:
            field, reader = LEGACY_FIELDS[name]
            if values.get(field) is None:
                values[field] = reader(text)
        elif name in LINE_FIELDS:
            field, reader = LINE_FIELDS[name]
            if flat_line.get(field) is None:
                flat_line[field] = reader(text)
    return values, [flat_line] if any(x is not None for x in flat_line.values()) else []


def _read_einvoice(root: etree._Element) -> tuple[dict[str, Any], list[dict[str, Any]], str | None]:
    """The legacy ``eInvoice`` attachment: values, lines and the GraphCode text."""
    goods = _children(root, "GoodsInfo")
    in_goods = {e for g in goods for e in g.iter()}  # the set keeps the proxies alive
    top = [
        (local(e), text_of(e), False)
        for e in root.iter()
        if e not in in_goods and len(e) == 0 and local(e) not in LINE_FIELDS
    ]
    values, _ = _lines_and_values(top)
    lines = []
    for good in goods:
        line: dict[str, Any] = {}
        for child in good:
            name = local(child)
            if name in LINE_FIELDS:
                field, reader = LINE_FIELDS[name]
                line[field] = reader(text_of(child))
        lines.append(line)
    return values, lines, _first_text(root, "GraphCode")


def legacy_candidates(root: etree._Element, source: FieldSource) -> list[Invoice]:
    """The legacy ``eInvoice`` element as candidates: its fields, and its GraphCode payload."""
    values, lines, graph_code = _read_einvoice(root)
    values = {k: val for k, val in values.items() if val is not None}
    found: list[Invoice] = []
    if values or lines:
        found.append(
            v.assemble(values, source=source, confidence=Trust.CERTAIN.confidence, lines=lines)
        )
    if graph_code and looks_like_payload(graph_code):
        with contextlib.suppress(InvalidFormat):  # a broken payload adds nothing
            found.append(parse_payload(graph_code))
    return found


def _tag_value(element: etree._Element, layout: _Layout) -> tuple[str | None, list[str]]:
    """The text an element's ObjectRef/ObjectData children point to, and image resource IDs."""
    parts: list[str] = []
    images: list[str] = []
    for child in element:
        name = local(child)
        ref = (child.text or "").strip()
        if name == "ObjectRef":
            if ref in layout.texts:
                parts.append(layout.texts[ref])
            elif ref in layout.images:
                images.append(layout.images[ref])
        elif name == "ObjectData":
            parts.append(ref)
    text = "".join(parts).strip()
    return (text or None), images


def _is_reference_holder(element: etree._Element) -> bool:
    return any(local(child) in ("ObjectRef", "ObjectData") for child in element)


class _Reading:
    """The candidates of one OFD, collected source by source."""

    def __init__(self, data: bytes, options: ParseOptions) -> None:
        self.options = options
        self.package = _Package(data, options)
        self.doc = _Document(self.package)
        self.candidates: list[Invoice] = []
        self.findings: list[Finding] = []
        self.graph_code: str | None = None
        self.qr_images: list[bytes] = []
        self.qr_resources: list[str] = []

    def _add(self, values: dict[str, Any], lines: list[dict[str, Any]], trust: Trust) -> None:
        values = {k: val for k, val in values.items() if val is not None}
        if values or lines:
            candidate = v.assemble(
                values, source=FieldSource.OFD, confidence=trust.confidence, lines=lines
            )
            self.candidates.append(candidate)

    def attachment(self) -> None:
        attachments_path = self.doc.path("Attachments")
        paths: list[str] = []
        root = self.package.xml(attachments_path) if attachments_path else None
        if root is not None and attachments_path:
            base = posixpath.dirname(attachments_path)
            for element in _children(root, "Attachment"):
                path = _resolve(base, _first_text(element, "FileLoc"))
                if path and path.lower().endswith(".xml"):
                    paths.append(path)
        fallback = f"{self.doc.dir}/Attachs/original_invoice.xml".lstrip("/")
        if not paths and self.package.has(fallback):
            paths.append(fallback)
        for path in paths:
            xml = self.package.xml(path)
            if xml is None or local(xml).lower() != "einvoice":
                continue
            values, lines, graph_code = _read_einvoice(xml)
            self._add(values, lines, Trust.CERTAIN)
            self._take_graph_code(graph_code)
            return

    def _take_graph_code(self, text: str | None) -> None:
        text = (text or "").strip()
        if not text or self.graph_code:
            return
        if looks_like_payload(text):
            self.graph_code = text
            return
        try:
            image = base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            return
        if image[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"GIF8"):
            self.qr_images.append(image)

    def custom_tags(self) -> None:
        tags_path = self.doc.path("CustomTags")
        root = self.package.xml(tags_path) if tags_path else None
        if root is None or tags_path is None:
            return
        base = posixpath.dirname(tags_path)
        layout = self.doc.layout()
        for element in _children(root, "CustomTag"):
            location = _first_text(element, "FileLoc")
            path = _resolve(base, location)
            if path and not self.package.has(path):
                path = _resolve(self.doc.dir, location)
            if path and not self.package.has(path) and location:
                path = self.package.find(posixpath.basename(location))
            tag_root = self.package.xml(path) if path else None
            if tag_root is None:
                continue
            self._read_tags(tag_root, layout)

    def _read_tags(self, root: etree._Element, layout: _Layout) -> None:
        top: list[tuple[str, str | None, bool]] = []
        lines: list[dict[str, Any]] = []
        for element in root.iter():
            name = local(element)
            if name == "GoodsInfo":
                line: dict[str, Any] = {}
                for child in element:
                    if local(child) in LINE_FIELDS and _is_reference_holder(child):
                        field, reader = LINE_FIELDS[local(child)]
                        line[field] = reader(_tag_value(child, layout)[0])
                if any(val is not None for val in line.values()):
                    lines.append(line)
                continue
            if not _is_reference_holder(element):
                continue
            parent = element.getparent()
            if parent is not None and local(parent) == "GoodsInfo":
                continue
            text, images = _tag_value(element, layout)
            if name == "GraphCode":
                self._take_graph_code(text)
                self.qr_resources.extend(images)
                continue
            top.append((name, text, False))
        values, flat = _lines_and_values(top)
        values["kind"] = self.title_kind()
        self._add(values, lines or flat, Trust.HIGH)

    def title_kind(self) -> InvoiceKind | None:
        """The kind named by the printed title in the page or template content."""
        for title in self.doc.layout().titles:
            kind = v.kind_from_title(title)
            if kind is not None:
                return kind
        return None

    def custom_data(self) -> None:
        values: dict[str, Any] = {}
        for element in _children(self.doc.ofd, "CustomData"):
            name = "".join((element.get("Name") or "").split())
            if name in CUSTOM_DATA:
                field, reader = CUSTOM_DATA[name]
                values.setdefault(field, reader(text_of(element)))
            elif name == "开票类型" and text_of(element):
                values["is_red"] = "红" in (text_of(element) or "")
        self._add(values, [], Trust.HIGH)

    def needs_qr_image(self, merged: Invoice) -> bool:
        if self.options.verify_qr:
            return True
        if any(f.code == "merge.disagreement" for f in merged.findings):
            return True
        missing = [name for name in KEY_FIELDS if v.field_value(merged, name) in (None, "")]
        if merged.kind is InvoiceKind.OTHER:
            missing.append("kind")
        if merged.gross_amount is None and merged.net_amount is not None:
            missing = [m for m in missing if m != "gross_amount"]
        return bool(missing)

    def qr_from_images(self) -> str | None:
        images = list(self.qr_images)
        layout = self.doc.layout()
        for resource in self.qr_resources:
            data = self.package.read(layout.media.get(resource))
            if data:
                images.append(data)
        if not images:
            res_dir = f"{self.doc.dir}/res/".lstrip("/").lower()
            paths = sorted(
                (info.file_size, name)
                for name, info in self.package.members.items()
                if name.startswith(res_dir) and name.endswith((".png", ".jpg", ".jpeg", ".bmp"))
            )
            images = [data for _, name in paths if (data := self.package.read(name))]
        if not images:
            return None
        try:
            decoder = importlib.import_module("fapiao.core.parsing.qr_decode")
        except ImportError:
            self.findings.append(
                info(
                    "ofd.qr_unavailable",
                    "二维码解码器不可用，未读取 OFD 中的二维码图片",
                    "The QR decoder is unavailable; the OFD's QR image was not read",
                )
            )
            return None
        for image in images:
            try:
                texts = decoder.decode_qr(image)
            except Exception:  # a broken image must not stop the parse
                texts = []
            for text in texts:
                if looks_like_payload(text):
                    return str(text)
        self.findings.append(
            info(
                "ofd.qr_unreadable",
                "无法识别 OFD 中的二维码图片",
                "The OFD's QR image could not be decoded",
            )
        )
        return None

    def qr_candidate(self, text: str) -> Invoice | None:
        try:
            candidate = parse_payload(text)
        except InvalidFormat as exc:
            self.findings.append(
                info("ofd.qr_invalid", exc.message, exc.message_en, values={"payload": text})
            )
            return None
        return candidate


def _finish(invoice: Invoice, reading: _Reading) -> Invoice:
    updates: dict[str, Any] = {}
    if invoice.kind is InvoiceKind.OTHER:
        kind = v.kind_from_code(invoice.code) or reading.title_kind()
        if kind is not None:
            updates["kind"] = kind
    if not invoice.is_red and any(
        amount is not None and amount < 0 for amount in (invoice.gross_amount, invoice.net_amount)
    ):
        updates["is_red"] = True
    if not invoice.original_number:
        link = v.red_link(invoice.remark)
        if link:
            updates.update(link)
            updates["is_red"] = True
    fields = dict(invoice.fields)
    derived = FieldInfo(FieldSource.OFD, Trust.GOOD.confidence)  # inferred, not read
    for name in updates:
        fields.setdefault(name, derived)
    return dataclasses.replace(
        v.with_fields(invoice, updates),
        fields=fields,
        findings=invoice.findings + tuple(f for f in reading.findings if f not in invoice.findings),
    )


def read_ofd(data: bytes, options: ParseOptions) -> Invoice:
    """The invoice in an OFD file, merged from every source it holds."""
    reading = _Reading(data, options)
    reading.attachment()
    reading.custom_tags()
    reading.custom_data()
    candidates = list(reading.candidates)
    if reading.graph_code:
        qr = reading.qr_candidate(reading.graph_code)
        if qr is not None:
            candidates.append(qr)
    if not candidates:
        raise NotAnInvoice("OFD 中没有发票数据", "The OFD holds no invoice data")
    merged = merge(candidates)
    if options.verify_qr or (not reading.graph_code and reading.needs_qr_image(merged)):
        text = reading.qr_from_images()
        qr = reading.qr_candidate(text) if text else None
        if qr is not None:
            merged = merge([*candidates, qr])
    return _finish(merged, reading)


class OfdParser:
    """Reads OFD e-invoices."""

    formats = frozenset({FileFormat.OFD})

    def parse(self, data: bytes, options: ParseOptions) -> ParseResult:
        """One invoice from one OFD package."""
        return ParseResult(FileFormat.OFD, invoices=(ParsedInvoice(read_ofd(data, options)),))
