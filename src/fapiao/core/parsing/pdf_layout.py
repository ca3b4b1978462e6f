"""Fields of a printed invoice (票面) read by position: labels, then the values beside them.

Shared by the PDF text layer and OCR (both give :class:`~fapiao.core.parsing.layout.Glyph`
objects).  Labels such as ``发票号码：`` are found in the tokens of each line and their value is
the rest of the token or the next token to the right; reading order is never trusted.  The
buyer (购买方) and seller (销售方) blocks are told apart by the positions of their vertical block
labels: on a 数电 layout the buyer is left and the seller right, on the legacy layout the buyer
is on top and the seller at the bottom; each 名称/纳税人识别号 label belongs to the block label
nearest on its left whose vertical span covers it.  See formats.md §6.
"""

from __future__ import annotations

import bisect
import ctypes
import dataclasses
import re
from collections.abc import Sequence
from typing import Any

import pypdfium2.raw as pdfium_c

from fapiao.core.invoice import FieldInfo, FieldSource, Invoice, InvoiceKind
from fapiao.core.parsing import values
from fapiao.core.parsing.layout import (
    Glyph,
    Line,
    Spacing,
    Token,
    build_lines,
    clean_text,
    group_lines,
    tokenize,
)
from fapiao.core.parsing.pdf_layout_items import header_columns, read_items
from fapiao.core.parsing.pdf_layout_labels import Hit, Reader

_PARTY_KEYS = ("name", "tax_id", "address_phone", "bank_account")
_MONEY = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_UPPER = re.compile(r"(?:\(?负数\)?)?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正]+")
_RED_DIGITAL = re.compile(r"被红冲蓝字(?:数电)?发票号码:?(\d{20})")
_RED_LEGACY = re.compile(r"对应正数发票代码:?(\d{10,12})号码:?(\d{8})")
_RED_CONFIRM = re.compile(r"红字发票信息确认单编号:?(\d{8,20})")


def _untyped(func: Any) -> Any:
    """``func`` (a pdfium C function) callable without ctypes' per-call argument conversion.

    pypdfium2 declares ``argtypes``, and checking them costs more than the C call itself; in the
    per-character loop the arguments are already a ``c_void_p`` handle, a Python ``int`` (passed as
    a C ``int``) and ``byref`` pointers, exactly the C signature, so the check buys nothing there.
    """
    address = ctypes.cast(func, ctypes.c_void_p).value
    if address is None:
        raise RuntimeError("pdfium function not loaded")
    return ctypes.CFUNCTYPE(ctypes.c_int)(address)  # no argtypes: default conversion only


# FPDF_BOOL FPDFText_GetCharBox(FPDF_TEXTPAGE, int, double*, double*, double*, double*)
_GET_CHAR_BOX = _untyped(pdfium_c.FPDFText_GetCharBox)


_SURROGATES = frozenset(range(0xD800, 0xE000))


