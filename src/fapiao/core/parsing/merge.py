"""Merging candidate readings of ONE invoice from several sources (合并多来源识别结果).

Each field takes the value of the most trustworthy source that has one (FieldSource.trust:
manual > xml > ofd > qr > export > pdf_text > ocr; ties broken by confidence, then by order).
Every disagreement becomes a ``merge.disagreement`` warning naming the field, both values and
both sources, so a worse source is never preferred silently and a conflict is never hidden.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fapiao.core.findings import Finding, warning
from fapiao.core.invoice import FieldInfo, FieldSource, Invoice, InvoiceKind
from fapiao.core.parsing.values import SCALAR_FIELDS, field_value, with_fields

_LEAST = FieldInfo(FieldSource.OCR, 0.0)
_BRACKETS = str.maketrans({"（": "(", "）": ")"})


def _default_info(invoice: Invoice) -> FieldInfo:
    """The provenance assumed for a field a candidate did not annotate: its weakest one."""
    if not invoice.fields:
        return _LEAST
    return min(invoice.fields.values(), key=lambda i: (i.source.trust, i.confidence))


def _has_value(name: str, value: Any, invoice: Invoice) -> bool:
    if value is None or value == "":
        return False
    if name == "kind":
        return value is not InvoiceKind.OTHER or "kind" in invoice.fields
    if name == "is_red":
        return bool(value) or "is_red" in invoice.fields
    return True


def _comparable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).translate(_BRACKETS)
        return "".join(text.split()).upper()
    return value


def _shown(value: Any) -> str:
    return value.value if isinstance(value, InvoiceKind) else str(value)


def _disagreement(
    name: str, best: Any, best_info: FieldInfo, other: Any, info: FieldInfo
) -> Finding:
    a, b = _shown(best), _shown(other)
    return warning(
        "merge.disagreement",
        f"字段 {name} 的来源不一致：{best_info.source.value} 为 {a}，{info.source.value} 为 {b}；"
        f"采用 {best_info.source.value} 的值",
        f"Sources disagree on {name}: {best_info.source.value} says {a}, {info.source.value} "
        f"says {b}; the {best_info.source.value} value is kept",
        field=name,
        values={
            "value": a,
            "source": best_info.source.value,
            "other_value": b,
            "other_source": info.source.value,
        },
    )


def merge(candidates: Sequence[Invoice]) -> Invoice:
    """One invoice from candidate readings of it, each field from its most trustworthy source."""
    if not candidates:
        raise ValueError("merge needs at least one candidate")
    if len(candidates) == 1:
        return candidates[0]
    chosen: dict[str, Any] = {}
    fields: dict[str, FieldInfo] = {}
    findings: list[Finding] = []
    for cand in candidates:
        findings.extend(f for f in cand.findings if f not in findings)
    for name in SCALAR_FIELDS:
        offers: list[tuple[Any, FieldInfo, int]] = []
        for order, cand in enumerate(candidates):
            value = field_value(cand, name)
            if _has_value(name, value, cand):
                offers.append((value, cand.fields.get(name) or _default_info(cand), order))
        if not offers:
            continue
        offers.sort(key=lambda o: (-o[1].source.trust, -o[1].confidence, o[2]))
        best, best_info, _ = offers[0]
        chosen[name] = best
        fields[name] = best_info
        reported: set[Any] = {_comparable(best)}
        for value, info, _ in offers[1:]:
            key = _comparable(value)
            if key not in reported:
                reported.add(key)
                findings.append(_disagreement(name, best, best_info, value, info))
    with_lines = [
        (cand.fields.get("lines") or _default_info(cand), order, cand)
        for order, cand in enumerate(candidates)
        if cand.lines
    ]
    base = dataclasses.replace(candidates[0], lines=(), findings=())
    merged = with_fields(base, chosen)
    if with_lines:
        with_lines.sort(key=lambda t: (-t[0].source.trust, -t[0].confidence, t[1]))
        info, _, cand = with_lines[0]
        merged = dataclasses.replace(merged, lines=cand.lines)
        fields["lines"] = info
    return dataclasses.replace(merged, fields=fields, findings=tuple(findings))
