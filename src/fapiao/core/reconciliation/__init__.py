"""Reconciliation (对账) of the company's ledger against the tax bureau's exports, on polars.

``reconcile(ledger, exports, …)`` takes frames in the canonical layout of
``fapiao.core.tabular`` and returns a :class:`Reconciliation`: one result per ledger row and per
export row, each with a stable :class:`Category`, its differences, a confidence and a suggestion
in Chinese and English; plus problem localisation by operator, batch, week, seller and category.
"""

from __future__ import annotations

from fapiao.core.reconciliation.categories import ACTIONS, PENDING, Category
from fapiao.core.reconciliation.engine import combine_exports, infer_period, reconcile
from fapiao.core.reconciliation.result import Difference, Reconciliation, ReconciliationResult

__all__ = [
    "ACTIONS",
    "PENDING",
    "Category",
    "Difference",
    "Reconciliation",
    "ReconciliationResult",
    "combine_exports",
    "infer_period",
    "reconcile",
]
