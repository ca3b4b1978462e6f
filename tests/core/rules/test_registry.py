"""The rule registry: unique names, every rule module loaded, a stable order of findings."""

from __future__ import annotations

import pytest

from fapiao.core.invoice import Invoice
from fapiao.core.rules.base import RULE_MODULES, all_rules, check, rule, validate


def test_a_second_rule_with_the_same_name_is_refused() -> None:
    name = next(iter(all_rules()))
    with pytest.raises(ValueError, match="duplicate rule name"):
        rule(name)(lambda invoice, context: ())


def test_every_rule_module_registers_rules() -> None:
    modules = {func.__module__.rsplit(".", 1)[-1] for func in all_rules().values()}
    assert modules == set(RULE_MODULES)


def test_findings_come_errors_first_and_validate_does_not_repeat_them() -> None:
    findings = check(Invoice())
    order = {"error": 0, "warning": 1, "info": 2}
    ranks = [order[f.severity.value] for f in findings]
    assert ranks == sorted(ranks)
    once = validate(Invoice())
    assert validate(once).findings == once.findings
