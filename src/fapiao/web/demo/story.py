"""演示发票的经历 (what happens to each demo invoice after it is entered): 红冲, 审核, 抵扣, 入账.

Each step is decided by a random draw seeded with the invoice's identity, so a second run decides
the same, and follows the rules of the status services: a transition the service tables allow
(:data:`~fapiao.web.invoices.services_status.TAX_TRANSITIONS` …), four eyes (the reviewer never
entered the invoice), no approval over error findings.  :func:`story_apply` changes the record in
memory and returns the events the services would write, with the same actions and values; the
bulk writer (:mod:`fapiao.web.demo.bulk`) saves both for a whole batch at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from fapiao.web.events.bulk import EventEntry
from fapiao.web.invoices.models import (
    BookingStatus,
    DeductionStatus,
    Direction,
    InvoiceKind,
    InvoiceRecord,
    ReviewStatus,
    TaxStatus,
)
from fapiao.web.invoices.selectors_review import error_findings
from fapiao.web.invoices.services_status import (
    BOOKING_TRANSITIONS,
    DEDUCTION_TRANSITIONS,
    TAX_TRANSITIONS,
)

Actors = dict[str, Any]
SPECIAL_KINDS = (InvoiceKind.DIGITAL_SPECIAL, InvoiceKind.VAT_SPECIAL_ELECTRONIC)
RETURN_REASONS = (
    "发票抬头与合同不一致，请核对后重新提交",
    "缺少报销审批单，请补充附件",
    "业务说明不完整，请补充用途",
)
NOT_DEDUCTIBLE_REASON = "餐饮服务进项税额不得抵扣"
NEWEST_PENDING = 3
"""The newest invoices always wait for review, so the review queue is never empty."""
STATUS_FIELDS = (
    "tax_status",
    "review_status",
    "review_note",
    "override_reason",
    "approved_by",
    "approved_at",
    "deduction_status",
    "deduction_period",
    "deduction_reason",
    "booking_status",
    "voucher_number",
    "updated_at",
)
"""The columns a story changes (saved with ``bulk_update``)."""


def draw(seed: int, key: str, step: str) -> float:
    """A number in [0, 1) fixed by the seed, the invoice and the step."""
    return random.Random(f"{seed}:{key}:{step}").random()  # noqa: S311 (seeded demo data, not secrets)


def _month(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _previous_month(day: dt.date) -> tuple[int, int]:
    return _month(day.replace(day=1) - dt.timedelta(days=1))


def review_backlog(issue_date: dt.date | None, anchor: dt.date) -> bool:
    """Whether an invoice may still wait for review: issued this month, in the last two weeks
    (last month's invoices are reviewed before its VAT return is filed)."""
    if issue_date is None:
        return True
    return _month(issue_date) == _month(anchor) and (anchor - issue_date).days < 14


@dataclass
class Story:
    """What the demo does to its invoices: who acts, when the data ends, which blues are
    reversed, which invoices are the newest (they wait for review), and what was done."""

    actors: Actors
    seed: int
    anchor: dt.date
    reversed_keys: frozenset[str]
    newest: frozenset[str]
    steps: Counter[str]


def _changed(record: InvoiceRecord, table: dict[str, frozenset[str]], column: str, to: str) -> bool:
    """Move ``column`` to ``to`` when the service's transition table allows it."""
    if to not in table[getattr(record, column)]:
        return False
    setattr(record, column, to)
    return True


def story_reverse(record: InvoiceRecord, story: Story) -> list[EventEntry]:
    """红冲全额: the blue invoice of a red one just entered (the events; the record changes)."""
    before = {"tax_status": record.tax_status}
    if not _changed(record, TAX_TRANSITIONS, "tax_status", TaxStatus.RED_FULL):
        return []
    story.steps["tax_status.red_full"] += 1
    after = {"tax_status": TaxStatus.RED_FULL.value, "source": "manual"}
    record.updated_at = timezone.now()
    actor = story.actors["clerk"]
    return [EventEntry(actor, "invoice.tax_status_changed", record, before, after)]


def _review(record: InvoiceRecord, story: Story) -> list[EventEntry]:
    if record.review_status != ReviewStatus.PENDING:
        return []
    key = record.identity_key or str(record.pk)
    chance = draw(story.seed, key, "review")
    recent = review_backlog(record.issue_date, story.anchor)
    if key in story.newest or (recent and chance < 0.6):
        return []  # still waiting for review (the newest always do)
    before = {"review_status": ReviewStatus.PENDING.value}
    if recent and chance > 0.96:
        reason = RETURN_REASONS[int(chance * 1000) % len(RETURN_REASONS)]
        record.review_status, record.review_note = ReviewStatus.RETURNED, reason
        story.steps["review.returned"] += 1
        after = {"review_status": ReviewStatus.RETURNED.value, "reason": reason}
        return [EventEntry(story.actors["reviewer"], "invoice.returned", record, before, after)]
    approver = story.actors["admin" if draw(story.seed, key, "approver") < 0.2 else "reviewer"]
    if error_findings(record.findings) or approver.pk == record.created_by_id:
        story.steps["review.left_pending"] += 1  # for a person to look at (never self-approved)
        return []
    record.review_status = ReviewStatus.APPROVED
    record.override_reason, record.review_note = "", ""
    record.approved_by_id, record.approved_at = approver.pk, timezone.now()
    story.steps["review.approved"] += 1
    after = {"review_status": ReviewStatus.APPROVED.value}
    return [EventEntry(approver, "invoice.approved", record, before, after)]


def _deduction_event(
    record: InvoiceRecord, story: Story, to: DeductionStatus, period: str = "", reason: str = ""
) -> list[EventEntry]:
    before = {
        "deduction_status": record.deduction_status,
        "deduction_period": record.deduction_period,
        "deduction_reason": record.deduction_reason,
    }
    if not _changed(record, DEDUCTION_TRANSITIONS, "deduction_status", to):
        return []
    record.deduction_period, record.deduction_reason = period, reason
    story.steps[f"deduction.{to.value}"] += 1
    after = {
        "deduction_status": to.value,
        "deduction_period": period,
        "deduction_reason": reason,
        "source": "manual",
    }
    actor = story.actors["clerk"]
    return [EventEntry(actor, "invoice.deduction_status_changed", record, before, after)]


def _deduction(record: InvoiceRecord, names: list[str], story: Story) -> list[EventEntry]:
    if (
        record.direction != Direction.PURCHASE
        or record.deduction_status != DeductionStatus.UNSELECTED
        or record.kind not in SPECIAL_KINDS
        or record.is_red
        or record.issue_date is None
    ):
        return []
    if any("餐饮服务" in name for name in names):
        reason = NOT_DEDUCTIBLE_REASON
        return _deduction_event(record, story, DeductionStatus.NOT_DEDUCTIBLE, reason=reason)
    month = _month(record.issue_date)
    if month >= _month(story.anchor):
        return []  # selected (勾选) when this month's VAT return is prepared
    found = _deduction_event(record, story, DeductionStatus.SELECTED)
    if month < _previous_month(story.anchor):
        period = f"{month[0]:04d}-{month[1]:02d}"
        found += _deduction_event(record, story, DeductionStatus.CONFIRMED, period=period)
    return found


def _booking(record: InvoiceRecord, story: Story) -> list[EventEntry]:
    if record.issue_date is None or (story.anchor - record.issue_date).days < 20:
        return []
    key = record.identity_key or str(record.pk)
    if draw(story.seed, key, "booking") < 0.08:
        return []  # not booked yet
    serial = int(hashlib.sha256(key.encode()).hexdigest()[:6], 16) % 900 + 100
    voucher = f"记-{record.issue_date:%Y%m}-{serial:04d}"
    before = {"booking_status": record.booking_status, "voucher_number": record.voucher_number}
    if not _changed(record, BOOKING_TRANSITIONS, "booking_status", BookingStatus.BOOKED):
        return []
    record.voucher_number = voucher
    story.steps["booking.booked"] += 1
    after = {"booking_status": BookingStatus.BOOKED.value, "voucher_number": voucher}
    actor = story.actors["clerk"]
    return [EventEntry(actor, "invoice.booking_status_changed", record, before, after)]


def story_apply(record: InvoiceRecord, names: list[str], story: Story) -> list[EventEntry]:
    """Review (审核) a new record, then, when approved and not to be reversed by a red invoice,
    select it for deduction (抵扣) and book it (入账); the events, in order (the record changes in
    memory; ``names`` are its line names)."""
    events = _review(record, story)
    if (
        record.review_status == ReviewStatus.APPROVED
        and record.tax_status == TaxStatus.NORMAL
        and record.identity_key not in story.reversed_keys
    ):
        events += _deduction(record, names, story)
        if record.booking_status == BookingStatus.UNBOOKED:
            events += _booking(record, story)
    if events:
        record.updated_at = timezone.now()
    return events
