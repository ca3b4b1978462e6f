"""Serving sealed files: previews sealed in their cache and shown inline; originals streamed.

Originals are decrypted chunk by chunk straight into the download (no temporary file, bounded
memory, bit for bit); a damaged file is a clear error before anything is sent, or an aborted
transfer when the damage lies further on.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from fapiao.core.crypto.errors import DecryptError
from fapiao.core.invoice import FieldSource
from fapiao.web.companies.models import Role
from fapiao.web.invoices import storage
from fapiao.web.invoices.preview import previews_root
from fapiao.web.invoices.services import invoice_save_parsed, stored_file_create
from web.helpers import login_as
from web.invoices.factories import reading

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def _record_with_file(company, user, content: bytes, name: str):
    stored, _ = stored_file_create(company=company, content=content, original_name=name)
    record, _ = invoice_save_parsed(
        company=company,
        direction="purchase",
        invoice=reading(FieldSource.XML),
        actor=user,
        stored_file=stored,
    )
    return record, record.sources.get(stored_file=stored)


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_cached_preview_holds_no_image_bytes_and_is_served_inline(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    record, source = _record_with_file(company, user, _photo(), "photo.jpg")
    url = reverse("invoices:source_preview", args=[record.pk, source.pk, 1])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    cached = [p for p in previews_root().rglob("*") if p.is_file()]
    assert len(cached) == 1
    raw = cached[0].read_bytes()
    for plaintext in (b"\x89PNG", b"IHDR", b"IDAT", b"\xff\xd8\xff", b"JFIF"):
        assert plaintext not in raw
    assert client.get(url).content == response.content  # opened from the sealed cache
    original = client.get(reverse("invoices:source_download", args=[record.pk, source.pk]))
    assert original["Content-Disposition"].startswith("attachment;")
    assert original["X-Content-Type-Options"] == "nosniff"


def test_a_cached_preview_moved_to_another_file_is_rendered_again(client, user, company):
    login_as(client, user, company, Role.VIEWER)
    first, first_source = _record_with_file(company, user, _photo(), "a.jpg")
    other = Image.new("RGB", (30, 30), (250, 250, 0))
    buffer = io.BytesIO()
    other.save(buffer, format="PNG")
    second, second_source = _record_with_file(company, user, buffer.getvalue(), "b.png")
    first_png = client.get(
        reverse("invoices:source_preview", args=[first.pk, first_source.pk, 1])
    ).content
    second_png = client.get(
        reverse("invoices:source_preview", args=[second.pk, second_source.pk, 1])
    ).content
    paths = sorted(previews_root().rglob("*.png"))
    assert len(paths) == 2
    a, b = (p.read_bytes() for p in paths)
    paths[1].write_bytes(a)  # one file's sealed page put in place of the other's
    paths[0].write_bytes(b)
    served = {
        client.get(reverse("invoices:source_preview", args=[first.pk, first_source.pk, 1])).content,
        client.get(
            reverse("invoices:source_preview", args=[second.pk, second_source.pk, 1])
        ).content,
    }
    assert served == {first_png, second_png}


def test_a_large_original_streams_bit_for_bit_in_bounded_memory(client, user, company, monkeypatch):
    content = os.urandom(12 * MIB + 12345)  # above the old 8 MiB spooling threshold
    record, source = _record_with_file(company, user, content, "scan.pdf")
    login_as(client, user, company, Role.VIEWER)

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the download must not spool the plaintext")

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", no_temporary_file)
    monkeypatch.setattr(tempfile, "TemporaryFile", no_temporary_file)
    url = reverse("invoices:source_download", args=[record.pk, source.pk])
    # the first request imports the URL configuration's modules (consumed, not closed early:
    # closing an unread streaming response ends the request outside the test client's guard)
    b"".join(client.get(url).streaming_content)
    tracemalloc.start()
    try:
        response = client.get(url)
        digest, size, largest = hashlib.sha256(), 0, 0
        for chunk in response.streaming_content:
            digest.update(chunk)
            size += len(chunk)
            largest = max(largest, len(chunk))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert response["Content-Length"] == str(len(content))
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert size == len(content)
    assert digest.hexdigest() == hashlib.sha256(content).hexdigest()
    assert largest <= 64 * 1024
    assert peak < 3 * MIB, f"peak traced memory {peak} bytes while streaming 12 MiB"


def test_an_original_cut_short_aborts_the_download(client, user, company):
    content = os.urandom(300 * 1024)
    record, source = _record_with_file(company, user, content, "a.pdf")
    path = storage.original_path(source.stored_file)
    path.write_bytes(path.read_bytes()[: -(70 * 1024)])  # the last chunk is gone
    login_as(client, user, company, Role.VIEWER)
    response = client.get(reverse("invoices:source_download", args=[record.pk, source.pk]))
    assert response["Content-Length"] == str(len(content))
    received = bytearray()

    def drain() -> None:
        for chunk in response.streaming_content:
            received.extend(chunk)

    with pytest.raises(DecryptError):
        drain()
    assert len(received) < len(content)
    assert content.startswith(received)  # what went out was authentic


def test_an_original_that_cannot_be_opened_is_a_clear_error_before_any_byte(client, user, company):
    record, source = _record_with_file(company, user, b"<EInvoice>x</EInvoice>", "a.xml")
    path = storage.original_path(source.stored_file)
    sealed = bytearray(path.read_bytes())
    sealed[-1] ^= 1
    path.write_bytes(bytes(sealed))
    login_as(client, user, company, Role.VIEWER)
    response = client.get(reverse("invoices:source_download", args=[record.pk, source.pk]))
    assert response.status_code == 500
    assert "无法读取或解密" in response.content.decode()
    assert "cannot be read or decrypted" in response.content.decode()
    assert b"EInvoice" not in response.content


def test_the_zip_of_originals_is_streamed_from_the_sealed_files(client, user, company):
    big = os.urandom(2 * MIB + 7)
    _record_with_file(company, user, big, "big.pdf")
    login_as(client, user, company, Role.VIEWER)
    response = client.get(reverse("invoices:download_zip"), {"direction": "purchase"})
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.read("purchase/big.pdf") == big
