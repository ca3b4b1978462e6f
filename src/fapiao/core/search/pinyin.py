"""拼音 (pinyin) tokens of names: full spellings and initials, heteronyms included.

A person types ``bjhy`` for 北京华医网科技 or ``cq`` for 重庆.  Each Chinese character may have
several readings (多音字: 重 is zhong or chong); the index holds every combination of the
readings up to ``MAX_COMBINATIONS`` per name, the phrase reading (pypinyin's phrase dictionary)
first.  Each combination is indexed from every character on (suffixes), so that a prefix query
finds initials from the middle of a name too (``hywkj``).  Legal-form suffixes (有限公司 …) are
left out of pinyin: nobody searches for ``yxgs``.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, pinyin

from fapiao.core.search.text import is_han, normalize

MAX_COMBINATIONS = 8
MAX_READINGS = 3
MAX_INITIALS = 12
MAX_SYLLABLES = 6
MAX_CHARS = 16
"""Only the first characters of a long name are spelled: the bound on index size."""

LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "合伙企业",
    "集团",
    "公司",
)


def _strip_legal_form(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            if name.endswith(form) and len(name) > len(form):
                name = name.removesuffix(form)
                changed = True
    return name


@lru_cache(maxsize=16384)
def char_readings(char: str) -> tuple[str, ...]:
    """Every reading of one character, without tones (``重`` -> zhong, chong, tong)."""
    readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
    return tuple(dict.fromkeys(r for r in readings if r.isascii() and r.isalpha()))


def _positions(han_text: str) -> list[tuple[str, ...]]:
    phrase = [r[0] for r in pinyin(han_text, style=Style.NORMAL)]
    positions = []
    for char, first in zip(han_text, phrase, strict=True):
        others = char_readings(char)
        ordered = (first, *others) if first.isascii() and first.isalpha() else others
        positions.append(tuple(dict.fromkeys(ordered))[:MAX_READINGS] or (char,))
    return positions


def _combinations(positions: list[tuple[str, ...]], initials: bool) -> list[str]:
    combos = [""]
    for readings in positions:
        choices = dict.fromkeys(r[0] if initials else r for r in readings)
        combos = [c + r for c in combos for r in choices][:MAX_COMBINATIONS]
    return combos


@lru_cache(maxsize=65536)
def pinyin_tokens(name: str) -> frozenset[str]:
    """Pinyin index tokens of a name: initials and full spellings from every character on."""
    text = _strip_legal_form("".join(c for c in normalize(name) if c.isalnum()))
    han = "".join(c for c in text if is_han(c))[:MAX_CHARS]
    if not han:
        return frozenset()
    positions = _positions(han)
    tokens: set[str] = set()
    for i in range(len(positions)):
        if i < len(positions) - 1:
            tokens.update(_combinations(positions[i : i + MAX_INITIALS], initials=True))
        tokens.update(_combinations(positions[i : i + MAX_SYLLABLES], initials=False))
    return frozenset(t for t in tokens if t.isascii() and t.isalpha())
