"""The rule registry and the validation entry point."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fapiao.core.findings import Finding
from fapiao.core.invoice import Invoice, china_today

RULE_MODULES = ("identity", "parties", "amounts", "dates", "red")
"""The modules under ``fapiao.core.rules`` that register rules, imported on first use."""


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What rules need to know beyond the invoice; passed in, never read from settings."""

    company_tax_id: str | None = None  # the company whose books these are
    today: dt.date | None = None  # China date; default: today in China

    def resolved_today(self) -> dt.date:
        """The date rules compare against."""
        return self.today or china_today()


Rule = Callable[[Invoice, RuleContext], Iterable[Finding]]
_RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under a unique name."""

    def register(func: Rule) -> Rule:
        if name in _RULES:
            raise ValueError(f"duplicate rule name {name!r}")
        _RULES[name] = func
        return func

    return register


def _load() -> None:
    for module in RULE_MODULES:
        importlib.import_module(f"fapiao.core.rules.{module}")


def all_rules() -> dict[str, Rule]:
    """Every registered rule by name."""
    _load()
    return dict(_RULES)


def check(invoice: Invoice, context: RuleContext | None = None) -> list[Finding]:
    """Run every rule and return the findings, errors first, in a stable order."""
    ctx = context or RuleContext()
    found: list[Finding] = []
    for func in all_rules().values():
        found.extend(func(invoice, ctx))
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda f: (order[f.severity.value], f.code))


def validate(invoice: Invoice, context: RuleContext | None = None) -> Invoice:
    """The invoice with the rules' findings added to those it already carried."""
    findings = check(invoice, context)
    seen = {(f.code, f.field, f.message) for f in invoice.findings}
    extra = tuple(f for f in findings if (f.code, f.field, f.message) not in seen)
    return dataclasses.replace(invoice, findings=invoice.findings + extra)
