"""Parsing untrusted XML safely: no DTDs, no entities, no network, no huge trees.

Every XML a parser reads (数电 XML, the XML parts of an OFD) goes through :func:`parse_xml`, so an
entity-expansion ("billion laughs") document or an external-entity reference is refused at once
with :class:`~fapiao.core.errors.UnsafeFile` instead of being expanded.
"""

from __future__ import annotations

import re

from lxml import etree

from fapiao.core.errors import CorruptFile, UnsafeFile

_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _has_dtd(data: bytes) -> bool:
    if data[:2] in _UTF16_BOMS:
        try:
            text = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return False
        return bool(_DTD.search(text))
    return bool(_DTD.search(data))


def parse_xml(data: bytes, *, what: str = "XML") -> etree._Element:
    """The root element of ``data``; UnsafeFile for a DTD or entity, CorruptFile when malformed."""
    if _has_dtd(data):
        raise UnsafeFile(
            f"{what} 含有 DTD 或实体声明，已拒绝",
            f"{what} contains a DTD or entity declaration and was refused",
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(f"{what} 格式错误：{exc}", f"{what} is not well-formed: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        raise UnsafeFile(f"{what} 含有 DTD，已拒绝", f"{what} contains a DTD and was refused")
    return root


def local(element: etree._Element) -> str:
    """An element's tag without its namespace (``{ns}InvoiceNo`` → ``InvoiceNo``)."""
    tag: object = element.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]


def text_of(element: etree._Element | None, *, strip: bool = True) -> str | None:
    """All text inside an element, stripped; None when empty."""
    if element is None:
        return None
    if len(element) == 0:  # a leaf: its own text (the common case, and the fast one)
        value = element.text or ""
    else:
        value = "".join(str(part) for part in element.itertext())
    if strip:
        value = value.strip()
    return value or None
