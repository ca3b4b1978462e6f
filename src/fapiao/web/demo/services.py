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

import dataclasses
import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count

from fapiao.core.invoice import Direction as CoreDirection
from fapiao.core.invoice import china_today
from fapiao.core.parsing.api import parse_bytes
from fapiao.core.rules.base import RuleContext, validate
from fapiao.web.companies.models import Company
from fapiao.web.demo.catalogue import company_party
from fapiao.web.demo.documents import invoice_file
from fapiao.web.demo.generator import DemoInvoice, generate
from fapiao.web.demo.people import DemoCredential, agency_client_ensure, demo_users_ensure
from fapiao.web.demo.workflows import (
    demo_alerts,
    demo_claims,
    demo_feedback,
    demo_reconciliation,
    demo_statuses,
)
from fapiao.web.events.models import Event
from fapiao.web.events.services import event_record
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.services import invoice_save_parsed, stored_file_create
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


def _anchor(company: Company, *, seed: int, size: int) -> dt.date:
    """The date the demo data ends on: the first fill's date, kept in its event."""
    first = (
        Event.objects.filter(company=company, action=ANCHOR_ACTION)
        .order_by("seq")
        .values_list("after", flat=True)
        .first()
    )
    if first and isinstance(first, dict) and first.get("anchor"):
        return dt.date.fromisoformat(str(first["anchor"]))
    anchor = china_today()
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


def _entering_user(invoice: DemoInvoice, users: dict[str, DemoCredential], seed: int) -> Any:
    """Who entered the invoice: mostly the clerk, a quarter the agency user (deterministic)."""
    pick = random.Random(f"{seed}:{invoice.key}:entered").random()  # noqa: S311 (seeded demo data, not secrets)
    return users["agency" if pick < 0.25 else "clerk"].user


def _import(
    *,
    company: Company,
    invoices: list[DemoInvoice],
    users: dict[str, DemoCredential],
    seed: int,
    summary: DemoSummary,
    progress: Progress | None,
) -> None:
    """Store, parse and save every invoice the company does not have yet."""
    have = set(
        InvoiceRecord.objects.filter(company=company).values_list("direction", "identity_key")
    )
    context = RuleContext(company_tax_id=company.tax_id)
    for done, invoice in enumerate(invoices, start=1):
        if (invoice.direction, invoice.key) in have:
            summary.existing += 1
        else:
            actor = _entering_user(invoice, users, seed)
            content = invoice_file(invoice)
            stored, _ = stored_file_create(
                company=company,
                content=content,
                original_name=invoice.filename,
                content_type="application/xml",
                actor=actor,
            )
            result = parse_bytes(content, filename=invoice.filename)
            parsed = result.invoices[0].invoice
            parsed = validate(
                dataclasses.replace(parsed, direction=CoreDirection(invoice.direction)), context
            )
            _, created = invoice_save_parsed(
                company=company,
                direction=invoice.direction,
                invoice=parsed,
                actor=actor,
                stored_file=stored,
                file_format="xml",
            )
            summary.created += int(created)
        if progress is not None:
            progress("import", done, len(invoices))


def demo_fill(
    *,
    company: Company,
    size: int = 3000,
    seed: int = 0,
    reset_passwords: bool = False,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill ``company`` with ``size`` demo invoices and everything around them (idempotent)."""
    started = time.perf_counter()
    client = agency_client_ensure()
    users = demo_users_ensure(company=company, client=client, reset_passwords=reset_passwords)
    anchor = _anchor(company, seed=seed, size=size)
    summary = DemoSummary(company=company, anchor=anchor, users=users)
    invoices = generate(
        company=company_party(company.name, company.tax_id), size=size, seed=seed, anchor=anchor
    )
    summary.generated = len(invoices)
    _import(
        company=company,
        invoices=invoices,
        users=users,
        seed=seed,
        summary=summary,
        progress=progress,
    )
    actors = {key: credential.user for key, credential in users.items()}
    demo_statuses(
        company=company,
        invoices=invoices,
        actors=actors,
        seed=seed,
        anchor=anchor,
        steps=summary.steps,
        progress=progress,
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
