"""File a claim (报销单) with an uploaded invoice, submit it, and approve it as another user."""

from __future__ import annotations

from typing import Any

import pytest

from fapiao.web.claims.models import Claim, ClaimStatus
from fapiao.web.companies.models import Company, Role
from fapiao.web.invoices.models import InvoiceRecord

pytestmark = [pytest.mark.browser]


def test_file_a_claim_submit_and_approve(
    browser: Any, company: Company, uploaded: dict[str, Any], make_user: Any
) -> None:
    truth = uploaded["truths"][0]
    record = InvoiceRecord.objects.get(company=company, identity_key=truth.number)
    claimant = browser.open(uploaded["clerk"], company, Role.CLERK)
    tab = claimant.page
    claimant.goto("/claims/new/")
    tab.fill("#id_title", "三月出差餐费")
    tab.fill("#id_note", "北京客户拜访")
    claimant.shot("new")
    tab.click("button:has-text('创建')")
    tab.wait_for_url("**/claims/*/")
    claim = Claim.objects.get(company=company, title="三月出差餐费")

    # the picker finds the invoice as you type (htmx), and adds it
    with tab.expect_response(lambda r: f"/claims/{claim.pk}/invoices/" in r.url):
        tab.locator("#picker-q").press_sequentially(truth.number[-6:], delay=30)
    row = tab.locator(f"#picker-rows tr[data-invoice='{record.pk}']")
    row.wait_for()
    claimant.shot("picker")
    row.locator("button:has-text('添加')").click()
    tab.wait_for_selector(f"table.claim-items a:has-text('{truth.number}')")
    assert tab.inner_text("[data-total='invoices']").strip() == str(record.gross_amount)
    assert tab.inner_text("[data-total='all']").strip() == str(record.gross_amount)
    claimant.shot("with-invoice")
    tab.click("button:has-text('提交审批')")
    tab.wait_for_selector("[data-status='submitted']")
    assert "已提交" in tab.inner_text(".alert-success")
    assert tab.locator("button:has-text('批准')").count() == 0  # not for the claimant
    claimant.shot("submitted")

    approver = browser.open(make_user("审核员丙"), company, Role.REVIEWER)
    tab = approver.page
    approver.goto(f"/claims/{claim.pk}/")
    assert truth.number in tab.inner_text("table.claim-items")
    approver.shot("to-approve")
    tab.click(".claim-decision button:has-text('批准')")
    tab.wait_for_selector("[data-status='approved']")
    assert "已批准" in tab.inner_text(".alert-success")
    approver.shot("approved")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
