"""The invoice schema (发票数据结构), versioned: one JSON shape for parse, the API and exports.

``invoice_to_dict`` and ``invoice_from_dict`` convert between ``Invoice`` and that shape;
``invoice-v1.schema.json`` beside this module is its JSON Schema, documented field by field in
docs/schema.md.  Money is a string with two decimals, quantities and unit prices strings of
up to 13 decimals, identifiers strings with their leading zeros.
"""

from __future__ import annotations

from fapiao.core.schema.convert import (
    SCHEMA_VERSION,
    invoice_from_dict,
    invoice_to_dict,
    json_schema,
    rate_from_text,
    rate_to_text,
)

__all__ = [
    "SCHEMA_VERSION",
    "invoice_from_dict",
    "invoice_to_dict",
    "json_schema",
    "rate_from_text",
    "rate_to_text",
]