def _page_codes(raw: Any, count: int) -> list[int]:
    """The character codes of a text page, one per character index (one C call when possible)."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(raw, 0, count, buffer)
    codes = buffer[:count]
    if written != count + 1 or not _SURROGATES.isdisjoint(codes):
        get_unicode = pdfium_c.FPDFText_GetUnicode
        codes = [get_unicode(raw, i) for i in range(count)]
    return codes


def page_glyphs(page: Any) -> list[Glyph]:
    """The glyphs of a pypdfium2 page with boxes in top-down points.

    Calls pdfium's C functions directly with reused out-parameters: the text layer is the hot
    path of PDF parsing and the per-character Python wrapper costs more than the C call.
    """
    height = float(page.get_height())
    raw = pdfium_c.FPDFText_LoadPage(page.raw)
    if not raw:
        return []
    glyphs: list[Glyph] = []
    append = glyphs.append
    left, right, bottom, top = (
        ctypes.c_double(),
        ctypes.c_double(),
        ctypes.c_double(),
        ctypes.c_double(),
    )
    at_left, at_right = ctypes.byref(left), ctypes.byref(right)
    at_bottom, at_top = ctypes.byref(bottom), ctypes.byref(top)
    try:
        count = pdfium_c.FPDFText_CountChars(raw)
        codes = _page_codes(raw, count) if count > 0 else []
        # The text of each distinct code once; "" for spaces, controls and lone surrogates.
        texts = {
            code: "" if code <= 32 or 0xD800 <= code <= 0xDFFF else clean_text(chr(code))
            for code in set(codes)
        }
        handle = ctypes.c_void_p(ctypes.cast(raw, ctypes.c_void_p).value)
        get_box = _GET_CHAR_BOX
        for i, code in enumerate(codes):
            text = texts[code]
            if not text or not get_box(handle, i, at_left, at_right, at_bottom, at_top):
                continue
            y0, y1 = height - top.value, height - bottom.value
            if y0 == y1:
                continue
            x0, x1 = left.value, right.value
            if x0 > x1:
                x0, x1 = x1, x0
            if y0 > y1:
                y0, y1 = y1, y0
            append(Glyph(text, x0, y0, x1, y1))
    finally:
        pdfium_c.FPDFText_ClosePage(raw)
    return glyphs


class _Columns:
    """A page's glyphs ordered by horizontal centre, to find a column without scanning the page."""

    def __init__(self, glyphs: Sequence[Glyph]) -> None:
        # (centre, position, glyph): positions are unique, so glyphs are never compared
        self._entries = sorted([(g.x0 + g.x1, i, g) for i, g in enumerate(glyphs)])
        self._keys = [entry[0] for entry in self._entries]

    def stack(self, start: Glyph, height: float) -> list[Glyph]:
        """Glyphs stacked vertically below ``start`` (a vertical block label)."""
        cx2, cy2, reach = start.x0 + start.x1, start.y0 + start.y1, 1.2 * height
        # The bisection only narrows the candidates; the exact test below decides.
        lo = bisect.bisect_left(self._keys, cx2 - 2 * reach - 1)
        hi = bisect.bisect_right(self._keys, cx2 + 2 * reach + 1)
        column = [
            (g.y0, i, g)
            for centre, i, g in self._entries[lo:hi]
            if abs(centre - cx2) < reach and g.y0 + g.y1 > cy2
        ]
        column.sort()  # top, then page order (positions are unique)
        chain = [start]
        for _, _, glyph in column:
            gap = glyph.y0 - chain[-1].y1
            if gap >= 3.5 * height:
                break
            if gap >= -0.5 * height and glyph.cy > chain[-1].cy + 0.5 * height:
                chain.append(glyph)
        return chain


_BLOCK_HEADS = {"购": "buyer", "销": "seller"}
_BLOCK_SECONDS = {"买": "buyer", "售": "seller"}


def _markers(reader: Reader, columns: _Columns) -> list[tuple[str, float, float, float]]:
    """Block labels: (party, x, top, bottom) for 购买方 (buyer) and 销售方 (seller)."""
    height = reader.spacing.height
    found: list[tuple[str, float, float, float]] = []
    for glyph in [g for g in reader.glyphs if g.text in _BLOCK_HEADS]:
        party = _BLOCK_HEADS[glyph.text]
        chain = columns.stack(glyph, height)
        if len(chain) >= 2 and chain[1].text in "买售方":
            found.append((party, glyph.x0, chain[0].y0, chain[-1].y1))
    # OCR may miss the first character: 买方 / 售方 also say it
    for glyph in [g for g in reader.glyphs if g.text in _BLOCK_SECONDS]:
        party = _BLOCK_SECONDS[glyph.text]
        if any(m[0] == party for m in found):
            continue
        chain = columns.stack(glyph, height)
        if len(chain) >= 2 and chain[1].text == "方":
            found.append((party, glyph.x0, chain[0].y0, chain[-1].y1))
    if not found:
        for line in reader.lines:
            for token in line.tokens:
                text = token.text.strip(":")
                if text in {"购买方", "购买方信息", "购方"}:
                    found.append(("buyer", token.x0, line.y0 - 4 * height, line.y1 + 4 * height))
                elif text in {"销售方", "销售方信息", "销方"}:
                    found.append(("seller", token.x0, line.y0 - 4 * height, line.y1 + 4 * height))
    return found


