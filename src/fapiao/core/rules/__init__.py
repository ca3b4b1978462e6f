"""Whole-invoice rules: ``rule(invoice, context) -> findings``; ``validate`` runs them all.

Each rule module registers its rules with :func:`rule`.  A rule never raises on bad data: it
returns findings with stable codes (GLOSSARY.md lists them), so one report shows every problem.
"""

from __future__ import annotations

from fapiao.core.rules.base import RuleContext, all_rules, rule, validate

__all__ = ["RuleContext", "all_rules", "rule", "validate"]
