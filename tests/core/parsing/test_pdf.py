"""PDF invoices: real samples, synthetic corpus, multi-invoice files, QR cross-checks, errors."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Any

import pytest

from corpus import pdf_image as corpus
from fapiao.core.errors import CorruptFile, EncryptedFile, NotAnInvoice, TooLarge
from fapiao.core.invoice import FieldSource, Invoice
from fapiao.core.parsing.base import Limits, ParseOptions
from fapiao.core.parsing.image import ImageParser
from fapiao.core.parsing.pdf import PdfParser
from fapiao.core.parsing.values import field_value
from fapiao.core.schema import invoice_to_dict

TESTS = Path(__file__).resolve().parents[2]
EXPECTED = sorted((TESTS / "expected" / "pdf").glob("*.expected.json"))


CHECKED = (*corpus.KEY_FIELDS, "kind", "check_code", "drawer", "original_number", "lines")


def _wrong(got: Invoice, truth: Invoice, names: tuple[str, ...] = CHECKED) -> dict[str, Any]:
    return {
        name: (field_value(got, name), field_value(truth, name))
        for name in names
        if field_value(got, name) != field_value(truth, name)
    }


def _subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        return all(_subset(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, list):
        return len(expected) == len(actual) and all(map(_subset, expected, actual))
    return bool(expected == actual)


@pytest.mark.samples
@pytest.mark.parametrize("case", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
@pytest.mark.parametrize("verify_qr", [False, True])
def test_real_pdf_sample_parses_to_expected(case: Path, samples: Path, verify_qr: bool) -> None:
    expected = json.loads(case.read_text("utf-8"))
    data = (samples / expected["sample"]).read_bytes()
    result = PdfParser().parse(data, ParseOptions(verify_qr=verify_qr))
    actual = [invoice_to_dict(p.invoice) for p in result.invoices]
    assert _subset(expected["invoices"], actual), json.dumps(actual, ensure_ascii=False)
    (parsed,) = result.invoices
    assert [f.message for f in parsed.invoice.findings if f.code == "merge.disagreement"] == []
    number_source = parsed.invoice.fields["number"].source
    assert number_source is (FieldSource.QR if verify_qr else FieldSource.PDF_TEXT)


def test_synthetic_pdfs_parse_back_exactly() -> None:
    rng = random.Random(20240601)
    for i in range(24):
        truth = corpus.random_invoice(rng, digital=i % 2 == 0, red=i % 4 == 1)
        data, _ = corpus.invoice_pdf([truth], spaced=i % 6 == 3, qr_vector=i % 3 == 0)
        (parsed,) = PdfParser().parse(data, ParseOptions(verify_qr=i % 5 == 0)).invoices
        assert _wrong(parsed.invoice, truth) == {}, f"sample {i}"
        assert parsed.invoice.is_red is truth.is_red
        assert parsed.invoice.red_confirmation_number == truth.red_confirmation_number


def test_text_layer_fields_carry_pdf_text_provenance() -> None:
    truth = corpus.random_invoice(random.Random(5), digital=True)
    data, _ = corpus.invoice_pdf([truth])
    (parsed,) = PdfParser().parse(data, ParseOptions()).invoices
    info = parsed.invoice.fields["seller.tax_id"]
    assert info.source is FieldSource.PDF_TEXT
    assert 0 < info.confidence < 1


def test_several_invoices_in_one_pdf_come_back_in_page_order() -> None:
    rng = random.Random(11)
    truths = [corpus.random_invoice(rng, digital=d) for d in (True, False, True)]
    data, _ = corpus.invoice_pdf(truths)
    parsed = PdfParser().parse(data, ParseOptions()).invoices
    assert [p.page for p in parsed] == [1, 2, 3]
    for got, truth in zip(parsed, truths, strict=True):
        assert _wrong(got.invoice, truth) == {}


def test_continuation_page_without_header_joins_the_previous_invoice() -> None:
    truth = corpus.long_invoice(random.Random(8), 12)
    data, pages = corpus.invoice_pdf([truth], split=8)
    assert len(pages) == 2
    (parsed,) = PdfParser().parse(data, ParseOptions()).invoices
    assert parsed.page == 1
    assert len(parsed.invoice.lines) == 12
    assert _wrong(parsed.invoice, truth) == {}


def test_qr_fills_a_field_the_text_layer_lacks() -> None:
    truth = corpus.random_invoice(random.Random(9), digital=True)
    printed = dataclasses.replace(truth, gross_amount=None)
    data, _ = corpus.invoice_pdf([printed], qr_text=corpus.qr_payload(truth))
    (parsed,) = PdfParser().parse(data, ParseOptions()).invoices
    assert parsed.invoice.gross_amount == truth.gross_amount
    assert parsed.invoice.fields["gross_amount"].source is FieldSource.QR


def test_vector_qr_is_read_from_a_render_of_the_corner() -> None:
    truth = corpus.random_invoice(random.Random(10), digital=False)
    data, _ = corpus.invoice_pdf([truth], qr_vector=True)
    (parsed,) = PdfParser().parse(data, ParseOptions(verify_qr=True)).invoices
    assert parsed.invoice.fields["check_code"].source is FieldSource.QR
    assert parsed.invoice.check_code == truth.check_code


def test_qr_that_disagrees_with_the_text_becomes_a_finding() -> None:
    truth = corpus.random_invoice(random.Random(12), digital=True)
    other = dataclasses.replace(
        truth, number=truth.number[:-1] + str((int(truth.number[-1]) + 1) % 10)
    )
    data, _ = corpus.invoice_pdf([truth], qr_text=corpus.qr_payload(other))
    (quiet,) = PdfParser().parse(data, ParseOptions()).invoices
    assert not quiet.invoice.findings
    (checked,) = PdfParser().parse(data, ParseOptions(verify_qr=True)).invoices
    codes = [(f.code, f.field) for f in checked.invoice.findings]
    assert ("merge.disagreement", "number") in codes
    text = " ".join(f.message for f in checked.invoice.findings)
    assert truth.number in text
    assert other.number in text


def test_page_without_text_layer_goes_through_the_image_reader() -> None:
    truth = corpus.random_invoice(random.Random(13), digital=True)
    data, pages = corpus.invoice_pdf([truth])
    deg = corpus.Degradation(dpi=200, blur=0.6, quality=80, rotation=0.0, perspective=0.0)
    sample = corpus.degraded_image(data, pages[0], truth, deg)
    import io

    from PIL import Image

    scanned = corpus.scanned_pdf(Image.open(io.BytesIO(sample.data)))
    engine = corpus.FakeOcrEngine(sample)
    parser = PdfParser(image_parser=ImageParser(engine))
    (parsed,) = parser.parse(scanned, ParseOptions()).invoices
    assert engine.calls == 1
    assert _wrong(parsed.invoice, truth, corpus.KEY_FIELDS) == {}
    assert parsed.invoice.fields["seller.tax_id"].source is FieldSource.OCR
    assert parsed.invoice.fields["number"].source is FieldSource.QR


def test_encrypted_pdf_is_refused_as_encrypted() -> None:
    truth = corpus.random_invoice(random.Random(14), digital=True)
    with pytest.raises(EncryptedFile):
        PdfParser().parse(corpus.encrypted_pdf(truth), ParseOptions())


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_pdf_is_corrupt(keep: float) -> None:
    truth = corpus.random_invoice(random.Random(15), digital=True)
    data, _ = corpus.invoice_pdf([truth])
    with pytest.raises(CorruptFile):
        PdfParser().parse(data[: int(len(data) * keep)], ParseOptions())


def test_random_bytes_are_corrupt() -> None:
    data = b"%PDF-1.7\n" + random.Random(1).randbytes(4000)
    with pytest.raises(CorruptFile):
        PdfParser().parse(data, ParseOptions())


def test_limits_are_enforced() -> None:
    truths = [corpus.random_invoice(random.Random(i), digital=True) for i in range(2)]
    data, _ = corpus.invoice_pdf(truths)
    with pytest.raises(TooLarge):
        PdfParser().parse(data, ParseOptions(limits=Limits(max_pdf_pages=1)))
    with pytest.raises(TooLarge):
        PdfParser().parse(data, ParseOptions(limits=Limits(max_file_bytes=1000)))


def test_pdf_without_invoice_is_not_an_invoice() -> None:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Quarterly report, nothing to see here: " * 3)
    c.showPage()
    c.save()
    with pytest.raises(NotAnInvoice):
        PdfParser().parse(buf.getvalue(), ParseOptions(ocr=False))
