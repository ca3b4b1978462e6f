"""Headless Chromium: upload a ZIP, watch the batch finish, open the invoice and its preview."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from fapiao.web.companies.models import Role
from web.helpers import login_as
from web.intake.conftest import truth_with

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def test_upload_zip_and_watch_it_parse(live_server, user, company, corpus, tmp_path):
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    bought = truth_with(corpus, 31, buyer_tax_id=company.tax_id)
    archive = tmp_path / "invoices.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a.xml", corpus.einvoice_xml(bought))
        zf.writestr("a.ofd", corpus.ofd(bought, "customtag_root"))
    archive.write_bytes(buffer.getvalue())
    client = Client()
    login_as(client, user, company, Role.CLERK)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    shots = Path(os.environ.get("FAPIAO_TEST_OUTPUT", "test-output")) / "screenshots" / "intake"
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = browser.new_context(locale="zh-CN")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/intake/")
        page.set_input_files("input[type=file]", str(archive))
        page.screenshot(path=shots / "upload.png", full_page=True)
        page.click("button[type=submit]:has-text('上传')")
        page.wait_for_selector("#batch-progress[data-finished='1']", timeout=30_000)
        page.screenshot(path=shots / "batch.png", full_page=True)
        assert page.locator("tr[data-status='done']").count() == 2
        assert page.locator("[data-count='created']").inner_text() == "1"
        assert page.locator("[data-count='merged']").inner_text() == "1"
        page.click("text=查看发票")
        page.click(f"text={bought.number}")
        page.wait_for_selector("img.img-fluid")
        page.screenshot(path=shots / "detail.png", full_page=True)
        natural = page.eval_on_selector("img.img-fluid", "img => img.naturalWidth")
        assert natural > 300  # the OFD page rendered on the server
        browser.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_manual_entry_is_checked_as_you_type(live_server, user, company):
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    client = Client()
    login_as(client, user, company, Role.CLERK)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    shots = Path(os.environ.get("FAPIAO_TEST_OUTPUT", "test-output")) / "screenshots" / "intake"
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = browser.new_context(locale="zh-CN")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/invoices/new/")
        page.fill("#id_number", "25322000000365404822")
        page.fill("#id_net_amount", "100.00")
        page.fill("#id_tax_amount", "13.00")
        page.fill("#id_gross_amount", "120.00")
        page.locator("#id_gross_amount").dispatch_event("change")
        page.wait_for_selector("[data-code='amount.gross_mismatch']", timeout=10_000)
        assert "壹佰贰拾圆整" in page.inner_text("[data-uppercase]")
        page.screenshot(path=shots / "manual.png", full_page=True)
        browser.close()
