"""演示数据填充 (demo fill): a company made alive through the same services as the pages.

:func:`demo_fill` generates seeded invoices (:mod:`.generator`), writes each one's file
(:mod:`.documents`), stores and parses it and saves the reading (``stored_file_create``,
``parse_bytes``, the core rules, ``invoice_save_parsed``: files, sources, events and the search
index are real), then walks the workflows: red invoices reverse their blue ones, reviewers approve
(never their own entries) or return, 抵扣 and 入账 statuses move, a tax-bureau export with known
discrepancies is reconciled, claims run through every status, feedback is filed and the alert
detectors run.  It calls many durable services, so it is no transaction itself; it is idempotent
instead: every step is keyed by an identity, and a second run finds everything and adds nothing.
The anchor date of the data is kept in the company's first ``demo.filled`` event.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count

from fapiao.core.invoice import china_today
from fapiao.web.companies.models import Company
from fapiao.web.demo.bulk import demo_import
from fapiao.web.demo.catalogue import company_party
from fapiao.web.demo.generator import generate
from fapiao.web.demo.people import DemoCredential, agency_client_ensure, demo_users_ensure
from fapiao.web.demo.story import NEWEST_PENDING, Story
from fapiao.web.demo.workflows import (
    demo_alerts,
    demo_claims,
    demo_feedback,
    demo_reconciliation,
)
from fapiao.web.events.models import Event
from fapiao.web.events.services import event_record
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.search.services import search_index_catch_up

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as the fill advances."""

ANCHOR_ACTION = "demo.filled"


@dataclass
class DemoSummary:
    """What :func:`demo_fill` found and did."""

    company: Company
    anchor: dt.date
    users: dict[str, DemoCredential]
    generated: int = 0
    created: int = 0
    existing: int = 0
    steps: Counter[str] = field(default_factory=Counter)
    reconciliation_run: int | None = None
    export_injected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, dict[str, int]]:
        """The company's records by direction and by each status (database truth)."""
        records = InvoiceRecord.objects.filter(company=self.company)
        out: dict[str, dict[str, int]] = {}
        for column in ("direction", "kind", "review_status", "tax_status", "deduction_status",
                       "booking_status"):  # fmt: skip
            rows = records.values_list(column).annotate(n=Count("id")).order_by(column)
            out[column] = {str(value): n for value, n in rows}
        return out


def _anchor(company: Company, *, seed: int, size: int, wanted: dt.date | None = None) -> dt.date:
    """The date the demo data ends on: the first fill's date (``wanted``, else today), kept in
    its event."""
    first = (
        Event.objects.filter(company=company, action=ANCHOR_ACTION)
        .order_by("seq")
        .values_list("after", flat=True)
        .first()
    )
    if first and isinstance(first, dict) and first.get("anchor"):
        return dt.date.fromisoformat(str(first["anchor"]))
    anchor = wanted or china_today()
    with transaction.atomic(durable=True):
        event_record(
            company=company,
            actor=None,
            action=ANCHOR_ACTION,
            obj=company,
            before=None,
            after={"anchor": anchor.isoformat(), "seed": seed, "size": size},
        )
    return anchor


def demo_fill(
    *,
    company: Company,
    size: int = 3000,
    seed: int = 0,
    reset_passwords: bool = False,
    progress: Progress | None = None,
    anchor: dt.date | None = None,
) -> DemoSummary:
    """Fill ``company`` with ``size`` demo invoices and everything around them (idempotent).

    The invoices are issued in the year up to ``anchor`` (default: today), the date of the
    first fill of the company, which later fills keep.
    """
    started = time.perf_counter()
    client = agency_client_ensure()
    users = demo_users_ensure(company=company, client=client, reset_passwords=reset_passwords)
    anchor = _anchor(company, seed=seed, size=size, wanted=anchor)
    summary = DemoSummary(company=company, anchor=anchor, users=users)
    invoices = generate(
        company=company_party(company.name, company.tax_id), size=size, seed=seed, anchor=anchor
    )
    summary.generated = len(invoices)
    actors = {key: credential.user for key, credential in users.items()}
    story = Story(
        actors=actors,
        seed=seed,
        anchor=anchor,
        reversed_keys=frozenset(inv.original_number for inv in invoices if inv.is_red),
        newest=frozenset(inv.key for inv in invoices[-NEWEST_PENDING:]),
        steps=summary.steps,
    )
    summary.created, summary.existing = demo_import(
        company=company, invoices=invoices, story=story, progress=progress
    )
    if progress is not None:
        progress("reconciliation", 0, 1)
    summary.reconciliation_run, summary.export_injected = demo_reconciliation(
        company=company, invoices=invoices, actors=actors, seed=seed, anchor=anchor
    )
    if progress is not None:
        progress("reconciliation", 1, 1)
    demo_claims(company=company, actors=actors, steps=summary.steps)
    demo_feedback(company=company, actors=actors, steps=summary.steps)
    summary.warnings += demo_alerts(company=company, steps=summary.steps)
    while search_index_catch_up(company=company):
        pass
    summary.seconds = time.perf_counter() - started
    return summary
