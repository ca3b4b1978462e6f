"""The line-item table (货物或应税劳务、服务 / 项目) read by column positions.

Columns are located from the header row (项目名称 规格型号 单位 数量 单价 金额 税率/征收率 税额);
each value token joins the column whose header centre is nearest, except that a token starting in
the name column stays there (names are left-aligned and long).  A row with text only in the name,
规格型号 or 单位 columns continues the previous item's name (multi-line item names).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fapiao.core.parsing import values
from fapiao.core.parsing.layout import Line, Spacing, Token, tokenize

ITEM_HEADERS = ("货物或应税劳务、服务名称", "货物或应税劳务名称", "项目名称")
_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("specification", ("规格型号",)),
    ("unit", ("单位",)),
    ("quantity", ("数量",)),
    ("unit_price", ("单价",)),
    ("net_amount", ("金额",)),
    ("tax_rate", ("税率/征收率", "征收率", "税率")),
    ("tax_amount", ("税额",)),
)
_TEXT_COLUMNS = frozenset({"name", "specification", "unit"})


class _HeaderText:
    """A header row's text with the left and right x of every character."""

    def __init__(self, line: Line) -> None:
        self.text = "".join([g.text for g in line.glyphs])
        self.lefts: list[float] = []
        self.rights: list[float] = []
        for glyph in line.glyphs:
            size = len(glyph.text)
            self.lefts += [glyph.x0] * size
            self.rights += [glyph.x1] * size

    def find(self, needle: str) -> tuple[float, float] | None:
        """The left and right x of ``needle`` in the row, or None."""
        at = self.text.find(needle)
        if at < 0:
            return None
        return self.lefts[at], self.rights[at + len(needle) - 1]


def header_columns(line: Line) -> dict[str, tuple[float, float]] | None:
    """Column spans when ``line`` is the item table's header row, else None."""
    header = _HeaderText(line)
    columns: dict[str, tuple[float, float]] = {}
    for needle in ITEM_HEADERS:
        where = header.find(needle)
        if where is not None:
            columns["name"] = where
            break
    if "name" not in columns:
        return None
    for key, needles in _COLUMNS:
        for needle in needles:
            where = header.find(needle)
            if where is not None:
                columns[key] = where
                break
    numeric = {"quantity", "unit_price", "net_amount", "tax_amount"} & columns.keys()
    return columns if len(numeric) >= 2 else None


def _centre(span: tuple[float, float]) -> float:
    return (span[0] + span[1]) / 2


def _name_edge(columns: dict[str, tuple[float, float]]) -> float:
    """Where the name column ends: the left edge of the next header."""
    name_x = _centre(columns["name"])
    after = [v[0] for k, v in columns.items() if k != "name" and _centre(v) > name_x]
    return min(after) if after else float("inf")


class _Grid:
    """The columns of the item table with what every row needs precomputed."""

    def __init__(self, columns: dict[str, tuple[float, float]]) -> None:
        self.edge = _name_edge(columns)
        self.centres = sorted(((k, _centre(v)) for k, v in columns.items()), key=lambda kv: kv[1])

    def assign(self, token: Token) -> str:
        """The column of a token: the name column when it ends there, else the nearest centre."""
        if token.x1 <= self.edge + 1:
            return "name"
        cx = token.cx
        return min(self.centres, key=lambda kv: abs(kv[1] - cx))[0]

    def cut_name(self, token: Token) -> list[Token]:
        """Split a token that runs from the name column under the next header (``服务无``)."""
        edge = self.edge
        glyphs = token.glyphs
        for i in range(1, len(glyphs)):
            if glyphs[i - 1].cx < edge <= glyphs[i].cx:
                return [Token(glyphs[:i]), Token(glyphs[i:])]
        return [token]


def _row_cells(line: Line, spacing: Spacing, grid: _Grid) -> dict[str, list[Token]]:
    cells: dict[str, list[Token]] = {}
    for token in tokenize(line, spacing, tight=True):
        for part in grid.cut_name(token):
            cells.setdefault(grid.assign(part), []).append(part)
    return cells


def _number(text: str) -> Decimal | None:
    return values.money(text.replace("¥", ""))


def read_items(
    lines: Sequence[Line],
    header: int,
    end: int,
    spacing: Spacing,
    columns: dict[str, tuple[float, float]],
) -> tuple[list[dict[str, Any]], float]:
    """Items between the header row and the line ``end`` (合计), with the lowest score."""
    items: list[dict[str, Any]] = []
    score = 1.0
    previous_was_item = False
    pending: list[str] = []
    grid = _Grid(columns)
    for line in lines[header + 1 : end]:
        cells = _row_cells(line, spacing, grid)
        texts = {key: "".join(t.text for t in toks) for key, toks in cells.items()}
        score = min([score, *(t.score for toks in cells.values() for t in toks)])
        if not (texts.keys() - _TEXT_COLUMNS):
            name = texts.get("name", "")
            if previous_was_item and items and name:
                items[-1]["name"] = (items[-1].get("name") or "") + name
            elif name:
                pending.append(name)
            continue
        name = "".join(pending) + texts.get("name", "")
        pending = []
        item: dict[str, Any] = {
            "name": name or None,
            "specification": texts.get("specification") or None,
            "unit": texts.get("unit") or None,
            "quantity": _number(texts.get("quantity", "")),
            "unit_price": _number(texts.get("unit_price", "")),
            "net_amount": _number(texts.get("net_amount", "")),
            "tax_rate": values.rate(texts.get("tax_rate")),
            "tax_amount": _number(texts.get("tax_amount", "")),
        }
        items.append(item)
        previous_was_item = True
    return items, score
