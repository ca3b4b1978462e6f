"""What one invoice puts into the search index: column values, tokens and typo keys.

Pure functions of an invoice's values (no database), shared by the indexing services and the
bulk loader of ``bench/web.py``.  Tokens are prefixed with the company (``<id>x``) so a
full-text lookup only ever touches the company's own postings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fapiao.core.errors import FapiaoError
from fapiao.core.identifiers import digital_number
from fapiao.core.identifiers.regions import Region, region_of
from fapiao.core.search import deletion_variants, normalize, pinyin_tokens, text_tokens, variant_key

NAME_FIELDS = ("seller_name", "buyer_name")
ID_FIELDS = ("number", "code", "digital_number", "seller_tax_id", "buyer_tax_id")
TAIL_LENGTHS = (6, 7, 8, 9, 10, 11, 12)
"""Tails of a 20-digit number that are searchable as typed (the serial part)."""
SOURCE_FIELDS = (
    "company_id",
    "direction",
    "kind",
    "number",
    "code",
    "digital_number",
    "issue_date",
    "gross_amount",
    "seller_name",
    "seller_tax_id",
    "buyer_name",
    "buyer_tax_id",
    "remark",
    "review_status",
    "tax_status",
    "deduction_status",
    "booking_status",
    "approved_by_id",
)
"""The invoice columns an entry is built from."""


@dataclass(frozen=True, slots=True)
class EntryData:
    """One invoice's search entry: column values, the token text and the typo variant keys."""

    values: dict[str, Any]
    tokens: str
    variant_keys: frozenset[int]


def token_prefix(company_id: int) -> str:
    """The company scope of every token of a company (``17x``)."""
    return f"{company_id}x"


def display_number(values: Mapping[str, Any]) -> str:
    """The number a person searches for: the 数电 number, else the 发票号码."""
    return normalize(str(values.get("digital_number") or values.get("number") or "")).strip()


def _region(identifier: str) -> Region | None:
    if len(identifier) == 20 and identifier.isdigit():
        try:
            return digital_number.parse(identifier).region.region
        except FapiaoError:
            pass
    return region_of(identifier)


def region_codes(values: Mapping[str, Any]) -> tuple[str, str]:
    """(province code, region code) read from the 数电 number or the 发票代码; blank if none."""
    for field in ("digital_number", "code", "number"):
        identifier = str(values.get(field) or "")
        if not identifier:
            continue
        try:
            region = _region(identifier)
        except (FapiaoError, ValueError):
            region = None
        if region is not None:
            return region.province_code, region.code
    return "", ""


def tokens_of(values: Mapping[str, Any], line_names: Iterable[str]) -> set[str]:
    """The bare (unscoped) tokens of an invoice: names with pinyin, items, remark, identifiers."""
    tokens: set[str] = set()
    for field in NAME_FIELDS:
        name = str(values.get(field) or "")
        tokens |= text_tokens(name)
        tokens |= pinyin_tokens(name)
    for name in line_names:
        tokens |= text_tokens(name)
    tokens |= text_tokens(str(values.get("remark") or ""))
    for field in ID_FIELDS:
        ident = "".join(c for c in normalize(str(values.get(field) or "")) if c.isalnum())
        if ident:
            tokens.add(ident)
    number = display_number(values)
    if len(number) == 20 and number.isdigit():
        # People type the tail of a 数电 number (its serial) as often as the whole of it.
        tokens.update(number[-n:] for n in TAIL_LENGTHS)
    return tokens


def variant_keys_of(company_id: int, number: str) -> frozenset[int]:
    """The typo lookup keys of a number (empty for a number that is not all digits)."""
    if not number.isdigit():
        return frozenset()
    return frozenset(variant_key(v) for v in deletion_variants(number))


def entry_data(values: Mapping[str, Any], line_names: Iterable[str]) -> EntryData:
    """The search entry of an invoice given its columns (``SOURCE_FIELDS``) and item names."""
    company_id = int(values["company_id"])
    number = display_number(values)
    province, region = region_codes(values)
    prefix = token_prefix(company_id)
    tokens = " ".join(sorted(prefix + t for t in tokens_of(values, line_names)))
    gross = values.get("gross_amount")
    return EntryData(
        values={
            "company_id": company_id,
            "direction": values["direction"],
            "kind": values["kind"],
            "number": number[:64],
            "issue_date": values.get("issue_date"),
            "gross_amount": Decimal(gross) if gross is not None else None,
            "seller_name": normalize(str(values.get("seller_name") or "")),
            "review_status": values["review_status"],
            "tax_status": values["tax_status"],
            "deduction_status": values.get("deduction_status") or "",
            "booking_status": values.get("booking_status") or "",
            "province": province,
            "region": region,
            "reviewer_id": values.get("approved_by_id"),
        },
        tokens=tokens,
        variant_keys=variant_keys_of(company_id, number),
    )
