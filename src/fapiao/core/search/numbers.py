"""号码容错 (number typos): find an invoice number typed with one digit wrong.

Symmetric deletion: the index holds, for each number, the number itself and every variant with
one digit deleted; a query looks up its own such variants.  Two strings within one edit share a
variant: a substitution at *i* (both minus *i*), a dropped digit (the query is a variant), an
extra digit (a variant of the query is the number), an adjacent transposition at *i*, *i+1* (the
query minus *i+1* equals the number minus *i*).  Sharing a variant also admits some two-edit
pairs, so candidates are confirmed with :func:`is_one_typo`.  A 20-digit number gives at most 21
index rows; each lookup is exact, so the index stays linear and fast.
"""

from __future__ import annotations

import hashlib

MIN_LENGTH = 6
"""Shorter numbers get no typo variants: one wrong digit in five would match too much."""


def deletion_variants(number: str) -> set[str]:
    """The number and each of its one-digit deletions."""
    if len(number) < MIN_LENGTH:
        return {number} if number else set()
    return {number} | {number[:i] + number[i + 1 :] for i in range(len(number))}


def variant_key(variant: str) -> int:
    """A signed 64-bit key for a variant (fits a BIGINT column; collisions are confirmed away)."""
    digest = hashlib.blake2b(variant.encode("ascii", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def is_one_typo(typed: str, number: str) -> bool:
    """Whether ``typed`` is ``number`` or one edit from it (substitution, swap, drop, insert)."""
    if typed == number:
        return True
    la, lb = len(typed), len(number)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if typed[i] != number[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and typed[diffs[0]] == number[diffs[1]]
            and typed[diffs[1]] == number[diffs[0]]
        )
    shorter, longer = (typed, number) if la < lb else (number, typed)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
