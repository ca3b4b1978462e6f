"""OFD pages (GB/T 33190) drawn as images: a small renderer of our own.

The page's template is drawn first, then its content: ``TextObject``s glyph by glyph at their
``TextCode`` positions (``DeltaX``/``DeltaY`` spacing) with a CJK font, ``PathObject`` strokes
(``M``/``L``/``B``/``Q``… abbreviated data, curves drawn as chords), and ``ImageObject``s from the
document's resources, on a white page of the ``PhysicalBox`` size (millimetres).
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from lxml import etree
from PIL import Image, ImageDraw, ImageFont

from fapiao.core.errors import FapiaoError
from fapiao.core.parsing.ofd import repair_xml
from fapiao.core.parsing.xmlsafe import local, parse_xml
from fapiao.core.parsing.zipsafe import Budget, member_name, open_zip
from fapiao.web.invoices.preview_base import (
    FONT_PATH,
    LIMITS,
    MAX_PAGES,
    MAX_SIDE,
    PX_PER_MM,
    PreviewError,
    to_png,
)

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def _numbers(text: str | None) -> list[float]:
    return [float(m) for m in _NUMBER.findall(text or "")]


def _resolve(base_dir: str, location: str | None) -> str | None:
    if not location:
        return None
    location = location.strip().replace("\\", "/")
    path = location.lstrip("/") if location.startswith("/") else posixpath.join(base_dir, location)
    path = posixpath.normpath(path)
    return None if path.startswith("..") else path


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return next((e for e in element.iter() if local(e) == name), None)


def _child_text(element: etree._Element | None, name: str) -> str | None:
    found = _child(element, name)
    return (found.text or "").strip() or None if found is not None else None


def deltas(spec: str | None, count: int) -> list[float]:
    """OFD ``DeltaX``/``DeltaY`` (``g n d`` repeats ``d`` n times) as ``count - 1`` offsets."""
    tokens = (spec or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < count - 1:
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                out.extend([float(tokens[i + 2])] * int(tokens[i + 1]))
            i += 3
            continue
        with contextlib.suppress(ValueError):
            out.append(float(tokens[i]))
        i += 1
    last = out[-1] if out else 0.0
    out.extend([last] * (count - 1 - len(out)))
    return out[: max(count - 1, 0)]


@dataclass
class _OfdPackage:
    """The members of one OFD package, read within the limits."""

    content: bytes
    members: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.archive = open_zip(self.content, LIMITS, what="OFD")
        self.budget = Budget(LIMITS)
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in self.archive.infolist():
            if not info.is_dir():
                name = member_name(info).lstrip("/")
                self.infos.setdefault(name.lower(), info)

    def read(self, path: str | None) -> bytes | None:
        if not path or path.lower() not in self.infos:
            return None
        return self.budget.read(self.archive, self.infos[path.lower()])

    def xml(self, path: str | None) -> etree._Element | None:
        data = self.read(path)
        if data is None:
            return None
        try:
            return parse_xml(data, what=path or "XML")
        except FapiaoError:
            return parse_xml(repair_xml(data), what=path or "XML")


@dataclass
class OfdDocument:
    """One OFD document's pages, templates, media and page size."""

    package: _OfdPackage
    pages: list[str]
    templates: dict[str, str]
    media: dict[str, str]
    page_box: tuple[float, float, float, float]
    doc_dir: str


def open_ofd(content: bytes) -> OfdDocument:
    """Read the structure of an OFD: OFD.xml → DocRoot → pages, templates, resources."""
    package = _OfdPackage(content)
    root = package.xml("OFD.xml")
    doc_root = _resolve("", _child_text(root, "DocRoot"))
    document = package.xml(doc_root)
    if document is None or doc_root is None:
        raise PreviewError("OFD 中找不到文档根（DocRoot）", "The OFD has no document root")
    doc_dir = posixpath.dirname(doc_root)
    pages = [
        path
        for e in document.iter()
        if local(e) == "Page" and (path := _resolve(doc_dir, e.get("BaseLoc")))
    ]
    templates = {
        e.get("ID", ""): path
        for e in document.iter()
        if local(e) == "TemplatePage" and (path := _resolve(doc_dir, e.get("BaseLoc")))
    }
    media: dict[str, str] = {}
    for name in ("PublicRes", "DocumentRes"):
        for e in document.iter():
            if local(e) != name:
                continue
            res_path = _resolve(doc_dir, (e.text or "").strip())
            res = package.xml(res_path) if res_path else None
            if res is None or res_path is None:
                continue
            base = _resolve(posixpath.dirname(res_path), res.get("BaseLoc") or "") or ""
            for item in res.iter():
                if local(item) == "MultiMedia" and item.get("ID"):
                    path = _resolve(base, _child_text(item, "MediaFile"))
                    if path:
                        media.setdefault(item.get("ID", ""), path)
    box = _numbers(_child_text(_child(document, "PageArea"), "PhysicalBox"))
    page_box = (box[0], box[1], box[2], box[3]) if len(box) == 4 else (0.0, 0.0, 210.0, 140.0)
    if not pages:
        raise PreviewError("OFD 中没有页面", "The OFD has no pages")
    return OfdDocument(package, pages[:MAX_PAGES], templates, media, page_box, doc_dir)


