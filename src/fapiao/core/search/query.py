"""检索式 (query): what a person typed in the one search box, split into terms.

Whitespace separates terms; every term must match (AND).  A term is ``han`` (Chinese: matched as
all of its character bigrams), ``word`` (letters: pinyin initials, full pinyin or a Latin word,
matched as a prefix), or ``number`` (digits, or a tax ID with letters: an invoice number, code or
tax ID prefix, and, for a number of 8+ digits, the one-typo variants too).  The database layer
turns the index tokens into SQLite FTS5 or PostgreSQL tsquery syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from fapiao.core.search.text import bigrams, normalize, runs

TYPO_MIN_LENGTH = 8
MAX_TERMS = 8


@dataclass(frozen=True, slots=True)
class Term:
    """One term: its kind, the tokens that must all match, and whether the last is a prefix."""

    kind: str
    text: str
    tokens: tuple[str, ...]
    prefix: bool

    @property
    def is_typo_candidate(self) -> bool:
        """A number long enough to look up with one digit wrong."""
        return self.kind == "number" and self.text.isdigit() and len(self.text) >= TYPO_MIN_LENGTH


@dataclass(frozen=True, slots=True)
class Query:
    """The parsed query: its terms (empty when nothing searchable was typed)."""

    terms: tuple[Term, ...]

    @property
    def is_empty(self) -> bool:
        """Nothing to search for."""
        return not self.terms

    @property
    def number(self) -> str | None:
        """The one number of a query that is just a number (typo search applies), else None."""
        if len(self.terms) == 1 and self.terms[0].is_typo_candidate:
            return self.terms[0].text
        return None


def _term(run: str, han: bool) -> Term:
    if han:
        grams = bigrams(run)
        return Term("han", run, tuple(grams), prefix=len(run) == 1)
    if any(c.isdigit() for c in run):
        return Term("number", run, (run,), prefix=True)
    return Term("word", run, (run,), prefix=True)


def parse_query(text: str) -> Query:
    """Split a typed query into terms (at most ``MAX_TERMS``); punctuation separates runs."""
    terms: list[Term] = []
    for chunk in normalize(text).split():
        for run, han in runs(chunk):
            if run.isascii() and not run.isalnum():
                continue
            terms.append(_term(run, han))
    return Query(tuple(terms[:MAX_TERMS]))
