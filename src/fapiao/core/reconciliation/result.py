"""The outcome of a reconciliation (对账结果): a results frame plus views a person can read.

``Reconciliation.results`` holds one row per result (see ``classify.RESULT_SCHEMA``);
:meth:`Reconciliation.iter_results` turns rows into :class:`ReconciliationResult` objects with the
ledger row, the export row, every differing field and the suggestion, for JSON and reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from fapiao.core.reconciliation.categories import ACTIONS, Category

_NONE = ACTIONS["none"]
LEDGER_OUTPUT_COLUMNS = (
    "code", "number", "digital_number", "seller_tax_id", "seller_name", "buyer_tax_id",
    "buyer_name", "issue_date", "net_amount", "tax_amount", "gross_amount", "operator", "batch",
    "voucher",
)  # fmt: skip
TAX_OUTPUT_COLUMNS = (
    "code", "number", "digital_number", "seller_tax_id", "seller_name", "buyer_tax_id",
    "buyer_name", "issue_date", "net_amount", "tax_amount", "gross_amount", "kind_label",
    "status", "is_positive",
)  # fmt: skip
_COMPARED = (
    ("net_amount", "net_delta"),
    ("tax_amount", "tax_delta"),
    ("gross_amount", "gross_delta"),
    ("issue_date", "date_differs"),
    ("buyer_tax_id", "buyer_differs"),
    ("seller_tax_id", "seller_differs"),
)


@dataclass(frozen=True, slots=True)
class Difference:
    """One differing field (差异): its ledger and export values; ``info`` for names only."""

    field: str
    ledger: str | None
    tax: str | None
    severity: str = "error"

    def as_dict(self) -> dict[str, Any]:
        """The difference as the JSON object the CLI prints."""
        return {
            "field": self.field,
            "ledger": self.ledger,
            "tax": self.tax,
            "severity": self.severity,
        }


@dataclass(frozen=True, slots=True)
class ReconciliationResult:
    """One result: a category, the rows it pairs, differences, confidence and suggestion."""

    category: Category
    action: str
    ledger: dict[str, Any] | None
    tax: dict[str, Any] | None
    differences: list[Difference]
    suggestion: str
    suggestion_en: str
    confidence: float
    pending: bool = False
    ledger_row: int | None = None
    tax_row: int | None = None
    corrected_key: str | None = None
    red: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``fapiao reconcile --json``."""
        return {
            "category": self.category.value,
            "action": self.action,
            "ledger": self.ledger,
            "tax": self.tax,
            "red": self.red,
            "differences": [d.as_dict() for d in self.differences],
            "corrected_key": self.corrected_key,
            "suggestion": self.suggestion,
            "suggestion_en": self.suggestion_en,
            "confidence": self.confidence,
            "pending": self.pending,
        }


def _row(frame: pl.DataFrame, index: int | None, columns: tuple[str, ...]) -> dict[str, Any] | None:
    if index is None:
        return None
    present = [c for c in columns if c in frame.columns]
    return frame.select(present).row(index, named=True)


def _differences(
    rec: dict[str, Any], ledger: dict[str, Any], tax: dict[str, Any]
) -> list[Difference]:
    out = []
    if rec["key_differs"]:
        out.append(Difference("invoice_key", rec["ledger_key"], rec["corrected_key"]))
    for name, flag in _COMPARED:
        value = rec[flag]
        if value is not None and value is not False and value != 0:
            out.append(Difference(name, ledger.get(name), tax.get(name)))
    for name in ("seller_name", "buyer_name"):
        left, right = ledger.get(name), tax.get(name)
        if left and right and left.strip() != right.strip():
            out.append(Difference(name, left, right, "info"))
    return out


@dataclass(frozen=True)
class Reconciliation:
    """对账结果: the results frame plus the prepared inputs it points into."""

    results: pl.DataFrame
    ledger: pl.DataFrame
    tax: pl.DataFrame
    as_of: dt.date
    period: tuple[dt.date, dt.date] | None
    sync_days: int
    company_tax_id: str | None

    def summary(self) -> pl.DataFrame:
        """Counts by category, in the order of :class:`Category`, with Chinese/English labels."""
        counts = self.results.group_by(pl.col("category").cast(pl.Utf8)).len("count")
        table = pl.DataFrame(
            {
                "category": [c.value for c in Category],
                "label": [c.label for c in Category],
                "label_en": [c.label_en for c in Category],
            }
        )
        return table.join(counts, on="category", how="left", maintain_order="left").with_columns(
            pl.col("count").fill_null(0).cast(pl.Int64)
        )

    def problems(self) -> pl.DataFrame:
        """Results that need attention: not MATCHED and not pending."""
        return self.results.filter((pl.col("category") != Category.MATCHED) & ~pl.col("pending"))

    def localisation(self) -> dict[str, pl.DataFrame]:
        """问题定位: problems counted by operator (录入人), batch, week, seller and category."""
        from fapiao.core.reconciliation.localise import localise

        return localise(self)

    def iter_results(self, frame: pl.DataFrame | None = None) -> Iterator[ReconciliationResult]:
        """Each result (of ``frame``, default all in ledger order, then export-only ones)."""
        if frame is None:
            frame = self.results.sort("ledger_row", "tax_row", nulls_last=True)
        keys = (
            frame.join(
                self.ledger.select(
                    pl.col("_l").alias("ledger_row"), pl.col("_key").alias("ledger_key")
                ),
                on="ledger_row",
                how="left",
                maintain_order="left",
            )
            if frame.height
            else frame.with_columns(pl.lit(None, pl.Utf8).alias("ledger_key"))
        )
        for rec in keys.iter_rows(named=True):
            ledger = _row(self.ledger, rec["ledger_row"], LEDGER_OUTPUT_COLUMNS)
            tax = _row(self.tax, rec["tax_row"], TAX_OUTPUT_COLUMNS)
            diffs = _differences(rec, ledger, tax) if ledger and tax else []
            reds = [_row(self.tax, int(i), TAX_OUTPUT_COLUMNS) for i in rec["red_rows"] or []]
            yield ReconciliationResult(
                category=Category(rec["category"]),
                action=rec["action"],
                ledger=ledger,
                tax=tax,
                differences=diffs,
                suggestion=rec["suggestion"] or _NONE[0],
                suggestion_en=rec["suggestion_en"] or _NONE[1],
                confidence=rec["confidence"],
                pending=rec["pending"],
                ledger_row=rec["ledger_row"],
                tax_row=rec["tax_row"],
                corrected_key=rec["corrected_key"],
                red=[r for r in reds if r is not None],
            )
