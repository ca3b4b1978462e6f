"""Saving parsed invoices: create, merge by trust, events, files, review, and the way back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from fapiao.core.errors import InvalidLength
from fapiao.core.invoice import (
    Direction as CoreDirection,
)
from fapiao.core.invoice import (
    FieldInfo,
    FieldSource,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    SpecialRate,
)
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord, InvoiceSource, ReviewStatus
from fapiao.web.invoices.originals import original_bytes
from fapiao.web.invoices.selectors import stored_file_path
from fapiao.web.invoices.services import (
    invoice_save_parsed,
    invoice_to_core,
    stored_file_create,
)
from fapiao.web.invoices.services_review import invoice_approve, invoice_return
from fapiao.web.invoices.workflow_errors import SelfApprovalError
from web.companies.factories import MembershipFactory, UserFactory
from web.invoices.factories import reading

pytestmark = pytest.mark.django_db


def _save(company, user, invoice, **kw):
    kw.setdefault("direction", "purchase")
    return invoice_save_parsed(company=company, invoice=invoice, actor=user, **kw)


def _events(company, action):
    return list(Event.objects.filter(company=company, action=action).order_by("seq"))


def test_create_then_back_to_core_round_trips(company, user):
    parsed = reading()
    record, created = _save(company, user, parsed)

    assert created
    assert record.identity_key == "25322000000365404822"
    assert record.created_by == user
    assert record.review_status == ReviewStatus.PENDING
    back = invoice_to_core(InvoiceRecord.objects.get(pk=record.pk))
    assert back == dataclasses.replace(parsed, direction=CoreDirection.PURCHASE)
    assert back.lines[0].unit_price == Decimal("235.8490566037736")
    assert back.fields["seller.tax_id"] == FieldInfo(FieldSource.XML, 1.0)
    [event] = _events(company, "invoice.created")
    assert event.object_id == str(record.pk)
    assert event.after["gross_amount"] == "250.00"
    assert event.after["lines"] == 1


def test_legacy_identity_keeps_leading_zeros_and_special_rates_round_trip(company, user):
    parsed = reading(
        kind=InvoiceKind.VAT_ORDINARY_ELECTRONIC,
        code="０１１００２２００１１１",  # full-width digits as OCR may return them
        number="00012345",
        check_code="01234 56789 01234 56789",
        lines=(
            InvoiceLine(
                name="*图书*教材", net_amount=Decimal("50.00"), tax_rate=SpecialRate.EXEMPT
            ),
            InvoiceLine(name="*其他*", net_amount=Decimal("1.00"), tax_rate=SpecialRate.NOT_TAXED),
            InvoiceLine(name="*服务*", net_amount=Decimal("1.00"), tax_rate=Decimal("0.130")),
        ),
    )
    record, _ = _save(company, user, parsed)
    record.refresh_from_db()
    assert record.identity_key == "011002200111:00012345"
    assert record.check_code == "01234567890123456789"
    back = invoice_to_core(record)
    assert back.code == "011002200111"
    assert [line.tax_rate for line in back.lines] == [
        SpecialRate.EXEMPT,
        SpecialRate.NOT_TAXED,
        Decimal("0.13"),
    ]
    assert list(record.lines.values_list("tax_rate", flat=True)) == ["exempt", "not_taxed", "0.13"]


def test_digital_paper_invoice_is_identified_by_its_digital_number(company, user):
    parsed = reading(
        kind=InvoiceKind.DIGITAL_PAPER_ORDINARY,
        code="144032300104",
        number="01234567",
        digital_number="24442000000123456789",
    )
    record, _ = _save(company, user, parsed)
    assert record.identity_key == "24442000000123456789"


def test_better_source_replaces_worse_fields_and_records_the_change(company, user):
    ocr = reading(
        FieldSource.OCR,
        0.7,
        seller=dataclasses.replace(reading().seller, name="无锡市安协安全培训中⼼"),
        gross_amount=None,
        drawer=None,
        lines=(),
    )
    record, created = _save(company, user, ocr)
    assert created
    assert record.gross_amount is None
    xml = reading(FieldSource.XML)

    merged, created = _save(company, user, xml)

    assert not created
    assert merged.pk == record.pk
    assert InvoiceRecord.objects.filter(company=company).count() == 1
    merged.refresh_from_db()
    assert merged.gross_amount == Decimal("250.00")
    assert merged.drawer == "张三"
    assert merged.lines.count() == 1
    assert merged.fields["net_amount"] == {"source": "xml", "confidence": 1.0}
    [event] = _events(company, "invoice.merged")
    assert event.before["gross_amount"] is None
    assert event.after["gross_amount"] == "250.00"
    assert event.before["lines"] == 0
    assert event.after["lines"] == 1
    # the XML's spelling replaces the OCR's Kangxi radical ⼼ (the same text after NFKC)
    assert event.before["seller_name"] == "无锡市安协安全培训中⼼"
    assert event.after["seller_name"] == "无锡市安协安全培训中心"


def test_worse_source_never_overwrites_better_but_fills_gaps(company, user):
    record, _ = _save(company, user, reading(FieldSource.XML, drawer=None))
    ocr = reading(
        FieldSource.OCR,
        0.95,
        net_amount=Decimal("285.85"),
        tax_amount=Decimal("14.15"),
        gross_amount=Decimal("300.00"),
        drawer="李四",
        lines=(InvoiceLine(name="*错误*", net_amount=Decimal("285.85")),),
    )

    _save(company, user, ocr)

    record.refresh_from_db()
    assert (record.net_amount, record.gross_amount) == (Decimal("235.85"), Decimal("250.00"))
    assert record.drawer == "李四"  # empty before: any reading may fill it
    assert record.fields["drawer"]["source"] == "ocr"
    assert record.fields["net_amount"]["source"] == "xml"
    assert list(record.lines.values_list("name", flat=True)) == ["*经纪代理服务*培训费"]
    disagreements = [f for f in record.findings if f["code"] == "merge.disagreement"]
    assert {f["field"] for f in disagreements} == {"net_amount", "gross_amount"}
    gross = next(f for f in disagreements if f["field"] == "gross_amount")
    assert gross["values"] == {
        "kept": "250.00",
        "other": "300.00",
        "kept_source": "xml",
        "other_source": "ocr",
    }
    [event] = _events(company, "invoice.merged")
    assert event.before == {"drawer": ""}
    assert event.after["drawer"] == "李四"
    assert event.after["findings_added"] == 2


def test_saving_the_same_reading_twice_changes_nothing(company, user):
    content = b"<EInvoice/>"
    stored, _ = stored_file_create(company=company, content=content, original_name="a.xml")
    first, _ = _save(company, user, reading(), stored_file=stored)
    before = Event.objects.filter(company=company).count()

    again, created = _save(company, user, reading(), stored_file=stored)

    assert (again.pk, created) == (first.pk, False)
    assert Event.objects.filter(company=company).count() == before
    assert InvoiceSource.objects.filter(invoice=first).count() == 1


def test_sources_link_every_file_an_invoice_was_read_from(company, user):
    xml, _ = stored_file_create(company=company, content=b"<x/>", original_name="inv.xml")
    archive, _ = stored_file_create(company=company, content=b"PK..", original_name="batch.zip")
    record, _ = _save(company, user, reading(), stored_file=xml)
    _save(company, user, reading(FieldSource.OFD), stored_file=archive, member="dir/inv.ofd")

    sources = InvoiceSource.objects.filter(invoice=record).order_by("id")
    assert [(s.stored_file_id, s.member, s.format) for s in sources] == [
        (xml.pk, "", "xml"),
        (archive.pk, "dir/inv.ofd", "ofd"),
    ]
    [event] = _events(company, "invoice.merged")
    assert event.before == {}
    assert event.after == {"source": {"file": archive.sha256, "member": "dir/inv.ofd"}}


def test_invoice_without_identity_merges_only_by_its_file(company, user):
    nameless = reading(FieldSource.OCR, 0.4, number=None)
    stored, _ = stored_file_create(company=company, content=b"\xff\xd8jpeg", original_name="a.jpg")
    first, _ = _save(company, user, nameless, stored_file=stored)
    again, created = _save(company, user, nameless, stored_file=stored)
    assert (again.pk, created) == (first.pk, False)
    assert first.identity_key is None
    assert first.sources.get().format == "image"
    _, created = _save(company, user, nameless)
    assert created
    assert InvoiceRecord.objects.filter(company=company, identity_key__isnull=True).count() == 2


def test_same_invoice_in_two_companies_gives_two_records(company, other_company, user):
    a, _ = _save(company, user, reading())
    b, created = _save(other_company, user, reading())
    assert created
    assert a.pk != b.pk
    assert [e.seq for e in _events(other_company, "invoice.created")] == [1]


def test_sales_and_purchase_of_the_same_number_are_separate(company, user):
    _, created_purchase = _save(company, user, reading(), direction="purchase")
    _, created_sales = _save(company, user, reading(), direction="sales")
    assert created_purchase
    assert created_sales


def test_inconsistent_totals_keep_the_trusted_two_and_report_the_third(company, user):
    parsed = reading(gross_amount=Decimal("251.00"))
    parsed = dataclasses.replace(
        parsed, fields={**parsed.fields, "net_amount": FieldInfo(FieldSource.OCR, 0.7)}
    )
    record, _ = _save(company, user, parsed)
    record.refresh_from_db()
    assert record.net_amount is None  # the OCR-read 金额 was the least trustworthy
    assert (record.tax_amount, record.gross_amount) == (Decimal("14.15"), Decimal("251.00"))
    assert "net_amount" not in record.fields
    [dropped] = [f for f in record.findings if f["code"] == "invoice.amount_dropped"]
    assert dropped["field"] == "net_amount"
    assert dropped["values"]["net_amount"] == "235.85"
    assert "235.85" in dropped["message"]
    assert "235.85" in dropped["message_en"]


def test_gap_filled_by_a_worse_source_must_agree_with_the_better_ones(company, user):
    record, _ = _save(company, user, reading(FieldSource.XML, gross_amount=None))
    ocr = reading(FieldSource.OCR, 0.7, gross_amount=Decimal("260.00"))
    _save(company, user, ocr)
    record.refresh_from_db()
    assert record.gross_amount is None
    assert [f["field"] for f in record.findings if f["code"] == "invoice.amount_dropped"] == [
        "gross_amount"
    ]
    events = Event.objects.filter(company=company).count()
    _save(company, user, ocr)  # the same reading again: nothing new
    assert Event.objects.filter(company=company).count() == events
    _save(company, user, reading(FieldSource.OCR, 0.7))  # a reading that agrees fills it
    record.refresh_from_db()
    assert record.gross_amount == Decimal("250.00")


def test_absurd_identifier_is_a_typed_error(company, user):
    with pytest.raises(InvalidLength) as caught:
        _save(company, user, reading(seller=dataclasses.replace(reading().seller, tax_id="9" * 80)))
    assert "超过" in caught.value.message
    assert "more than" in caught.value.message_en


def test_stored_file_is_kept_once_per_company(company, other_company, user, files_root):
    stored, created = stored_file_create(
        company=company,
        content=b"%PDF-1.7 test",
        original_name="C:\\Users\\me\\发票.pdf",
        content_type="application/pdf",
        actor=user,
    )
    again, created_again = stored_file_create(company=company, content=b"%PDF-1.7 test")
    other, created_other = stored_file_create(company=other_company, content=b"%PDF-1.7 test")

    assert (created, created_again, created_other) == (True, False, True)
    assert again.pk == stored.pk
    assert other.pk != stored.pk
    assert stored.original_name == "发票.pdf"
    assert stored.size == 13
    assert original_bytes(stored) == b"%PDF-1.7 test"
    assert stored_file_path(stored).is_relative_to(files_root)
    assert len(_events(company, "file.stored")) == 1


def test_stored_file_of_another_company_is_refused(company, other_company, user):
    stored, _ = stored_file_create(company=other_company, content=b"x")
    with pytest.raises(ValueError, match="another company"):
        _save(company, user, reading(), stored_file=stored)


def _reviewer(company):
    reviewer = UserFactory()
    MembershipFactory(user=reviewer, company=company, role=Role.REVIEWER)
    return reviewer


def test_review_goes_through_the_four_eyes_services_only(company, user):
    import fapiao.web.invoices.services as services

    assert not hasattr(services, "invoice_review_transition")
    MembershipFactory(user=user, company=company, role=Role.REVIEWER)
    record, _ = _save(company, user, reading())
    with pytest.raises(SelfApprovalError):
        invoice_approve(record=record, actor=user)
    reviewer = _reviewer(company)
    invoice_approve(record=record, actor=reviewer, ip="10.0.0.1")
    assert record.review_status == ReviewStatus.APPROVED
    with pytest.raises(Exception, match="approved"):
        invoice_return(record=record, actor=reviewer, reason="晚了")
    record.refresh_from_db()
    assert record.review_status == ReviewStatus.APPROVED
    [event] = _events(company, "invoice.approved")
    assert event.before == {"review_status": "pending"}
    assert event.after["review_status"] == "approved"
    assert event.ip == "10.0.0.1"


def test_invoice_to_core_of_an_empty_record_has_no_values(company):
    from web.invoices.factories import InvoiceRecordFactory

    record = InvoiceRecordFactory(
        company=company,
        kind="other",
        number="",
        identity_key=None,
        issue_date=None,
        seller_name="",
        seller_tax_id="",
        buyer_name="",
        buyer_tax_id="",
        net_amount=None,
        tax_amount=None,
        gross_amount=None,
    )
    back = invoice_to_core(record)
    assert back == Invoice(direction=CoreDirection.PURCHASE)
    assert back.identity is None


def test_issue_date_is_the_china_business_date(company, user):
    record, _ = _save(company, user, reading(issue_date=dt.date(2025, 1, 31)))
    record.refresh_from_db()
    assert record.issue_date == dt.date(2025, 1, 31)


def test_text_is_kept_as_printed_and_width_variants_do_not_disagree(company, user):
    record, _ = _save(company, user, reading(remark="差额征税：2.00。（示例）"))
    _save(company, user, reading(FieldSource.OCR, 0.9, remark="差额征税:2.00。(示例)"))
    record.refresh_from_db()
    assert record.remark == "差额征税：2.00。（示例）"
    assert not [f for f in record.findings if f["code"] == "merge.disagreement"]
    _save(company, user, reading(FieldSource.OCR, 0.9, remark="差额征税:3.00。"))
    record.refresh_from_db()
    assert [f["field"] for f in record.findings if f["code"] == "merge.disagreement"] == ["remark"]


def test_a_change_to_an_approved_invoice_sends_it_back_to_review(company, user):
    record, _ = _save(company, user, reading(FieldSource.OCR, 0.8, drawer=None))
    invoice_approve(record=record, actor=_reviewer(company))
    _save(company, user, reading(FieldSource.OCR, 0.8, drawer=None))  # nothing new: stays
    record.refresh_from_db()
    assert record.review_status == ReviewStatus.APPROVED

    _save(company, user, reading(FieldSource.XML, drawer="张三"))

    record.refresh_from_db()
    assert record.review_status == ReviewStatus.PENDING
    [event] = _events(company, "invoice.merged")
    assert event.before["review_status"] == "approved"
    assert event.after["review_status"] == "pending"
    assert event.after["drawer"] == "张三"
