"""Upload → background parse → invoices: ZIPs, merging across formats, idempotent tasks."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.urls import reverse

from fapiao import config
from fapiao.web.companies.models import Role
from fapiao.web.events.models import Event
from fapiao.web.intake.models import IntakeBatch, IntakeItem, ItemStatus
from fapiao.web.intake.services import UploadFile, intake_upload
from fapiao.web.intake.services_parse import intake_item_process
from fapiao.web.intake.tasks import parse_intake_item
from fapiao.web.invoices.models import InvoiceRecord, InvoiceSource
from web.helpers import login_as
from web.intake.conftest import truth_with

pytestmark = pytest.mark.django_db

SAMPLES = config.samples_dir()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(client: Any, files: dict[str, bytes], capture: Any, **data: str) -> Any:
    payload = {
        "upload": [_named(name, content) for name, content in files.items()],
        "direction": "purchase",
        **data,
    }
    with capture(execute=True):
        return client.post(reverse("intake:upload"), payload)


def _named(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.mark.samples
@pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"no sample files in {SAMPLES}")
def test_zip_of_real_samples_and_synthetic_xml_is_parsed_into_invoices(
    client, user, company, corpus, truth, django_capture_on_commit_callbacks
):
    login_as(client, user, company, Role.CLERK)
    members = {
        f"samples/{path.name}": path.read_bytes()
        for path in sorted(SAMPLES.rglob("*"))
        if path.suffix.lower() in {".xml", ".ofd", ".pdf"}
    }
    members["synthetic/invoice.xml"] = corpus.einvoice_xml(truth)

    response = _upload(client, {"invoices.zip": _zip(members)}, django_capture_on_commit_callbacks)

    batch = IntakeBatch.objects.get(company=company)
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:batch", args=[batch.pk])
    items = {item.member: item for item in batch.items.all()}
    assert set(items) == set(members)  # one item per member: each file shows its own progress
    for item in items.values():
        assert item.status == ItemStatus.DONE, (item.member, item.errors)
        assert item.invoices_created + item.invoices_merged >= 1
        assert item.stored_file.original_name == "invoices.zip"  # the ZIP is stored once
    records = InvoiceRecord.objects.filter(company=company)
    assert records.filter(number=truth.number).exists()
    members_seen = set(
        InvoiceSource.objects.filter(invoice__company=company).values_list("member", flat=True)
    )
    assert "synthetic/invoice.xml" in members_seen
    assert {m for m in members_seen if m.startswith("samples/")}
    page = client.get(reverse("intake:batch", args=[batch.pk]))
    assert page.status_code == 200
    assert "invoices.zip" in page.content.decode()


def test_upload_page_parses_each_file_and_shows_progress(
    client, user, company, corpus, truth, django_capture_on_commit_callbacks
):
    login_as(client, user, company, Role.CLERK)
    assert client.get(reverse("intake:upload")).status_code == 200

    _upload(
        client,
        {"a.xml": corpus.einvoice_xml(truth), "broken.pdf": b"%PDF-1.4 not really"},
        django_capture_on_commit_callbacks,
    )

    batch = IntakeBatch.objects.get(company=company)
    items = {item.name: item for item in batch.items.all()}
    assert items["a.xml"].status == ItemStatus.DONE
    assert items["a.xml"].invoices_created == 1
    assert items["broken.pdf"].status == ItemStatus.FAILED
    assert items["broken.pdf"].errors[0]["code"]
    assert items["broken.pdf"].errors[0]["message_en"]
    partial = client.get(reverse("intake:batch_progress", args=[batch.pk])).content.decode()
    assert "hx-trigger" not in partial  # finished: polling stops
    assert items["broken.pdf"].errors[0]["message"] in partial


def test_progress_partial_polls_while_files_are_queued(client, user, company, corpus, truth):
    login_as(client, user, company, Role.CLERK)
    batch = intake_upload(  # no on_commit execution: the item stays queued
        company=company,
        actor=user,
        files=[UploadFile("a.xml", corpus.einvoice_xml(truth))],
        direction="purchase",
    )
    partial = client.get(reverse("intake:batch_progress", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert batch.items.get().status == ItemStatus.QUEUED


def test_same_invoice_as_xml_then_ofd_is_merged_not_duplicated(
    company, user, corpus, truth, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake_upload(
            company=company,
            actor=user,
            files=[UploadFile("a.xml", corpus.einvoice_xml(truth))],
            direction="purchase",
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = intake_upload(
            company=company,
            actor=user,
            files=[UploadFile("a.ofd", corpus.ofd(truth, "customtag_root"))],
            direction="purchase",
        )

    record = InvoiceRecord.objects.get(company=company)
    item = second.items.get()
    assert (item.invoices_created, item.invoices_merged) == (0, 1)
    assert record.sources.count() == 2
    assert record.fields["number"]["source"] == "xml"  # the more trustworthy source kept it
    assert sorted(record.sources.values_list("format", flat=True)) == ["ofd", "xml"]


def test_rerunning_the_task_changes_nothing(
    company, user, corpus, truth, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = intake_upload(
            company=company,
            actor=user,
            files=[UploadFile("a.xml", corpus.einvoice_xml(truth))],
            direction="purchase",
        )
    item = batch.items.get()
    events = Event.objects.filter(company=company).count()

    parse_intake_item.call(item.pk)

    assert Event.objects.filter(company=company).count() == events
    assert InvoiceRecord.objects.filter(company=company).count() == 1

    # An item left "parsing" by a crashed worker is parsed again without duplicating anything.
    IntakeItem.objects.filter(pk=item.pk).update(status=ItemStatus.PARSING)
    again = intake_item_process(item_id=item.pk)
    assert again.status == ItemStatus.DONE
    assert (again.invoices_created, again.invoices_merged) == (0, 1)
    assert InvoiceRecord.objects.filter(company=company).count() == 1


def test_auto_direction_follows_the_company_tax_id(
    company, user, corpus, django_capture_on_commit_callbacks
):
    bought = truth_with(corpus, 1, buyer_tax_id=company.tax_id)
    sold = truth_with(corpus, 2, seller_tax_id=company.tax_id)
    with django_capture_on_commit_callbacks(execute=True):
        intake_upload(
            company=company,
            actor=user,
            files=[
                UploadFile("in.xml", corpus.einvoice_xml(bought)),
                UploadFile("out.xml", corpus.einvoice_xml(sold)),
            ],
            direction="auto",
        )
    directions = dict(
        InvoiceRecord.objects.filter(company=company).values_list("number", "direction")
    )
    assert directions == {bought.number: "purchase", sold.number: "sales"}


def test_upload_needs_a_clerk_or_admin(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    assert client.get(reverse("intake:upload")).status_code == 403


def test_no_files_is_refused(client, user, company):
    login_as(client, user, company, Role.CLERK)
    response = client.post(reverse("intake:upload"), {"direction": "purchase"})
    assert response.status_code == 200
    assert not IntakeBatch.objects.exists()


def test_zip_members_are_items_and_a_bad_member_fails_alone(
    company, user, corpus, truth, django_capture_on_commit_callbacks
):
    other = truth_with(corpus, 21)
    nested = _zip({"deep/b.ofd": corpus.ofd(other, "customtag_root")})
    upload = _zip(
        {
            "a.xml": corpus.einvoice_xml(truth),
            "inner.zip": nested,
            "notes.txt": b"not an invoice",
            "__MACOSX/._a.xml": b"junk",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = intake_upload(
            company=company,
            actor=user,
            files=[UploadFile("batch.zip", upload)],
            direction="purchase",
        )

    items = {item.member: item for item in batch.items.all()}
    assert set(items) == {"a.xml", "inner.zip", "notes.txt"}
    assert items["a.xml"].status == ItemStatus.DONE
    assert items["inner.zip"].status == ItemStatus.DONE
    assert items["notes.txt"].status == ItemStatus.FAILED
    assert items["notes.txt"].errors
    members = set(
        InvoiceSource.objects.filter(invoice__company=company).values_list("member", flat=True)
    )
    assert members == {"a.xml", "inner.zip/deep/b.ofd"}


def test_upload_page_loads_its_script_from_static_and_works_without_it(client, user, company):
    from django.contrib.staticfiles import finders

    login_as(client, user, company, Role.CLERK)
    page = client.get(reverse("intake:upload")).content.decode()
    assert finders.find("intake/upload.js")
    assert 'src="/static/intake/upload.js"' in page
    assert 'type="file"' in page
    assert "multiple" in page
    assert "<script>" not in page
