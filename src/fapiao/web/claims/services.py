"""Writes for claims (报销): create, add and remove items, submit, approve, reject, return, pay.

A submitted, approved or paid claim reserves its invoices; the same invoice (same record, or
another record with the same identity) on a second claim is refused with a pointer to the first
one (:class:`ClaimConflictError`).  A rejected or returned claim releases them.  The claimant
never approves or pays their own claim.  Every step writes an event.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from fapiao.web.claims.models import RESERVING_STATUSES, Claim, ClaimItem, ClaimStatus
from fapiao.web.claims.selectors import UNCLAIMABLE_TAX_STATUSES, claim_item_holding
from fapiao.web.companies.locks import company_lock
from fapiao.web.companies.models import Company, Role
from fapiao.web.events.services import event_record
from fapiao.web.invoices.models import Direction, InvoiceRecord, StoredFile, TaxStatus
from fapiao.web.invoices.workflow_errors import (
    NotPermittedError,
    ReasonRequiredError,
    SelfApprovalError,
    StatusTransitionError,
    WorkflowError,
    require_member_role,
)

CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    ClaimStatus.DRAFT: frozenset({ClaimStatus.SUBMITTED}),
    ClaimStatus.SUBMITTED: frozenset(
        {ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.RETURNED}
    ),
    ClaimStatus.APPROVED: frozenset({ClaimStatus.PAID, ClaimStatus.REJECTED}),
    ClaimStatus.RETURNED: frozenset({ClaimStatus.SUBMITTED}),
    ClaimStatus.PAID: frozenset(),
    ClaimStatus.REJECTED: frozenset(),
}
"""报销 workflow: draft → submitted → approved → paid; rejected is final, returned goes back."""

EDITABLE_STATUSES = (ClaimStatus.DRAFT, ClaimStatus.RETURNED)
MEMBER_ROLES = (Role.ADMIN, Role.CLERK, Role.REVIEWER)
APPROVER_ROLES = (Role.ADMIN, Role.REVIEWER)
PAYER_ROLES = (Role.ADMIN,)


class ClaimConflictError(WorkflowError):
    """The invoice is already on another claim that holds it (重复报销)."""

    code = "claim.invoice_already_claimed"

    def __init__(self, record: InvoiceRecord, holder: Claim) -> None:
        claimant = holder.claimant.get_full_name() or holder.claimant.get_username()
        status = ClaimStatus(holder.status)
        number = record.identity_key or f"#{record.pk}"
        super().__init__(
            f"发票 {number} 已在报销单 #{holder.pk}「{holder.title}」（报销人 {claimant}，"
            f"{status.label}）中，不能重复报销",
            f"Invoice {number} is already on claim #{holder.pk} '{holder.title}' "
            f"(claimant {claimant}, {status.value}); it cannot be claimed twice",
            claim=holder.pk,
            title=holder.title,
            claimant=claimant,
            status=status.value,
        )
        self.claim = holder


def _text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def _lock_company(company_id: int) -> None:
    """One claim writer per company: reservation checks and event numbers stay consistent."""
    company_lock(company_id)


def _locked(claim: Claim) -> Claim:
    _lock_company(claim.company_id)
    return Claim.objects.select_for_update().select_related("company", "claimant").get(pk=claim.pk)


def _own_editable(locked: Claim, actor: AbstractBaseUser | None) -> None:
    require_member_role(company=locked.company, actor=actor, roles=MEMBER_ROLES)
    assert actor is not None
    if locked.claimant_id != actor.pk:
        raise NotPermittedError(
            "只有报销人本人可以修改报销单", "Only the claimant may change the claim"
        )
    if locked.status not in EDITABLE_STATUSES:
        raise StatusTransitionError(
            f"报销单{ClaimStatus(locked.status).label}，不能再修改",
            f"A {locked.status} claim cannot be changed",
            status=locked.status,
        )


def _transition(locked: Claim, to: ClaimStatus) -> str:
    current = locked.status
    if to not in CLAIM_TRANSITIONS[current]:
        raise StatusTransitionError(
            f"报销单不能从“{ClaimStatus(current).label}”变为“{to.label}”",
            f"A claim cannot change from {current} to {to.value}",
            current=current,
            target=to.value,
        )
    return current


def _check_free(locked: Claim, record: InvoiceRecord) -> None:
    holder = claim_item_holding(company=locked.company, record=record, exclude_claim=locked)
    if holder is not None:
        raise ClaimConflictError(record, holder.claim)


def _record(claim: Claim, actor: AbstractBaseUser | None, action: str, **kw: Any) -> None:
    event_record(
        company=claim.company,
        actor=actor,
        action=action,
        obj=claim,
        before=kw.get("before"),
        after=kw.get("after"),
        ip=kw.get("ip"),
    )


def claim_create(
    *,
    company: Company,
    claimant: AbstractBaseUser,
    title: str,
    note: str = "",
    ip: str | None = None,
) -> Claim:
    """新建报销单: a draft claim of the claimant."""
    text = _text(title)[:200]
    if not text:
        raise ReasonRequiredError("报销单需要事由", "A claim needs a title")
    with transaction.atomic(durable=True):
        require_member_role(company=company, actor=claimant, roles=MEMBER_ROLES)
        claim = Claim.objects.create(
            company=company, claimant_id=claimant.pk, title=text, note=note.strip()
        )
        _record(
            claim,
            claimant,
            "claim.created",
            after={"title": text, "status": claim.status},
            ip=ip,
        )
    return claim


def claim_invoice_add(
    *,
    claim: Claim,
    record: InvoiceRecord,
    actor: AbstractBaseUser | None,
    ip: str | None = None,
) -> ClaimItem:
    """Add an invoice (its 价税合计) to the claimant's draft; refused if another claim holds it."""
    with transaction.atomic(durable=True):
        locked = _locked(claim)
        _own_editable(locked, actor)
        invoice = InvoiceRecord.objects.filter(company_id=locked.company_id, pk=record.pk).first()
        if invoice is None:
            raise NotPermittedError("找不到该发票", "No such invoice", invoice=record.pk)
        if invoice.tax_status in UNCLAIMABLE_TAX_STATUSES:
            label = TaxStatus(invoice.tax_status).label
            raise StatusTransitionError(
                f"发票状态为“{label}”，不能报销",
                f"An invoice whose tax status is {invoice.tax_status} cannot be claimed",
            )
        if invoice.direction != Direction.PURCHASE:
            raise StatusTransitionError(
                "只有进项发票（本公司为购买方）可以报销",
                "Only purchase invoices (bought by the company) can be claimed",
            )
        if invoice.gross_amount is None:
            raise ReasonRequiredError(
                "发票没有价税合计，不能报销", "The invoice has no gross amount to claim"
            )
        if invoice.is_red or invoice.gross_amount <= 0:
            raise StatusTransitionError(
                "红字（负数）发票不能报销", "A red (negative) invoice cannot be claimed"
            )
        if locked.items.filter(invoice=invoice).exists() or (
            invoice.identity_key
            and locked.items.filter(invoice_identity=invoice.identity_key).exists()
        ):
            raise StatusTransitionError(
                "该发票已在本报销单中", "The invoice is already on this claim"
            )
        _check_free(locked, invoice)
        item = ClaimItem.objects.create(
            claim=locked,
            company_id=locked.company_id,
            invoice=invoice,
            invoice_identity=invoice.identity_key or "",
            amount=invoice.gross_amount,
        )
        _record(
            locked,
            actor,
            "claim.item_added",
            after={"item": item.pk, "invoice": invoice.pk, "amount": item.amount},
            ip=ip,
        )
    return item


