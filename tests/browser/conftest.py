"""Headless Chromium (Debian's ``chromium`` package, driven by Playwright's Python API).

One browser per run of this package; each test gets a fresh context.  Every page the test visits
is screenshotted under ``test-output/screenshots/<test>/<step>.png``, and a console error, an
uncaught page error, a Content-Security-Policy violation or a failed request fails the test.

The browser lives for the package only, not the whole session: while the sync Playwright API is
started, the main thread has a running asyncio loop, which Django's ORM refuses (it must be allowed
with ``DJANGO_ALLOW_ASYNC_UNSAFE``) and which ``async_to_sync`` refuses outright — other tests of
the same worker must not run under it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import random
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from fapiao.web.companies.models import Company, Membership, Role
from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import login_as
from web.intake.conftest import load_corpus

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 20_000
# Reports each Content-Security-Policy violation on the console with the element that caused it
# (Chromium's own console line names neither the element nor the attribute).
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const t = e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 300) : String(e.target);
  console.error(`CSP violation: ${e.violatedDirective} blocked=${e.blockedURI} ` +
                `source=${e.sourceFile}:${e.lineNumber} sample=${e.sample} element=${t}`);
}, true);
"""


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """The headless Chromium browser (skipped when Debian's chromium or Playwright is absent)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium package is not installed (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _screenshot_dir(request: pytest.FixtureRequest) -> Path:
    root = Path(os.environ.get("FAPIAO_TEST_OUTPUT") or request.config.rootpath / "test-output")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    path = root / "screenshots" / name
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.png"):
        old.unlink()
    return path


def _console(errors: list[str], message: Any) -> None:
    """Console errors fail the test (CSP violations among them), but not the missing favicon."""
    if message.type != "error":
        return
    if str((message.location or {}).get("url", "")).endswith("/favicon.ico"):
        return
    errors.append(f"console {message.type}: {message.text} ({message.location})")


def _failed(errors: list[str], request: Any) -> None:
    """A failed request fails the test, except one aborted because the test navigated away."""
    if request.failure != "net::ERR_ABORTED":
        errors.append(f"request failed: {request.url} {request.failure}")


@dataclasses.dataclass
class Browsing:
    """One browser context (one person) on the live server."""

    context: Any
    page: Any
    base_url: str
    shots: Path
    errors: list[str]
    steps: list[str]

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def shot(self, name: str) -> Path:
        """A full-page screenshot, numbered in the order the test takes them."""
        self.steps.append(name)
        target = self.shots / f"{len(self.steps):02d}-{name}.png"
        self.page.screenshot(path=str(target), full_page=True, caret="initial")
        return target

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors


class Browser:
    """Opens contexts (a person each) and checks every page for errors when the test ends."""

    def __init__(self, chromium: Any, live_server: Any, request: pytest.FixtureRequest) -> None:
        self.chromium = chromium
        self.base_url = live_server.url
        self.shots = _screenshot_dir(request)
        self.opened: list[Browsing] = []
        self.steps: list[str] = []

    def open(self, user: Any = None, company: Company | None = None, role: Any = None) -> Browsing:
        """A fresh context; with ``user`` it is logged in (``company`` current, 2FA verified)."""
        context = self.chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_REPORTER)
        if user is not None:
            client = Client()
            login_as(client, user, company, role)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base_url}]
            )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: _console(errors, m))
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.on(
            "response",
            lambda r: (
                errors.append(f"HTTP {r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        page.on("requestfailed", lambda r: _failed(errors, r))
        browsing = Browsing(context, page, self.base_url, self.shots, errors, self.steps)
        self.opened.append(browsing)
        return browsing

    def close(self) -> list[str]:
        errors = [e for b in self.opened for e in b.errors]
        for browsing in self.opened:
            browsing.context.close()
        _wait_for_request_threads()
        return errors


def _wait_for_request_threads(timeout: float = 10.0) -> None:
    """Let the live server's request threads end (each closes its database connection).

    A keep-alive connection of the browser holds a server thread, and with it a database
    session; on PostgreSQL one left open makes the next flush wait, or the test database's
    removal fail ("being accessed by other users").
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [t for t in threading.enumerate() if "process_request_thread" in t.name]
        if not busy:
            return
        busy[0].join(timeout=0.1)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so a failed test can screenshot its pages."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser(
    chromium: Any, live_server: Any, transactional_db: None, request: pytest.FixtureRequest
) -> Iterator[Browser]:
    """Contexts on the live server; the test fails on any console error or CSP violation."""
    opened = Browser(chromium, live_server, request)
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for browsing in opened.opened:
            browsing.shot("failed")
    errors = opened.close()
    if errors:
        pytest.fail("errors in the browser: " + "; ".join(errors), pytrace=False)


@pytest.fixture(scope="session")
def corpus() -> ModuleType:
    """Synthetic 数电 XML and OFD files with known ground truth (tests/corpus/xml_ofd.py)."""
    return load_corpus()


@pytest.fixture
def company(transactional_db: None, corpus: ModuleType) -> Company:
    """The company under test, with a valid 统一社会信用代码 (its invoices carry it as buyer)."""
    buyer = corpus.random_truth(random.Random(1), digital=True)
    return CompanyFactory(name=buyer.buyer_name, tax_id=buyer.buyer_tax_id)


@pytest.fixture
def make_user(transactional_db: None) -> Any:
    """Users with a name (shown in the pages)."""

    def make(name: str) -> Any:
        return UserFactory(first_name=name)

    return make


SELLER_NAME = "北京华医网科技有限公司"  # pinyin initials bjhywkjyxgs


def purchase_truths(corpus: ModuleType, company: Company, count: int = 3) -> list[Any]:
    """``count`` synthetic purchase invoices bought by ``company`` in March 2025.

    The first one's seller is SELLER_NAME.
    """
    truths = []
    for i in range(count):
        truth = dataclasses.replace(
            corpus.random_truth(random.Random(100 + i), digital=True),
            buyer_tax_id=company.tax_id,
            buyer_name=company.name,
            issue_date=dt.date(2025, 3, 3 + 7 * i),
        )
        if i == 0:
            truth = dataclasses.replace(truth, seller_name=SELLER_NAME)
        truths.append(truth)
    return truths


def invoices_zip(corpus: ModuleType, truths: list[Any], *, with_ofd: bool = True) -> bytes:
    """A ZIP with each invoice as 数电 XML (and as OFD: the same invoice in a second format)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, truth in enumerate(truths):
            archive.writestr(f"{i:02d}-{truth.number}.xml", corpus.einvoice_xml(truth))
            if with_ofd:
                archive.writestr(f"{i:02d}-{truth.number}.ofd", corpus.ofd(truth, "customtag_root"))
    return buffer.getvalue()


def upload_in_process(company: Company, user: Any, content: bytes, name: str = "a.zip") -> Any:
    """Intake through the service (parsed at once by the immediate task backend of the tests)."""
    from fapiao.web.intake.services import UploadFile, intake_upload

    return intake_upload(
        company=company,
        actor=user,
        files=[UploadFile(name, content, "application/zip")],
        direction="purchase",
    )


@pytest.fixture
def uploaded(company: Company, corpus: ModuleType, make_user: Any) -> dict[str, Any]:
    """Three purchase invoices (XML + OFD each) uploaded by a clerk through intake."""
    clerk = make_user("录入员甲")
    Membership.objects.create(user=clerk, company=company, role=Role.CLERK)
    truths = purchase_truths(corpus, company)
    upload_in_process(company, clerk, invoices_zip(corpus, truths))
    return {"clerk": clerk, "truths": truths}
