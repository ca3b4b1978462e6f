"""Findings: what a rule says about an invoice (问题), with a stable code and a severity.

A finding never stops processing: one report shows every problem at once.  Codes are stable
machine identifiers (``amount.gross_mismatch``); messages name the values involved, in Chinese
(``message``) and English (``message_en``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """严重程度: error blocks approval, warning needs a look, info is for the record."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (问题) found in one invoice or one field."""

    code: str
    severity: Severity
    message: str
    message_en: str
    field: str | None = None
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The finding as a JSON-ready object (values rendered as strings)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "message_en": self.message_en,
            "field": self.field,
            "values": {k: (None if v is None else str(v)) for k, v in self.values.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Read a finding back from ``as_dict`` output."""
        return cls(
            code=str(data["code"]),
            severity=Severity(data["severity"]),
            message=str(data.get("message", "")),
            message_en=str(data.get("message_en", "")),
            field=data.get("field"),
            values=dict(data.get("values") or {}),
        )


def error(code: str, message: str, message_en: str, **kw: Any) -> Finding:
    """An error-severity finding."""
    return Finding(code, Severity.ERROR, message, message_en, **kw)


def warning(code: str, message: str, message_en: str, **kw: Any) -> Finding:
    """A warning-severity finding."""
    return Finding(code, Severity.WARNING, message, message_en, **kw)


def info(code: str, message: str, message_en: str, **kw: Any) -> Finding:
    """An info-severity finding."""
    return Finding(code, Severity.INFO, message, message_en, **kw)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(f.severity is Severity.ERROR for f in findings)