def claim_receipt_add(
    *,
    claim: Claim,
    actor: AbstractBaseUser | None,
    description: str,
    amount: Decimal | str,
    stored_file: StoredFile | None = None,
    ip: str | None = None,
) -> ClaimItem:
    """Add another receipt (其他票据: taxi slip, toll receipt …) with its amount."""
    text = _text(description)[:200]
    if not text:
        raise ReasonRequiredError("其他票据需要摘要", "A receipt needs a description")
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ReasonRequiredError(
            f"金额无效：{amount}", f"Invalid amount: {amount}", amount=str(amount)
        ) from exc
    if value <= 0 or value.adjusted() >= 16:
        raise ReasonRequiredError(
            f"金额必须大于零：{value}", f"The amount must be positive: {value}"
        )
    with transaction.atomic(durable=True):
        locked = _locked(claim)
        _own_editable(locked, actor)
        if stored_file is not None and stored_file.company_id != locked.company_id:
            raise NotPermittedError("找不到该文件", "No such file")
        item = ClaimItem.objects.create(
            claim=locked,
            company_id=locked.company_id,
            description=text,
            amount=value,
            stored_file=stored_file,
        )
        _record(
            locked,
            actor,
            "claim.item_added",
            after={"item": item.pk, "description": text, "amount": value},
            ip=ip,
        )
    return item


def claim_item_remove(
    *, item: ClaimItem, actor: AbstractBaseUser | None, ip: str | None = None
) -> None:
    """Remove an item from the claimant's draft or returned claim."""
    with transaction.atomic(durable=True):
        locked = _locked(item.claim)
        _own_editable(locked, actor)
        row = ClaimItem.objects.get(pk=item.pk, claim=locked)
        before = {
            "item": row.pk,
            "invoice": row.invoice_id,
            "description": row.description,
            "amount": row.amount,
        }
        row.delete()
        _record(locked, actor, "claim.item_removed", before=before, ip=ip)


