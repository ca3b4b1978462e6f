"""Upload a ZIP of invoices on the upload page and watch the batch page poll until they are parsed.

The database task backend is used here (not the immediate one of the other tests), so the parse
tasks wait in the queue when the batch page first shows; each time the page polls its progress
partial, one task is run in-process before the poll reaches the server (a Playwright route on the
progress URL), so the page can only reach "finished" by polling and swapping in fresh partials.
Running the task inside the route handler also keeps the worker's writes out of the server's
reads (SQLite's shared in-memory test database locks whole tables).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.db import connections

from fapiao import config
from fapiao.web.companies.models import Company, Role
from fapiao.web.intake.models import IntakeItem
from fapiao.web.invoices.models import InvoiceRecord

from .conftest import invoices_zip, purchase_truths

pytestmark = [pytest.mark.browser]

SAMPLE_DIRS = ("xml", "ofd", "pdf")  # the raster image needs OCR: too slow for this suite


def _with_samples(content: bytes) -> tuple[bytes, int]:
    """The ZIP plus the real sample files (read in place), and how many were added."""
    root = config.samples_dir()
    if root is None or not Path(root).is_dir():
        return content, 0
    samples = sorted(
        p for d in SAMPLE_DIRS if (Path(root) / d).is_dir() for p in (Path(root) / d).iterdir()
    )
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a") as archive:
        for path in samples:
            archive.writestr(f"samples/{path.name}", path.read_bytes())
    return buffer.getvalue(), len(samples)


def _run_one_task() -> bool:
    """Run the oldest queued task in-process, as `fapiao worker` would; False if none waited."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.ready().exists():
        return False
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="browser-test",
        excluded_queue_names=[],
    ).run()
    return True


def test_upload_zip_and_watch_it_parse(
    browser: Any,
    company: Company,
    corpus: ModuleType,
    make_user: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    truths = purchase_truths(corpus, company)
    content, samples = _with_samples(invoices_zip(corpus, truths))
    archive = tmp_path / "发票.zip"
    archive.write_bytes(content)
    clerk = make_user("录入员甲")
    me = browser.open(clerk, company, Role.CLERK)
    tab = me.page

    me.goto("/intake/")
    tab.set_input_files("#upload-form input[type=file]", str(archive))
    tab.check("input[name=direction][value=purchase]")
    me.shot("upload")
    tab.click("#upload-form button[type=submit]")
    tab.wait_for_url("**/intake/batches/*/")
    files = 2 * len(truths) + samples
    assert IntakeItem.objects.filter(batch__company=company).count() == files
    assert tab.get_attribute("#batch-progress", "data-finished") == "0"
    assert tab.locator("tr[data-status='queued']").count() == files
    me.shot("queued")

    ran: list[bool] = []

    def poll(route: Any) -> None:
        # Playwright calls this in a greenlet of its own, which Django gives its own database
        # connections (they are context-local): close them, or PostgreSQL keeps the sessions
        try:
            ran.append(_run_one_task())
        finally:
            connections.close_all()
        route.continue_()

    tab.route("**/intake/batches/*/progress/", poll)
    tab.wait_for_selector("#batch-progress[data-finished='1']", timeout=120_000)
    tab.unroute("**/intake/batches/*/progress/")
    me.shot("finished")

    assert ran.count(True) >= files  # every parse ran on a poll of the page
    assert tab.locator("tr[data-status='done']").count() >= 2 * len(truths)
    assert tab.locator("tr[data-status='queued'], tr[data-status='parsing']").count() == 0
    created = int(tab.inner_text("[data-count='created']"))
    merged = int(tab.inner_text("[data-count='merged']"))
    assert created >= len(truths)
    assert merged >= len(truths)  # each OFD is the same invoice as its XML: merged, not new
    numbers = set(
        InvoiceRecord.objects.filter(company=company).values_list("identity_key", flat=True)
    )
    assert {t.number for t in truths} <= numbers

    tab.click("text=查看发票")
    tab.wait_for_url("**/invoices/")
    tab.click(f"text={truths[0].number}")
    preview = tab.locator(".invoice-source img.img-fluid").first
    preview.scroll_into_view_if_needed()
    tab.wait_for_function(
        "() => { const i = document.querySelector('.invoice-source img.img-fluid');"
        " return i && i.complete && i.naturalWidth > 300; }"
    )  # the OFD page, rendered on the server
    me.shot("invoice")
