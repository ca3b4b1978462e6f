"""预警阈值 (per-company thresholds) as stored JSON: only the fields that differ from the
defaults of :class:`fapiao.core.anomalies.AnomalyThresholds` are kept."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Any

from fapiao.core.anomalies import DEFAULT_THRESHOLDS, AnomalyThresholds
from fapiao.core.invoice import InvoiceKind

EDITABLE: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(AnomalyThresholds) if f.name != "off_day_skip_kinds"
)
"""The fields a company may set (the ticket kinds skipped on rest days are fixed)."""


def _coerce(name: str, value: Any) -> Any:
    default = getattr(DEFAULT_THRESHOLDS, name)
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, Decimal):
        return Decimal(str(value))
    if name == "off_day_skip_kinds":
        return frozenset(InvoiceKind(v) for v in value)
    return value


def thresholds_from_json(data: dict[str, Any]) -> AnomalyThresholds:
    """The thresholds a company stored (unknown or unreadable fields fall back to the defaults)."""
    values = {}
    for name in EDITABLE:
        if name in data:
            try:
                values[name] = _coerce(name, data[name])
            except (ValueError, TypeError, InvalidOperation):
                continue
    return dataclasses.replace(DEFAULT_THRESHOLDS, **values)


def thresholds_to_json(thresholds: AnomalyThresholds) -> dict[str, Any]:
    """The fields that differ from the defaults, JSON-ready (Decimals as strings)."""
    out: dict[str, Any] = {}
    for name in EDITABLE:
        value = getattr(thresholds, name)
        if value != getattr(DEFAULT_THRESHOLDS, name):
            out[name] = str(value) if isinstance(value, Decimal) else value
    return out
