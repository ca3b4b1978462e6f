"""Real sample files: parse with the core, store, save, read back unchanged."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from fapiao import config
from fapiao.core.parsing.api import parse_bytes
from fapiao.web.events.models import Event
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.services import invoice_save_parsed, invoice_to_core, stored_file_create

SAMPLES = config.samples_dir()
FILES = (
    sorted(p for p in SAMPLES.rglob("*") if p.suffix.lower() in {".xml", ".ofd", ".pdf"})
    if SAMPLES.is_dir()
    else []
)

pytestmark = [pytest.mark.samples, pytest.mark.django_db]


@pytest.mark.skipif(not FILES, reason=f"sample files not found in {SAMPLES} (FAPIAO_SAMPLES_DIR)")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sample_invoice_survives_the_database(path: Path, company, user):
    content = path.read_bytes()
    result = parse_bytes(content, filename=path.name)
    assert result.invoices, result.errors
    stored, _ = stored_file_create(company=company, content=content, original_name=path.name)

    for parsed in result.invoices:
        record, created = invoice_save_parsed(
            company=company,
            direction="purchase",
            invoice=parsed.invoice,
            actor=user,
            stored_file=stored,
            member=parsed.member,
            file_format=result.format,
        )
        assert created
        back = invoice_to_core(InvoiceRecord.objects.get(pk=record.pk))
        expected = dataclasses.replace(parsed.invoice, direction=back.direction)
        assert dataclasses.replace(back, findings=()) == dataclasses.replace(expected, findings=())
        assert [f.code for f in back.findings] == [f.code for f in expected.findings]
        assert record.sources.get().format == result.format.value

    events = Event.objects.filter(company=company).count()
    for parsed in result.invoices:  # importing the same file again changes nothing
        _, created = invoice_save_parsed(
            company=company,
            direction="purchase",
            invoice=parsed.invoice,
            actor=user,
            stored_file=stored,
            member=parsed.member,
        )
        assert not created
    assert Event.objects.filter(company=company).count() == events
