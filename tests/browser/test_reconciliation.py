"""Reconcile a tax export against the uploaded invoices and apply the proposed correction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fapiao.web.companies.models import Company, Role
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord
from web.reconciliation.exports import export_row, export_xlsx

pytestmark = [pytest.mark.browser]


def _one_digit_wrong(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 3) % 10)


def test_reconcile_a_tax_export_and_apply_the_correction(
    browser: Any, company: Company, uploaded: dict[str, Any], make_user: Any, tmp_path: Path
) -> None:
    truths = uploaded["truths"]
    records = [InvoiceRecord.objects.get(company=company, identity_key=t.number) for t in truths]
    # the tax bureau's export (xlsxwriter, the real 全量发票查询 layout): the same invoices, but
    # the bureau has one number different in one digit from the record keyed here
    typo_record = records[1]
    bureau_number = _one_digit_wrong(typo_record.number)
    rows = [export_row(r) for r in records if r is not typo_record]
    rows.append(export_row(typo_record, digital=bureau_number))
    upload = tmp_path / "全量发票查询导出-取得发票-202503.xlsx"
    upload.write_bytes(export_xlsx(rows))

    me = browser.open(make_user("录入员乙"), company, Role.CLERK)
    tab = me.page
    me.goto("/reconciliation/")
    tab.set_input_files("input[name=file]", str(upload))
    tab.fill("input[name=as_of]", "2025-06-30")
    me.shot("upload")
    tab.click("form[enctype] button[type=submit]")
    tab.wait_for_url("**/reconciliation/*/")
    tab.wait_for_selector("[data-category='MATCHED']")  # the run is done (the page refreshes)
    # results by category: two matched, one number keyed wrong
    assert "2" in tab.inner_text("[data-category='MATCHED'] .badge")
    typo_tab = tab.locator("a[data-category='NUMBER_TYPO']")
    assert "1" in typo_tab.inner_text()
    tab.wait_for_selector("[data-chart='localisation'][data-drawn='true']")
    me.shot("results")
    typo_tab.click()
    tab.wait_for_url("**category=NUMBER_TYPO**")
    rows_shown = tab.locator("tr[data-result]")
    assert rows_shown.count() == 1
    assert typo_record.number in rows_shown.inner_text()
    assert bureau_number in rows_shown.inner_text()
    me.shot("number-typo")

    rows_shown.locator("button:has-text('一键更正')").click()
    tab.wait_for_selector(".alert-success")
    me.shot("applied")
    typo_record.refresh_from_db()
    assert typo_record.number == bureau_number or typo_record.digital_number == bureau_number
    assert InvoiceRecord.objects.filter(company=company).count() == len(truths)
    correction = Event.objects.filter(company=company, object_id=str(typo_record.pk)).last()
    assert correction is not None
    assert truths[1].number in str(correction.before)

    me.goto(f"/invoices/{typo_record.pk}/")
    assert bureau_number in tab.inner_text("body")
    me.shot("record-changed")