def _party_of(
    reader: Reader, hit: Hit, markers: Sequence[tuple[str, float, float, float]]
) -> str | None:
    x, y = hit.x0(reader.lines), hit.cy(reader.lines)
    margin = 1.5 * reader.spacing.height
    covering = [m for m in markers if m[1] <= x + margin and m[2] - margin <= y <= m[3] + margin]
    if covering:
        return max(covering, key=lambda m: m[1])[0]
    if markers:
        return min(markers, key=lambda m: abs(m[1] - x) + abs((m[2] + m[3]) / 2 - y))[0]
    return None


def _remark(reader: Reader, columns: _Columns) -> tuple[str | None, float]:
    height = reader.spacing.height
    span: tuple[float, float, float] | None = None
    for glyph in [g for g in reader.glyphs if g.text == "备"]:
        chain = columns.stack(glyph, height)
        if len(chain) >= 2 and chain[1].text == "注":
            span = (max(g.x1 for g in chain[:2]), chain[0].y0, chain[1].y1)
            break
    if span is None:
        return None, 1.0
    x, top, bottom = span
    above, below = top - 2 * height, bottom + 2 * height
    glyphs = [g for g in reader.glyphs if g.x0 > x and above <= (g.y0 + g.y1) / 2 <= below]
    lines = group_lines(glyphs)
    rows: list[str] = []
    score = 1.0
    for line in lines:
        tokens = tokenize(line, reader.spacing)
        rows.append(" ".join(t.text for t in tokens))
        score = min([score, *(t.score for t in tokens)])
    return ("\n".join(rows) or None), score


def _amounts(tokens: Sequence[Token]) -> list[str]:
    text = " ".join(t.text for t in tokens).replace("¥", " ")
    return _MONEY.findall(text)


def _kind(lines: Sequence[Line]) -> InvoiceKind | None:
    for line in lines[:8]:
        kind = values.kind_from_title(line.text)
        if kind is not None:
            return kind
    return None


