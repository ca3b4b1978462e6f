"""Invoice images: QR first, OCR through a fake engine, orientation, degradations, hostile input."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from corpus import pdf_image as corpus
from fapiao.core.errors import CorruptFile, NotAnInvoice, TooLarge, UnsupportedFormat
from fapiao.core.invoice import FieldSource
from fapiao.core.parsing.base import ParseOptions
from fapiao.core.parsing.image import ImageParser
from fapiao.core.parsing.ocr import OcrBox
from fapiao.core.parsing.values import field_value

TESTS = Path(__file__).resolve().parents[2]


def _sample(seed: int, deg: object | None = None, *, digital: bool = True) -> object:
    rng = random.Random(seed)
    truth = corpus.random_invoice(rng, digital=digital, red=seed % 5 == 0)
    data, pages = corpus.invoice_pdf([truth])
    return corpus.degraded_image(data, pages[0], truth, deg or corpus.random_degradation(rng))


def _accuracy(seeds: range) -> tuple[int, int]:
    right = total = 0
    for seed in seeds:
        sample = _sample(seed, digital=seed % 2 == 0)
        (parsed,) = (
            ImageParser(corpus.FakeOcrEngine(sample)).parse(sample.data, ParseOptions()).invoices
        )
        for name in corpus.KEY_FIELDS:
            total += 1
            right += field_value(parsed.invoice, name) == field_value(sample.invoice, name)
    return right, total


def test_degraded_images_read_key_fields_with_the_fake_engine() -> None:
    right, total = _accuracy(range(6))
    assert right / total >= 0.97, f"{right}/{total}"


@pytest.mark.slow
def test_many_degraded_images_read_key_fields_with_the_fake_engine() -> None:
    right, total = _accuracy(range(6, 46))
    assert right / total >= 0.97, f"{right}/{total}"


@pytest.mark.parametrize("rotation", [90.0, 180.0, 270.0, 4.5, -3.0])
def test_rotated_page_is_turned_upright_by_the_qr(rotation: float) -> None:
    deg = corpus.Degradation(dpi=150, blur=0.8, quality=70, rotation=rotation, perspective=0.03)
    sample = _sample(100, deg)
    engine = corpus.FakeOcrEngine(sample)
    (parsed,) = ImageParser(engine).parse(sample.data, ParseOptions()).invoices
    assert engine.calls == 1
    for name in ("seller.tax_id", "buyer.tax_id", "net_amount", "tax_amount"):
        assert field_value(parsed.invoice, name) == field_value(sample.invoice, name), name
        assert parsed.invoice.fields[name].source is FieldSource.OCR
    assert parsed.invoice.fields["number"].source is FieldSource.QR


def _without_qr(sample: object) -> bytes:
    image = Image.open(io.BytesIO(sample.data)).convert("RGB")
    qr = sample.page.qr_box
    corners = corpus.apply(
        sample.homography, corpus.np.array([[qr[0] - 4, qr[1] - 4], [qr[2] + 4, qr[3] + 4]])
    )
    ImageDraw.Draw(image).rectangle([tuple(corners[0]), tuple(corners[1])], fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_image_without_qr_is_read_by_ocr_alone() -> None:
    deg = corpus.Degradation(dpi=180, blur=0.5, quality=85, rotation=0.0, perspective=0.0)
    sample = _sample(101, deg)
    (parsed,) = (
        ImageParser(corpus.FakeOcrEngine(sample))
        .parse(_without_qr(sample), ParseOptions())
        .invoices
    )
    for name in corpus.KEY_FIELDS:
        assert field_value(parsed.invoice, name) == field_value(sample.invoice, name), name
    assert parsed.invoice.fields["number"].source is FieldSource.OCR
    assert 0 < parsed.invoice.fields["number"].confidence < 1


def test_without_ocr_only_the_qr_is_read() -> None:
    sample = _sample(102)
    engine = corpus.FakeOcrEngine(sample)
    (parsed,) = ImageParser(engine).parse(sample.data, ParseOptions(ocr=False)).invoices
    assert engine.calls == 0
    assert parsed.invoice.number == sample.invoice.number
    assert parsed.invoice.seller.tax_id is None


def test_image_with_neither_qr_nor_text_is_not_an_invoice() -> None:
    out = io.BytesIO()
    Image.new("RGB", (800, 500), "white").save(out, format="PNG")
    sample = _sample(103)
    with pytest.raises(NotAnInvoice):
        ImageParser(corpus.FakeOcrEngine(sample)).parse(out.getvalue(), ParseOptions(ocr=False))


def test_decompression_bomb_is_refused_before_decoding() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(TooLarge):
        ImageParser(corpus.FakeOcrEngine(_sample(104))).parse(out.getvalue(), ParseOptions())


def test_random_and_truncated_images_raise_typed_errors() -> None:
    parser = ImageParser(corpus.FakeOcrEngine(_sample(105)))
    with pytest.raises(UnsupportedFormat):
        parser.parse(random.Random(3).randbytes(5000), ParseOptions())
    with pytest.raises(CorruptFile):
        parser.parse(_sample(105).data[:3000], ParseOptions())


@pytest.mark.ocr
@pytest.mark.samples
@pytest.mark.parametrize("key_fields_only", [False, True], ids=["full-page", "key-fields"])
def test_real_raster_sample_with_the_real_engine(samples: Path, key_fields_only: bool) -> None:
    case = TESTS / "expected" / "image" / "digital-ordinary-raster.expected-ocr.json"
    expected = json.loads(case.read_text("utf-8"))
    parser = ImageParser(key_fields_only=key_fields_only)
    result = parser.parse((samples / expected["sample"]).read_bytes(), ParseOptions())
    (want,) = expected["invoices"]
    got = result.invoices[0].invoice
    for name in (
        "number",
        "issue_date",
        "seller.tax_id",
        "buyer.tax_id",
        "seller.name",
        "buyer.name",
    ):
        assert str(field_value(got, name)) == str(field_value_json(want, name)), name
    for name in ("net_amount", "tax_amount", "gross_amount"):
        assert str(field_value(got, name)) == want[name], name
    assert got.kind.value == want["kind"]
    assert got.is_red is want["is_red"]


def field_value_json(data: dict[str, object], name: str) -> object:
    """A dotted field of an expected-JSON invoice."""
    if "." in name:
        party, attr = name.split(".", 1)
        return data[party][attr]  # type: ignore[index]
    return data[name]


class _BoxesEngine:
    """Answers every page with the same boxes."""

    def __init__(self, boxes: list[tuple[str, tuple[float, float, float, float]]]) -> None:
        self.boxes = [
            OcrBox(text, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), 0.95)
            for text, (x0, y0, x1, y1) in boxes
        ]

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        return self.boxes


def _blank_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1000), "white").save(out, format="PNG")
    return out.getvalue()


def test_ocr_tax_id_letters_no_uscc_uses_are_read_as_digits() -> None:
    engine = _BoxesEngine(
        [
            ("发票号码：25312000000123456789", (1100, 40, 1500, 70)),
            ("购", (20, 200, 48, 228)),
            ("买", (20, 232, 48, 260)),
            ("名称：甲公司", (70, 205, 400, 235)),
            ("纳税人识别号：91I1O1O8MAO1ABCDZS", (70, 290, 650, 320)),
            ("销", (800, 200, 828, 228)),
            ("售", (800, 232, 828, 260)),
            ("名称：乙公司", (850, 205, 1180, 235)),
            ("纳税人识别号：123456789O12345", (850, 290, 1430, 320)),
        ]
    )
    (parsed,) = ImageParser(engine).parse(_blank_png(), ParseOptions()).invoices
    assert parsed.invoice.buyer.tax_id == "91110108MA01ABCD25"
    assert parsed.invoice.seller.tax_id == "123456789O12345"  # 15 characters: no USCC


def test_block_label_missing_its_first_character_still_names_the_party() -> None:
    engine = _BoxesEngine(
        [
            ("发票号码：25312000000123456789", (1100, 40, 1500, 70)),
            ("买", (20, 232, 48, 260)),  # 购 was not read
            ("方", (20, 264, 48, 292)),
            ("名称：甲公司", (70, 205, 400, 235)),
            ("销", (800, 200, 828, 228)),
            ("售", (800, 232, 828, 260)),
            ("方", (800, 264, 828, 292)),
            ("名称：乙公司", (850, 205, 1180, 235)),
        ]
    )
    (parsed,) = ImageParser(engine).parse(_blank_png(), ParseOptions()).invoices
    assert parsed.invoice.buyer.name == "甲公司"
    assert parsed.invoice.seller.name == "乙公司"
