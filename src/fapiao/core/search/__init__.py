"""检索 (search): framework-free text normalisation and tokenisation for the invoice search box.

``text`` turns names, items and remarks into index tokens (NFKC, casefolded words, Chinese
character bigrams); ``pinyin`` adds 拼音 full spellings and initials, every reading of a
多音字 (heteronym) included within a bound; ``numbers`` makes the one-typo variants of invoice
numbers; ``query`` turns what a person typed into terms for the database.
"""

from __future__ import annotations

from fapiao.core.search.numbers import deletion_variants, is_one_typo, variant_key
from fapiao.core.search.pinyin import pinyin_tokens
from fapiao.core.search.query import Query, Term, parse_query
from fapiao.core.search.text import normalize, text_tokens

__all__ = [
    "Query",
    "Term",
    "deletion_variants",
    "is_one_typo",
    "normalize",
    "parse_query",
    "pinyin_tokens",
    "text_tokens",
    "variant_key",
]
