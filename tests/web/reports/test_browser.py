"""The dashboard and a reconciliation page draw their ECharts charts in real headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from web.companies.factories import UserFactory
from web.helpers import login_as

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(live_server: Any, company: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A logged-in Chromium page on the live server (skipped when Chromium is absent)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip("Debian's chromium package is not installed (/usr/bin/chromium)")
    if connection.vendor != "sqlite":
        pytest.skip("browser tests run on SQLite: the live server's threads hold PostgreSQL open")
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM runs beside Playwright's loop
    client = Client()
    login_as(client, UserFactory(), company, role="clerk")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(locale="zh-CN")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on(
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        yield tab, live_server.url, errors, tmp_path
        browser.close()


def test_dashboard_draws_every_chart(page: Any, invoices: Any):
    tab, url, errors, out = page
    tab.goto(f"{url}/dashboard/")
    try:
        tab.wait_for_selector("[data-chart='monthly'][data-drawn='true']", timeout=30000)
    finally:
        assert errors == [], errors
    charts = tab.locator("[data-chart]")
    for i in range(charts.count()):
        charts.nth(i).locator("canvas").first.wait_for(timeout=15000)
    drawn = tab.locator("[data-drawn='true']").count()
    assert drawn == charts.count() == 6
    assert errors == []
    shots = Path(os.environ.get("FAPIAO_SCREENSHOTS", out))
    shots.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(shots / "dashboard.png"), full_page=True)


def test_reconcile_in_the_browser_and_apply_a_suggestion(page: Any, company: Any):
    from fapiao.web.invoices.models import InvoiceRecord
    from web.invoices.factories import InvoiceRecordFactory
    from web.reconciliation.exports import export_row, export_xlsx

    tab, url, errors, out = page
    record = InvoiceRecordFactory(company=company, number="25322000000100000001")
    record.identity_key = record.number
    record.save()
    truth = export_row(record, digital="25322000000100000007")
    upload = out / "全量发票查询导出-取得发票-202503.xlsx"
    upload.write_bytes(export_xlsx([truth]))
    tab.goto(f"{url}/reconciliation/")
    tab.set_input_files("input[name=file]", str(upload))
    tab.fill("input[name=as_of]", "2025-06-30")
    tab.click("form[enctype] button[type=submit]")
    tab.wait_for_selector("[data-chart='localisation'][data-drawn='true']", timeout=15000)
    assert tab.locator("[data-category='NUMBER_TYPO']").count() == 1
    shots = Path(os.environ.get("FAPIAO_SCREENSHOTS", out))
    shots.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(shots / "reconciliation.png"), full_page=True)
    tab.click("button.btn-success")
    tab.wait_for_selector(".alert-success")
    record.refresh_from_db()
    assert record.number == "25322000000100000007"
    assert InvoiceRecord.objects.filter(company=company).count() == 1
    assert errors == []


def test_print_view_hides_the_chrome_and_pairs_invoices(page: Any, invoices: Any):
    tab, url, errors, out = page
    ids = ",".join(str(r.pk) for r in invoices[:3])
    tab.goto(f"{url}/reports/print/invoices/?ids={ids}&per_page=2")
    tab.emulate_media(media="print")
    assert not tab.locator("nav.navbar").is_visible()
    assert not tab.locator("[data-print]").is_visible()
    sheets = tab.locator(".print-sheet")
    assert sheets.count() == 3
    breaks = [sheets.nth(i).evaluate("e => getComputedStyle(e).breakAfter") for i in range(3)]
    assert breaks == ["auto", "page", "auto"]  # two invoices per A4 page
    shots = Path(os.environ.get("FAPIAO_SCREENSHOTS", out))
    shots.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(shots / "print-2-per-page.png"), full_page=True)
    assert errors == []
