"""文本切分 (text tokens): NFKC, casefolded words, and Chinese character bigrams.

A full-text index cannot find a two-character word such as 住宿 with a trigram tokenizer, and
Chinese has no spaces between words; so each run of Chinese characters is indexed as its
overlapping character bigrams (二元切分), and a query run is matched as all of its bigrams.
Runs of letters and digits are indexed as lowercase words.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

MAX_TOKEN_LENGTH = 40
"""Longer words are cut (an index term need not be longer than anyone types)."""


def normalize(text: str) -> str:
    """NFKC (full-width to half-width) and casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=65536)
def is_han(char: str) -> bool:
    """Whether a character is written without spaces between words (汉字, kana, hangul)."""
    return unicodedata.category(char) == "Lo" and ord(char) >= 0x2E80


def runs(text: str) -> list[tuple[str, bool]]:
    """The runs of a normalised text: (run, is_han); punctuation and spaces separate runs."""
    found: list[tuple[str, bool]] = []
    current: list[str] = []
    current_han = False
    for char in normalize(text):
        if not char.isalnum():
            if current:
                found.append(("".join(current), current_han))
                current = []
            continue
        han = is_han(char)
        if current and han != current_han:
            found.append(("".join(current), current_han))
            current = []
        current.append(char)
        current_han = han
    if current:
        found.append(("".join(current), current_han))
    return found


def bigrams(run: str) -> list[str]:
    """The overlapping character bigrams of a Chinese run; a one-character run is itself."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=65536)
def text_tokens(text: str) -> frozenset[str]:
    """Index tokens of a name, item or remark: bigrams of Chinese runs, words of the rest."""
    tokens: set[str] = set()
    for run, han in runs(text):
        if han:
            tokens.update(bigrams(run))
        else:
            tokens.add(run[:MAX_TOKEN_LENGTH])
    return frozenset(tokens)
