"""Dual review: the uploader is refused, a second user (reviewer) approves next to the preview."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from fapiao.web.companies.models import Company, Membership, Role
from fapiao.web.invoices.models import InvoiceRecord, ReviewStatus

from .conftest import invoices_zip, purchase_truths, upload_in_process

pytestmark = [pytest.mark.browser]


def test_second_user_reviews_and_approves(
    browser: Any, company: Company, corpus: ModuleType, make_user: Any
) -> None:
    admin = make_user("管理员甲")  # an admin may enter invoices and may review others' entries
    Membership.objects.create(user=admin, company=company, role=Role.ADMIN)
    truths = purchase_truths(corpus, company, count=1)
    upload_in_process(company, admin, invoices_zip(corpus, truths))
    record = InvoiceRecord.objects.get(company=company, identity_key=truths[0].number)
    assert record.review_status == ReviewStatus.PENDING
    review_url = f"/invoices/{record.pk}/review/"

    uploader = browser.open(admin, company, Role.ADMIN)
    tab = uploader.page
    uploader.goto(review_url)
    assert tab.locator(".self-approval").is_visible()
    assert "不能审核它" in tab.inner_text(".self-approval")
    assert tab.locator("button:has-text('审核通过')").count() == 0
    uploader.shot("uploader-review")
    # posting the approval anyway (no button: a hand-made request) is refused by the service
    token = tab.input_value("input[name=csrfmiddlewaretoken] >> nth=0")
    response = tab.request.post(
        f"{uploader.base_url}/invoices/{record.pk}/approve/",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": uploader.base_url + review_url},
        max_redirects=0,
    )
    assert response.status == 302
    uploader.goto(response.headers["location"])
    assert "不能审核自己录入或修改过的发票" in tab.inner_text(".alert-danger")
    uploader.shot("uploader-refused")
    record.refresh_from_db()
    assert record.review_status == ReviewStatus.PENDING

    reviewer = browser.open(make_user("审核员乙"), company, Role.REVIEWER)
    tab = reviewer.page
    reviewer.goto("/invoices/review/")
    row = tab.locator(f"tr[data-invoice='{record.pk}']")
    assert truths[0].seller_name in row.inner_text()
    assert row.locator("input[type=checkbox]").count() == 1  # not the reviewer's own entry
    reviewer.shot("queue")
    row.locator("a").first.click()
    tab.wait_for_url(f"**{review_url}")
    preview = tab.locator(".review-preview img.img-fluid").first
    tab.wait_for_function(
        "() => { const i = document.querySelector('.review-preview img.img-fluid');"
        " return i && i.complete && i.naturalWidth > 300; }"
    )
    fields = tab.locator("table.invoice-fields")
    left, right = preview.bounding_box(), fields.bounding_box()
    assert left is not None
    assert right is not None
    assert left["x"] + left["width"] <= right["x"] + 1  # the preview beside the fields
    assert truths[0].number in fields.inner_text()
    # the synthetic invoice has error findings (e.g. its made-up tax IDs): a written reason
    assert "审核通过需写明理由" in tab.inner_text(".review-actions")
    tab.fill("#id_override_reason", "合成测试发票，已与原件核对 · checked against the original")
    reviewer.shot("review")
    tab.click("button:has-text('审核通过')")
    tab.wait_for_url("**/invoices/review/")
    assert "已审核通过" in tab.inner_text(".alert-success")
    assert tab.locator(f"tr[data-invoice='{record.pk}']").count() == 0
    reviewer.shot("approved")
    record.refresh_from_db()
    assert record.review_status == ReviewStatus.APPROVED
    assert record.override_reason.startswith("合成测试发票")
