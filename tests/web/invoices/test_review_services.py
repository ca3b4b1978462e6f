"""Dual review services: four eyes on every path, blocking findings, override, corrections."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fapiao.core.invoice import Party
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord, ReviewStatus
from fapiao.web.invoices.selectors_review import invoice_editor_ids, review_queue
from fapiao.web.invoices.services import invoice_save_parsed
from fapiao.web.invoices.services_review import (
    invoice_approve,
    invoice_bulk_approve,
    invoice_correct,
    invoice_return,
    invoice_submit,
)
from fapiao.web.invoices.workflow_errors import (
    BlockingFindingsError,
    FieldEditError,
    NotPermittedError,
    ReasonRequiredError,
    SelfApprovalError,
    StatusTransitionError,
)
from web.companies.factories import MembershipFactory, UserFactory
from web.invoices.factories import InvoiceRecordFactory, reading

pytestmark = pytest.mark.django_db

ERROR_FINDING = {
    "code": "amount.gross_mismatch",
    "severity": "error",
    "message": "价税合计不符",
    "message_en": "gross mismatch",
    "field": "gross_amount",
    "values": {},
}


def _member(company, role):
    return MembershipFactory(company=company, role=role).user


@pytest.fixture
def clerk(company):
    return _member(company, Role.CLERK)


@pytest.fixture
def reviewer(company):
    return _member(company, Role.REVIEWER)


@pytest.fixture
def entered(company, clerk):
    """An invoice the clerk entered through the intake service (so an event names them)."""
    record, _ = invoice_save_parsed(
        company=company, direction="purchase", invoice=_reading(company), actor=clerk
    )
    return record


def _reading(company, *args, **kw):
    return reading(*args, buyer=Party(name=company.name, tax_id=company.tax_id), **kw)


def _actions(record):
    return list(
        Event.objects.filter(object_type="invoices.invoicerecord", object_id=str(record.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_reviewer_approves_what_a_clerk_entered_and_it_is_evented(entered, reviewer):
    approved = invoice_approve(record=entered, actor=reviewer)

    assert approved.review_status == ReviewStatus.APPROVED
    stored = InvoiceRecord.objects.get(pk=entered.pk)
    assert stored.approved_by == reviewer
    assert stored.approved_at is not None
    event = Event.objects.get(action="invoice.approved", object_id=str(entered.pk))
    assert event.actor == reviewer
    assert event.before == {"review_status": "pending"}
    assert event.after == {"review_status": "approved"}


def test_the_person_who_entered_an_invoice_cannot_approve_it(company, entered, clerk):
    MembershipFactory._meta.model.objects.filter(user=clerk).update(role=Role.REVIEWER)

    with pytest.raises(SelfApprovalError) as info:
        invoice_approve(record=entered, actor=clerk)

    assert info.value.code == "invoice.self_approval"
    assert "自己" in info.value.message
    assert "entered or changed" in info.value.message_en
    assert InvoiceRecord.objects.get(pk=entered.pk).review_status == ReviewStatus.PENDING
    assert "invoice.approved" not in _actions(entered)


def test_created_by_counts_even_without_an_event(company, reviewer):
    record = InvoiceRecordFactory(company=company, created_by=reviewer)

    with pytest.raises(SelfApprovalError):
        invoice_approve(record=record, actor=reviewer)


def test_a_reviewer_who_edits_then_approves_is_refused(company, entered, reviewer):
    invoice_correct(record=entered, actor=reviewer, changes={"remark": "项目编号 42"})

    assert reviewer.pk in invoice_editor_ids(record=entered)
    with pytest.raises(SelfApprovalError):
        invoice_approve(record=entered, actor=reviewer)
    other = _member(company, Role.REVIEWER)
    assert invoice_approve(record=entered, actor=other).review_status == ReviewStatus.APPROVED


def test_merging_another_format_makes_the_uploader_an_editor(company, entered, reviewer):
    from fapiao.core.invoice import FieldSource

    invoice_save_parsed(
        company=company,
        direction="purchase",
        invoice=_reading(company, FieldSource.MANUAL, remark="人工补录"),
        actor=reviewer,
    )

    with pytest.raises(SelfApprovalError):
        invoice_approve(record=entered, actor=reviewer)


def test_status_changes_do_not_make_someone_an_editor(company, entered, reviewer):
    from fapiao.web.invoices.services_status import invoice_booking_status_set

    invoice_booking_status_set(record=entered, to="booked", actor=reviewer, voucher_number="记-7")

    assert invoice_approve(record=entered, actor=reviewer).review_status == ReviewStatus.APPROVED


def test_only_reviewers_and_admins_approve(company, entered):
    for role in (Role.CLERK, Role.VIEWER):
        with pytest.raises(NotPermittedError):
            invoice_approve(record=entered, actor=_member(company, role))
    with pytest.raises(NotPermittedError):
        invoice_approve(record=entered, actor=None)
    outsider = UserFactory()
    with pytest.raises(NotPermittedError):
        invoice_approve(record=entered, actor=outsider)
    admin = _member(company, Role.ADMIN)
    assert invoice_approve(record=entered, actor=admin).review_status == ReviewStatus.APPROVED


def test_error_findings_block_approval_without_a_reason(company, reviewer):
    record = InvoiceRecordFactory(company=company, findings=[ERROR_FINDING])

    for reason in (None, "", "   "):
        with pytest.raises(BlockingFindingsError) as info:
            invoice_approve(record=record, actor=reviewer, override_reason=reason)
        assert "amount.gross_mismatch" in info.value.message
    assert InvoiceRecord.objects.get(pk=record.pk).review_status == ReviewStatus.PENDING


def test_override_with_a_reason_approves_and_keeps_the_reason(company, reviewer):
    record = InvoiceRecordFactory(company=company, findings=[ERROR_FINDING])

    invoice_approve(record=record, actor=reviewer, override_reason="  已电话核实 销方 ")

    stored = InvoiceRecord.objects.get(pk=record.pk)
    assert stored.review_status == ReviewStatus.APPROVED
    assert stored.override_reason == "已电话核实 销方"
    event = Event.objects.get(action="invoice.approved", object_id=str(record.pk))
    assert event.after["override_reason"] == "已电话核实 销方"
    assert event.after["overridden_findings"] == ["amount.gross_mismatch"]


def test_warnings_do_not_block(company, reviewer):
    warning = {**ERROR_FINDING, "severity": "warning"}
    record = InvoiceRecordFactory(company=company, findings=[warning])

    assert invoice_approve(record=record, actor=reviewer).review_status == ReviewStatus.APPROVED
    assert InvoiceRecord.objects.get(pk=record.pk).override_reason == ""


def test_only_pending_invoices_are_approved(company, reviewer):
    record = InvoiceRecordFactory(company=company, review_status=ReviewStatus.RETURNED)

    with pytest.raises(StatusTransitionError):
        invoice_approve(record=record, actor=reviewer)


def test_return_needs_a_reason_then_clerk_corrects_and_resubmits(company, entered, clerk, reviewer):
    with pytest.raises(ReasonRequiredError):
        invoice_return(record=entered, actor=reviewer, reason=" ")
    invoice_return(record=entered, actor=reviewer, reason="购买方名称有误")
    assert InvoiceRecord.objects.get(pk=entered.pk).review_note == "购买方名称有误"
    with pytest.raises(StatusTransitionError):
        invoice_approve(record=entered, actor=reviewer)

    invoice_correct(record=entered, actor=clerk, changes={"buyer_name": "测试采购（无锡）有限公司"})
    invoice_submit(record=entered, actor=clerk)
    invoice_approve(record=entered, actor=reviewer)

    assert _actions(entered) == [
        "invoice.created",
        "invoice.returned",
        "invoice.corrected",
        "invoice.submitted",
        "invoice.approved",
    ]
    assert entered.review_status == ReviewStatus.APPROVED


def test_a_clerk_cannot_return_and_a_viewer_cannot_correct(company, entered):
    with pytest.raises(NotPermittedError):
        invoice_return(record=entered, actor=_member(company, Role.CLERK), reason="x")
    with pytest.raises(NotPermittedError):
        invoice_correct(
            record=entered, actor=_member(company, Role.VIEWER), changes={"remark": "x"}
        )


def test_correction_records_manual_provenance_and_the_change(company, entered, clerk):
    invoice_correct(
        record=entered,
        actor=clerk,
        changes={"seller.name": "无锡市安协安全培训中心（分部）", "remark": "更正"},
    )

    stored = InvoiceRecord.objects.get(pk=entered.pk)
    assert stored.seller_name == "无锡市安协安全培训中心（分部）"
    assert stored.fields["seller.name"] == {"source": "manual", "confidence": 1.0}
    assert stored.fields["remark"] == {"source": "manual", "confidence": 1.0}
    assert stored.fields["buyer.name"]["source"] == "xml"
    event = Event.objects.get(action="invoice.corrected", object_id=str(entered.pk))
    assert event.before["seller_name"] == "无锡市安协安全培训中心"
    assert event.after["seller_name"] == "无锡市安协安全培训中心（分部）"
    assert "buyer_name" not in event.after


def test_correction_reruns_the_rules(company, clerk):
    record = InvoiceRecordFactory(company=company, gross_amount_text="壹佰壹拾叁圆整")

    invoice_correct(record=record, actor=clerk, changes={"gross_amount_text": "贰佰圆整"})
    codes = {f["code"] for f in InvoiceRecord.objects.get(pk=record.pk).findings}
    assert "amount.uppercase_mismatch" in codes

    invoice_correct(record=record, actor=clerk, changes={"gross_amount_text": "壹佰壹拾叁圆整"})
    codes = {f["code"] for f in InvoiceRecord.objects.get(pk=record.pk).findings}
    assert "amount.uppercase_mismatch" not in codes


def test_correction_refuses_totals_that_do_not_add_up_and_unknown_fields(company, entered, clerk):
    with pytest.raises(FieldEditError):
        invoice_correct(record=entered, actor=clerk, changes={"gross_amount": "999.00"})
    with pytest.raises(FieldEditError):
        invoice_correct(record=entered, actor=clerk, changes={"review_status": "approved"})
    with pytest.raises(FieldEditError):
        invoice_correct(record=entered, actor=clerk, changes={"issue_date": "2025-13-40"})
    assert InvoiceRecord.objects.get(pk=entered.pk).gross_amount == Decimal("250.00")


def test_correcting_an_approved_invoice_sends_it_back_to_review(company, entered, reviewer):
    invoice_approve(record=entered, actor=reviewer)
    clerk2 = _member(company, Role.CLERK)

    invoice_correct(record=entered, actor=clerk2, changes={"remark": "补充"})

    assert InvoiceRecord.objects.get(pk=entered.pk).review_status == ReviewStatus.PENDING
    assert entered in review_queue(company=company)


def test_an_unchanged_correction_writes_nothing(company, entered, clerk):
    invoice_correct(record=entered, actor=clerk, changes={"seller_name": entered.seller_name})

    assert "invoice.corrected" not in _actions(entered)


def test_bulk_approve_goes_through_the_same_checks(company, clerk, reviewer, other_company):
    mine, _ = invoice_save_parsed(
        company=company, direction="purchase", invoice=_reading(company), actor=reviewer
    )
    theirs = InvoiceRecordFactory(company=company, created_by=clerk)
    blocked = InvoiceRecordFactory(company=company, findings=[ERROR_FINDING])
    foreign = InvoiceRecordFactory(company=other_company)

    result = invoice_bulk_approve(
        company=company, ids=[mine.pk, theirs.pk, blocked.pk, foreign.pk], actor=reviewer
    )

    assert result.approved == [theirs.pk]
    refused = {item["invoice"]: item["code"] for item in result.refused}
    assert refused == {
        mine.pk: "invoice.self_approval",
        blocked.pk: "invoice.findings_block_approval",
        foreign.pk: "invoice.not_found",
    }
    assert InvoiceRecord.objects.get(pk=foreign.pk).review_status == ReviewStatus.PENDING
    assert InvoiceRecord.objects.get(pk=mine.pk).review_status == ReviewStatus.PENDING


def test_review_queue_is_company_scoped_and_oldest_first(company, other_company):
    first = InvoiceRecordFactory(company=company)
    second = InvoiceRecordFactory(company=company)
    InvoiceRecordFactory(company=company, review_status=ReviewStatus.APPROVED)
    InvoiceRecordFactory(company=other_company)

    assert list(review_queue(company=company)) == [first, second]


def test_correcting_the_number_changes_the_identity(company, entered, clerk):
    invoice_correct(record=entered, actor=clerk, changes={"number": "25322000000365404823"})

    stored = InvoiceRecord.objects.get(pk=entered.pk)
    assert stored.identity_key == "25322000000365404823"
    event = Event.objects.get(action="invoice.corrected", object_id=str(entered.pk))
    assert event.before["identity_key"] == "25322000000365404822"


def test_a_correction_may_not_collide_with_another_record(company, entered, clerk):
    other = InvoiceRecordFactory(company=company)

    with pytest.raises(FieldEditError) as info:
        invoice_correct(record=entered, actor=clerk, changes={"number": other.number})

    assert f"#{other.pk}" in info.value.message
    assert InvoiceRecord.objects.get(pk=entered.pk).number == "25322000000365404822"


def test_editors_of_many_invoices_match_one_by_one(company, entered, clerk, reviewer):
    from fapiao.web.invoices.selectors_review import invoice_editor_ids_many

    invoice_correct(record=entered, actor=reviewer, changes={"remark": "x"})
    plain = InvoiceRecordFactory(company=company)
    records = [entered, plain]

    many = invoice_editor_ids_many(company=company, records=records)

    assert many == {r.pk: invoice_editor_ids(record=r) for r in records}
    assert many[entered.pk] == {clerk.pk, reviewer.pk}
    assert many[plain.pk] == set()