def _reserve(locked: Claim) -> None:
    """Mark the claim's invoice items as holding their invoices, checking each is free."""
    items = list(locked.items.filter(invoice__isnull=False).select_related("invoice"))
    for item in items:
        assert item.invoice is not None
        _check_free(locked, item.invoice)
    try:
        with transaction.atomic():
            locked.items.filter(invoice__isnull=False).update(reserves=True)
    except IntegrityError as exc:  # a concurrent claim won the race; name it
        for item in items:
            assert item.invoice is not None
            _check_free(locked, item.invoice)
        raise WorkflowError(
            "发票已被另一报销单占用", "An invoice is held by another claim"
        ) from exc


def claim_submit(*, claim: Claim, actor: AbstractBaseUser | None, ip: str | None = None) -> Claim:
    """提交: the claimant sends a draft or returned claim for approval; it reserves its invoices."""
    with transaction.atomic(durable=True):
        locked = _locked(claim)
        _own_editable(locked, actor)
        if not locked.items.exists():
            raise ReasonRequiredError("报销单没有明细", "The claim has no items")
        current = _transition(locked, ClaimStatus.SUBMITTED)
        _reserve(locked)
        locked.status = ClaimStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.decision_reason = ""
        locked.save(update_fields=["status", "submitted_at", "decision_reason", "updated_at"])
        _record(
            locked,
            actor,
            "claim.submitted",
            before={"status": current},
            after={"status": locked.status},
            ip=ip,
        )
    return _refresh(claim, locked)


def _refresh(claim: Claim, locked: Claim) -> Claim:
    for name in (
        "status",
        "submitted_at",
        "decision_reason",
        "approved_by_id",
        "approved_at",
        "paid_by_id",
        "paid_at",
        "updated_at",
    ):
        setattr(claim, name, getattr(locked, name))
    return claim


def _decide(
    *,
    claim: Claim,
    actor: AbstractBaseUser | None,
    to: ClaimStatus,
    roles: Iterable[Role],
    reason: str | None,
    ip: str | None,
) -> Claim:
    text = _text(reason)
    with transaction.atomic(durable=True):
        locked = _locked(claim)
        require_member_role(company=locked.company, actor=actor, roles=roles)
        assert actor is not None
        if locked.claimant_id == actor.pk:
            raise SelfApprovalError(
                "不能审批或支付自己的报销单",
                "You cannot approve, reject or pay your own claim",
                claim=locked.pk,
            )
        current = _transition(locked, to)
        if to in (ClaimStatus.REJECTED, ClaimStatus.RETURNED) and not text:
            raise ReasonRequiredError(
                "驳回或退回需要写明原因", "Rejecting or returning needs a reason"
            )
        locked.status = to
        names = ["status", "updated_at"]
        now = timezone.now()
        if to is ClaimStatus.APPROVED:
            locked.approved_by_id, locked.approved_at = actor.pk, now
            names += ["approved_by", "approved_at"]
        elif to is ClaimStatus.PAID:
            locked.paid_by_id, locked.paid_at = actor.pk, now
            names += ["paid_by", "paid_at"]
        else:
            locked.decision_reason = text
            names.append("decision_reason")
        if to not in RESERVING_STATUSES:
            locked.items.update(reserves=False)
        locked.save(update_fields=names)
        after: dict[str, Any] = {"status": to.value}
        if text and to in (ClaimStatus.REJECTED, ClaimStatus.RETURNED):
            after["reason"] = text
        _record(
            locked,
            actor,
            f"claim.{to.value}",
            before={"status": current},
            after=after,
            ip=ip,
        )
    return _refresh(claim, locked)


def claim_approve(*, claim: Claim, actor: AbstractBaseUser | None, ip: str | None = None) -> Claim:
    """批准: a reviewer or admin other than the claimant approves a submitted claim."""
    return _decide(
        claim=claim, actor=actor, to=ClaimStatus.APPROVED, roles=APPROVER_ROLES, reason=None, ip=ip
    )


def claim_reject(
    *, claim: Claim, actor: AbstractBaseUser | None, reason: str, ip: str | None = None
) -> Claim:
    """驳回: final refusal with a reason; the claim's invoices are released."""
    return _decide(
        claim=claim,
        actor=actor,
        to=ClaimStatus.REJECTED,
        roles=APPROVER_ROLES,
        reason=reason,
        ip=ip,
    )


def claim_return(
    *, claim: Claim, actor: AbstractBaseUser | None, reason: str, ip: str | None = None
) -> Claim:
    """退回: back to the claimant to correct and resubmit; invoices are released meanwhile."""
    return _decide(
        claim=claim,
        actor=actor,
        to=ClaimStatus.RETURNED,
        roles=APPROVER_ROLES,
        reason=reason,
        ip=ip,
    )


def claim_pay(*, claim: Claim, actor: AbstractBaseUser | None, ip: str | None = None) -> Claim:
    """已支付: an admin marks an approved claim paid; its invoices stay locked for good."""
    return _decide(
        claim=claim, actor=actor, to=ClaimStatus.PAID, roles=PAYER_ROLES, reason=None, ip=ip
    )