def _font(size_px: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    size = max(round(size_px), 6)
    try:
        return _cached_font(size)
    except OSError:
        return ImageFont.load_default()


_FONTS: dict[int, ImageFont.FreeTypeFont] = {}


def _cached_font(size: int) -> ImageFont.FreeTypeFont:
    if size not in _FONTS:
        _FONTS[size] = ImageFont.truetype(str(FONT_PATH), size)
    return _FONTS[size]


def _color(element: etree._Element, name: str, default: tuple[int, int, int]) -> tuple[int, ...]:
    found = next((c for c in element if local(c) == name), None)
    values = [int(v) for v in _numbers(found.get("Value") if found is not None else None)[:3]]
    return tuple(values) if len(values) == 3 else default


class _Painter:
    def __init__(self, doc: OfdDocument, box: tuple[float, float, float, float]) -> None:
        self.doc = doc
        self.scale = PX_PER_MM
        width, height = max(box[2], 10.0), max(box[3], 10.0)
        size = (min(int(width * self.scale), MAX_SIDE), min(int(height * self.scale), MAX_SIDE))
        self.image = Image.new("RGB", size, "white")
        self.draw = ImageDraw.Draw(self.image)

    def paint(self, root: etree._Element) -> None:
        for element in root.iter():
            name = local(element)
            try:
                if name == "TextObject":
                    self.text(element)
                elif name == "PathObject":
                    self.path(element)
                elif name == "ImageObject":
                    self.picture(element)
            except (ValueError, IndexError, OSError, InvalidOperation, FapiaoError):
                continue  # one odd object must not lose the page

    def _boundary(self, element: etree._Element) -> tuple[float, float, float, float]:
        box = _numbers(element.get("Boundary"))
        return (box[0], box[1], box[2], box[3]) if len(box) == 4 else (0.0, 0.0, 0.0, 0.0)

    def text(self, element: etree._Element) -> None:
        bx, by, _, _ = self._boundary(element)
        size = float(Decimal(element.get("Size") or "3.5"))
        ctm = _numbers(element.get("CTM"))
        if len(ctm) == 6 and ctm[0] > 0:
            size *= ctm[3] if ctm[3] > 0 else ctm[0]
        font = _font(size * self.scale)
        fill = _color(element, "FillColor", (0, 0, 0))
        x = y = 0.0
        for code in element:
            if local(code) != "TextCode" or not code.text:
                continue
            text = code.text
            x = float(code.get("X") or x)
            y = float(code.get("Y") or y)
            dx = deltas(code.get("DeltaX"), len(text))
            dy = deltas(code.get("DeltaY"), len(text)) if code.get("DeltaY") else None
            cx, cy = x, y
            for i, char in enumerate(text):
                point = ((bx + cx) * self.scale, (by + cy) * self.scale)
                self.draw.text(point, char, font=font, fill=fill, anchor="ls")
                if i < len(dx):
                    cx += dx[i]
                if dy is not None and i < len(dy):
                    cy += dy[i]

    def path(self, element: etree._Element) -> None:
        bx, by, _, _ = self._boundary(element)
        data = next((c for c in element if local(c) == "AbbreviatedData"), None)
        if data is None or not data.text:
            return
        width = max(round(float(element.get("LineWidth") or "0.25") * self.scale), 1)
        color = _color(element, "StrokeColor", (120, 120, 120))
        tokens = data.text.split()
        points: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        i = 0
        arity = {"M": 2, "L": 2, "B": 6, "Q": 4, "C": 0, "A": 7, "S": 2}

        def flush() -> None:
            if len(points) > 1:
                self.draw.line(points, fill=color, width=width)

        while i < len(tokens):
            op = tokens[i]
            if op == "Z":
                if start is not None:
                    points.append(start)
                i += 1
                continue
            count = arity.get(op)
            if count is None:
                i += 1
                continue
            args = [float(t) for t in tokens[i + 1 : i + 1 + count]]
            i += 1 + count
            if op == "C" or len(args) < 2:
                continue
            end = ((bx + args[-2]) * self.scale, (by + args[-1]) * self.scale)
            if op in ("M", "S"):
                flush()
                points = [end]
                start = end
            else:
                points.append(end)
        flush()

    def picture(self, element: etree._Element) -> None:
        bx, by, bw, bh = self._boundary(element)
        path = self.doc.media.get(element.get("ResourceID") or "")
        data = self.doc.package.read(path)
        if not data or bw <= 0 or bh <= 0:
            return
        with Image.open(io.BytesIO(data)) as picture:
            if picture.size[0] * picture.size[1] > LIMITS.max_image_pixels:
                return
            size = (max(int(bw * self.scale), 1), max(int(bh * self.scale), 1))
            resized = picture.convert("RGBA").resize(size)
            self.image.paste(resized, (int(bx * self.scale), int(by * self.scale)), resized)


def render_ofd_page(content: bytes, page: int) -> bytes:
    """One OFD page (1-based) drawn as PNG: its template first, then its own content."""
    doc = open_ofd(content)
    if not 1 <= page <= len(doc.pages):
        raise PreviewError(f"没有第 {page} 页", f"There is no page {page}")
    root = doc.package.xml(doc.pages[page - 1])
    if root is None:
        raise PreviewError("OFD 页面缺失", "The OFD page is missing")
    own_box = _numbers(_child_text(_child(root, "Area"), "PhysicalBox"))
    box = (own_box[0], own_box[1], own_box[2], own_box[3]) if len(own_box) == 4 else doc.page_box
    painter = _Painter(doc, box)
    for element in root:
        if local(element) == "Template":
            template = doc.package.xml(doc.templates.get(element.get("TemplateID") or ""))
            if template is not None:
                painter.paint(template)
    content_root = _child(root, "Content")
    if content_root is not None:
        painter.paint(content_root)
    return to_png(painter.image)