def extract(glyphs: Sequence[Glyph], *, source: FieldSource, confidence: float) -> Invoice | None:
    """The invoice printed on a page, or None when the page carries no invoice header."""
    lines, spacing = build_lines(glyphs)
    reader = Reader(lines, spacing, glyphs)
    if not any(h.key in {"number", "code", "date"} for h in reader.hits):
        return None
    found: dict[str, Any] = {}
    scores: dict[str, float] = {}

    def put(name: str, value: Any, score: float) -> None:
        if value is not None and value != "" and name not in found:
            found[name] = value
            scores[name] = score

    digits = re.compile(r"[\d ]+")
    for key, pattern in (("number", r"\d{20}|\d{8}"), ("code", r"\d{12}|\d{10}")):
        hit = reader.first(key)
        if hit:
            text, score = reader.value(hit)
            match = re.search(pattern, text)
            put(key, match[0] if match else None, score)
    hit = reader.first("check_code")
    if hit:
        text, score = reader.value(hit, chain=digits)
        compact = re.sub(r"\D", "", text)
        put("check_code", compact if len(compact) == 20 else None, score)
    hit = reader.first("date")
    if hit:
        text, score = reader.value(hit)
        put("issue_date", values.date(text), score)

    stacks = _Columns(glyphs)
    markers = _markers(reader, stacks)
    seen: dict[str, int] = {}
    for hit in reader.hits:
        if hit.key not in _PARTY_KEYS:
            continue
        party = _party_of(reader, hit, markers)
        if party is None:
            party = "buyer" if seen.get(hit.key, 0) == 0 else "seller"
        seen[hit.key] = seen.get(hit.key, 0) + 1
        text, score = reader.value(hit)
        if hit.key == "tax_id":
            match = re.search(r"[0-9A-Z]{15,20}", text.upper())
            put(f"{party}.tax_id", match[0] if match else None, score)
        else:
            put(f"{party}.{hit.key}", values.clean(text), score)

    total = next(
        (
            h
            for h in reader.hits
            if h.key == "total" and h.line > (reader.first("items") or h).line - 1
        ),
        None,
    )
    if total:
        right = reader.neighbours(total)
        found_amounts = _amounts(right)
        score = min([1.0, *(t.score for t in right)])
        if found_amounts:
            put("net_amount", values.money(found_amounts[0]), score)
        if len(found_amounts) >= 2:
            put("tax_amount", values.money(found_amounts[-1]), score)
    hit = reader.first("gross_lower")
    if hit:
        text, score = reader.value(hit)
        amounts = _MONEY.findall(text.replace("¥", " "))
        put("gross_amount", values.money(amounts[0]) if amounts else None, score)
    hit = reader.first("gross_upper")
    if hit:
        text, score = reader.value(hit)
        upper = _UPPER.search(text.replace("⊗", ""))
        put("gross_amount_text", upper[0] if upper else None, score)
        if "gross_amount" not in found:
            amounts = _amounts(reader.neighbours(hit))
            put("gross_amount", values.money(amounts[-1]) if amounts else None, score)
    hit = reader.first("drawer")
    if hit:
        text, score = reader.value(hit)
        put("drawer", values.clean(text), score)
    remark, remark_score = _remark(reader, stacks)
    put("remark", remark, remark_score)

    lines_found: list[dict[str, Any]] = []
    items_hit = reader.first("items")
    if items_hit:
        columns = header_columns(lines[items_hit.line])
        ends = [h.line for h in reader.hits if h.key in {"total", "gross_upper", "gross_lower"}]
        end = min([e for e in ends if e > items_hit.line] + [len(lines)])
        if columns:
            lines_found, items_score = read_items(lines, items_hit.line, end, spacing, columns)
            scores["lines"] = items_score

    put("kind", _kind(lines) or values.kind_from_code(found.get("code")), 1.0)
    compact_remark = (remark or "").replace(" ", "").replace("\n", "")
    red_text = "".join(line.text for line in lines[:8])
    gross = found.get("gross_amount")
    is_red = (gross is not None and gross < 0) or "负数" in (found.get("gross_amount_text") or "")
    is_red = is_red or "销项负数" in red_text or "红字" in red_text
    if is_red:
        put("is_red", True, 1.0)
        match = _RED_DIGITAL.search(compact_remark)
        put("original_number", match[1] if match else None, remark_score)
        legacy = _RED_LEGACY.search(compact_remark)
        if legacy:
            put("original_code", legacy[1], remark_score)
            put("original_number", legacy[2], remark_score)
        confirm = _RED_CONFIRM.search(compact_remark)
        put("red_confirmation_number", confirm[1] if confirm else None, remark_score)

    invoice = values.assemble(found, source=source, confidence=confidence, lines=lines_found)
    fields = {
        name: FieldInfo(source, round(confidence * scores.get(name, 1.0), 4))
        for name in invoice.fields
    }
    return _replace_fields(invoice, fields)


def _replace_fields(invoice: Invoice, fields: dict[str, FieldInfo]) -> Invoice:
    return dataclasses.replace(invoice, fields=fields)


def has_header(glyphs: Sequence[Glyph]) -> bool:
    """Whether the glyphs carry an invoice header (发票号码 or 发票代码 label)."""
    text = "".join([g.text for g in glyphs])
    return "发票号码" in text or "发票代码" in text


def build(glyphs: Sequence[Glyph]) -> tuple[list[Line], Spacing]:
    """Lines and spacing of a page (exposed for diagnostics and tests)."""
    return build_lines(glyphs)
