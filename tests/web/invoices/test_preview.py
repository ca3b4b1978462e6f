"""Server-side previews: PDF pages (pypdfium2), OFD pages (our renderer), photos, the cache."""

from __future__ import annotations

import importlib.util
import io
import random
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from fapiao import config
from fapiao.core.parsing.api import parse_bytes
from fapiao.web.companies.models import Role
from fapiao.web.invoices.preview import (
    PreviewError,
    deltas,
    member_bytes,
    page_count,
    previews_root,
    render_image,
    render_ofd_page,
    render_page,
)
from fapiao.web.invoices.services import invoice_save_parsed, stored_file_create
from web.helpers import login_as
from web.intake.conftest import load_corpus

SAMPLES = config.samples_dir()
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"no sample files in {SAMPLES}")
PNG = b"\x89PNG\r\n\x1a\n"
CORPUS = load_corpus()
TRUTH = CORPUS.random_truth(random.Random(7), digital=True)


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_deltas_expand_g_groups():
    assert deltas("g 3 1.5 2", 5) == [1.5, 1.5, 1.5, 2.0]
    assert deltas(None, 3) == [0.0, 0.0]
    assert deltas("1", 4) == [1.0, 1.0, 1.0]  # the last gap repeats


def test_synthetic_ofd_page_draws_text_on_a_page_of_its_size():
    png = render_ofd_page(CORPUS.ofd(TRUTH, "customtag_root"), 1)
    image = _image(png)
    assert png.startswith(PNG)
    width, height = image.size
    assert width > height > 300  # a landscape invoice page at about 150 dpi
    dark = sum(image.convert("L").histogram()[:128])
    assert dark > 50  # text was drawn (the synthetic page stacks it in one corner)


def test_ofd_page_out_of_range_is_an_error():
    with pytest.raises(PreviewError):
        render_ofd_page(CORPUS.ofd(TRUTH, "customtag_root"), 9)


def test_photo_is_rotated_by_exif_and_limited_in_size():
    photo = Image.new("RGB", (4000, 1000), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    image = _image(render_image(buffer.getvalue()))
    assert image.size[1] > image.size[0]
    assert max(image.size) <= 2400


def test_xml_has_no_page_preview():
    assert page_count(CORPUS.einvoice_xml(TRUTH)) == 0
    with pytest.raises(PreviewError):
        render_page(CORPUS.einvoice_xml(TRUTH), 1)


def test_member_of_a_nested_zip_is_found():
    inner = CORPUS.zip_of({"b/x.ofd": b"ofd-bytes"})
    outer = CORPUS.zip_of({"a/inner.zip": inner, "top.xml": b"xml"})
    assert member_bytes(outer, "top.xml") == b"xml"
    assert member_bytes(outer, "a/inner.zip/b/x.ofd") == b"ofd-bytes"
    with pytest.raises(PreviewError):
        member_bytes(outer, "missing.ofd")


@pytest.mark.samples
@needs_samples
@pytest.mark.parametrize(
    "name",
    [
        "pdf/digital-special-hotel.pdf",
        "ofd/digital-special-taxplatform.ofd",
        "ofd/zhejiang-legacy-ordinary.ofd",
    ],
)
def test_real_samples_render_as_png(name):
    png = render_page((SAMPLES / name).read_bytes(), 1)
    assert png.startswith(PNG)
    assert min(_image(png).size) > 300


def _save_file(company, user, content: bytes, name: str, member: str = ""):
    stored, _ = stored_file_create(company=company, content=content, original_name=name)
    data = member_bytes(content, member) if member else content
    parsed = parse_bytes(data, filename=Path(member or name).name).invoices[0]
    record, _ = invoice_save_parsed(
        company=company,
        direction="purchase",
        invoice=parsed.invoice,
        actor=user,
        stored_file=stored,
        member=member or None,
    )
    return record


@pytest.mark.django_db
def test_preview_endpoint_serves_png_inline_and_caches_it(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    zipped = CORPUS.zip_of({"march/a.ofd": CORPUS.ofd(TRUTH, "customtag_root")})
    record = _save_file(company, user, zipped, "batch.zip", member="march/a.ofd")
    source = record.sources.get()

    detail = client.get(reverse("invoices:detail", args=[record.pk])).content.decode()
    url = reverse("invoices:source_preview", args=[record.pk, source.pk, 1])
    assert url in detail
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response.content.startswith(PNG)
    cached = list(previews_root().rglob("*.png"))
    assert len(cached) == 1
    sealed = importlib.util.find_spec("fapiao.web.keys") is not None
    assert cached[0].read_bytes().startswith(PNG) is not sealed  # sealed like its original
    assert client.get(url).content == response.content  # served again from the cache
    assert (
        client.get(reverse("invoices:source_preview", args=[record.pk, source.pk, 2])).status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.samples
@needs_samples
def test_preview_endpoint_renders_a_real_pdf(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    content = (SAMPLES / "pdf/digital-special-hotel.pdf").read_bytes()
    record = _save_file(company, user, content, "hotel.pdf")
    source = record.sources.get()
    response = client.get(reverse("invoices:source_preview", args=[record.pk, source.pk, 1]))
    assert response["Content-Type"] == "image/png"
    assert _image(response.content).size[0] > 600


@pytest.mark.django_db
def test_detail_of_an_xml_invoice_shows_the_field_view(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    record = _save_file(company, user, CORPUS.einvoice_xml(TRUTH), "a.xml")
    page = client.get(reverse("invoices:detail", args=[record.pk])).content.decode()
    assert "source_preview" not in page
    assert "/pages/1.png" not in page
    assert TRUTH.seller_name in page
