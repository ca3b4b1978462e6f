"""Review pages: queue, review page, approve/return/submit/correct/bulk through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fapiao.core.invoice import FieldSource, Party
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord, ReviewStatus
from fapiao.web.invoices.services import invoice_save_parsed
from web.companies.factories import UserFactory
from web.helpers import login_as
from web.invoices.factories import InvoiceRecordFactory, reading

pytestmark = pytest.mark.django_db

ERROR = {
    "code": "amount.gross_mismatch",
    "severity": "error",
    "message": "价税合计不符",
    "message_en": "gross mismatch",
    "field": "gross_amount",
    "values": {},
}


@pytest.fixture
def reviewer(client, company):
    user = UserFactory()
    login_as(client, user, company, Role.REVIEWER)
    return user


def _entered_by(company, user, **changes):
    invoice = reading(buyer=Party(name=company.name, tax_id=company.tax_id), **changes)
    record, _ = invoice_save_parsed(
        company=company, direction="purchase", invoice=invoice, actor=user
    )
    return record


def _status(record):
    return InvoiceRecord.objects.get(pk=record.pk).review_status


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_queue_lists_pending_invoices_and_marks_own_entries(client, company, reviewer):
    clerk = UserFactory()
    theirs = _entered_by(company, clerk)
    mine = InvoiceRecordFactory(company=company, created_by=reviewer, findings=[ERROR])

    response = client.get(reverse("invoices:review_queue"))

    assert response.status_code == 200
    items = {item["invoice"].pk: item for item in response.context["items"]}
    assert set(items) == {theirs.pk, mine.pk}
    assert items[mine.pk]["is_mine"]
    assert items[mine.pk]["errors"] == 1
    assert not items[theirs.pk]["is_mine"]
    html = response.content.decode()
    assert f'name="ids" value="{theirs.pk}"' in html
    assert f'name="ids" value="{mine.pk}"' not in html


def test_review_page_shows_preview_fields_and_highlights(client, company, reviewer):
    record = _entered_by(company, UserFactory(), source=FieldSource.OCR, confidence=0.6)
    record.findings = [*record.findings, ERROR]
    record.save()

    response = client.get(reverse("invoices:review", args=[record.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "low-confidence" in html
    assert response.context["low_count"] > 0
    assert 'data-code="amount.gross_mismatch"' in html
    assert 'name="override_reason"' in html
    assert "self-approval" not in html


def test_page_approve_by_the_person_who_entered_it_is_refused(client, company, reviewer):
    record = _entered_by(company, reviewer)

    page = client.get(reverse("invoices:review", args=[record.pk]))
    assert "self-approval" in page.content.decode()
    response = client.post(reverse("invoices:approve", args=[record.pk]), follow=True)

    assert _status(record) == ReviewStatus.PENDING
    assert any("不能审核自己" in m for m in _messages(response))


def test_page_approve_after_editing_is_refused(client, company, reviewer):
    record = _entered_by(company, UserFactory())
    response = client.post(
        reverse("invoices:correct", args=[record.pk]),
        {**_form_values(client, record), "remark": "审核员改了备注"},
    )
    assert response.status_code == 302
    assert InvoiceRecord.objects.get(pk=record.pk).remark == "审核员改了备注"

    client.post(reverse("invoices:approve", args=[record.pk]))

    assert _status(record) == ReviewStatus.PENDING
    assert not Event.objects.filter(action="invoice.approved").exists()


def _form_values(client, record):
    form = client.get(reverse("invoices:correct", args=[record.pk])).context["form"]
    values = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if value is None or value is False:
            continue
        values[name] = field.widget.format_value(value) if name == "issue_date" else value
    return values


def test_correction_page_records_manual_source(client, company, reviewer):
    record = _entered_by(company, UserFactory())

    client.post(
        reverse("invoices:correct", args=[record.pk]),
        {**_form_values(client, record), "seller_name": "无锡市安协安全培训中心（更正）"},
    )

    stored = InvoiceRecord.objects.get(pk=record.pk)
    assert stored.seller_name == "无锡市安协安全培训中心（更正）"
    assert stored.fields["seller.name"]["source"] == "manual"
    assert stored.fields["buyer.name"]["source"] == "xml"  # unchanged fields keep their source


def test_page_approve_with_errors_needs_a_reason(client, company, reviewer):
    record = InvoiceRecordFactory(company=company, findings=[ERROR])

    client.post(reverse("invoices:approve", args=[record.pk]), {"override_reason": ""})
    assert _status(record) == ReviewStatus.PENDING

    client.post(reverse("invoices:approve", args=[record.pk]), {"override_reason": "已核实"})
    assert _status(record) == ReviewStatus.APPROVED
    assert InvoiceRecord.objects.get(pk=record.pk).override_reason == "已核实"


def test_return_and_resubmit_through_pages(client, company, reviewer):
    clerk = UserFactory()
    record = _entered_by(company, clerk)

    client.post(reverse("invoices:return", args=[record.pk]), {"reason": "金额看不清"})
    assert _status(record) == ReviewStatus.RETURNED

    login_as(client, clerk, company, Role.CLERK)
    response = client.post(reverse("invoices:submit", args=[record.pk]))
    assert response.status_code == 302
    assert _status(record) == ReviewStatus.PENDING


def test_bulk_approve_refuses_own_and_blocked_invoices(client, company, reviewer, other_company):
    good = InvoiceRecordFactory(company=company)
    mine = _entered_by(company, reviewer)
    blocked = InvoiceRecordFactory(company=company, findings=[ERROR])
    foreign = InvoiceRecordFactory(company=other_company)

    response = client.post(
        reverse("invoices:bulk_approve"),
        {"ids": [good.pk, mine.pk, blocked.pk, foreign.pk]},
        follow=True,
    )

    assert _status(good) == ReviewStatus.APPROVED
    assert _status(mine) == ReviewStatus.PENDING
    assert _status(blocked) == ReviewStatus.PENDING
    assert _status(foreign) == ReviewStatus.PENDING
    texts = _messages(response)
    assert any(f"#{mine.pk}" in t and "自己" in t for t in texts)
    assert any(f"#{blocked.pk}" in t for t in texts)


def test_clerks_and_viewers_cannot_use_review_actions(client, company):
    record = InvoiceRecordFactory(company=company)
    for role in (Role.CLERK, Role.VIEWER):
        login_as(client, UserFactory(), company, role)
        assert client.get(reverse("invoices:review_queue")).status_code == 403
        assert client.post(reverse("invoices:approve", args=[record.pk])).status_code == 403
        assert (
            client.post(reverse("invoices:bulk_approve"), {"ids": [record.pk]}).status_code == 403
        )
    assert _status(record) == ReviewStatus.PENDING


def test_another_companys_invoice_is_404_on_every_review_url(
    client, company, reviewer, other_company
):
    foreign = InvoiceRecordFactory(company=other_company)
    gets = ("invoices:review", "invoices:correct", "invoices:status_actions")
    posts = ("invoices:approve", "invoices:return", "invoices:submit", "invoices:correct")

    for name in gets:
        assert client.get(reverse(name, args=[foreign.pk])).status_code == 404
    for name in posts:
        assert client.post(reverse(name, args=[foreign.pk]), {"reason": "x"}).status_code == 404
    assert (
        client.post(
            reverse("invoices:status_set", args=[foreign.pk, "tax"]), {"to": "voided"}
        ).status_code
        == 404
    )
    assert InvoiceRecord.objects.get(pk=foreign.pk).review_status == ReviewStatus.PENDING
    assert InvoiceRecord.objects.get(pk=foreign.pk).tax_status == "normal"


def test_anonymous_users_are_sent_to_login(client, company):
    record = InvoiceRecordFactory(company=company)

    response = client.post(reverse("invoices:approve", args=[record.pk]))

    assert response.status_code == 302
    assert _status(record) == ReviewStatus.PENDING


def test_queue_queries_do_not_grow_with_rows(
    client, company, reviewer, django_assert_max_num_queries
):
    for _ in range(30):
        InvoiceRecordFactory(company=company, created_by=UserFactory())

    with django_assert_max_num_queries(15):
        response = client.get(reverse("invoices:review_queue"))

    assert len(response.context["items"]) == 30
