"""Feedback screenshots are sealed at rest (company key, or the system key) and served as PNG."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from fapiao.web.feedback.models import Feedback
from fapiao.web.feedback.services import feedback_submit
from fapiao.web.keys.models import CompanyKey
from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db

MARKER = b"GEHEIM-SCREENSHOT-TEXT"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    image.save(buffer, format="JPEG", comment=MARKER)
    return buffer.getvalue()


def _raw(feedback: Feedback) -> bytes:
    return (Path(settings.MEDIA_ROOT) / feedback.screenshot.name).read_bytes()


def _served(client: Client, feedback: Feedback, scope: str = "") -> bytes:
    response = client.get(f"/feedback/{feedback.pk}/screenshot/{scope}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")
    return response.content


def test_a_company_screenshot_is_sealed_on_disk_and_served_as_png(client: Client):
    company, admin = CompanyFactory(), UserFactory()
    login_as(client, admin, company, role="admin")
    shot = SimpleUploadedFile("张三的截图.jpg", _jpeg(), content_type="image/jpeg")
    client.post("/feedback/", {"category": "bug", "text": "页面空白", "screenshot": shot})
    feedback = Feedback.objects.get()

    raw = _raw(feedback)
    assert raw.startswith(b"FPS1")
    for plaintext in (b"\x89PNG", b"\xff\xd8\xff", b"IHDR", b"JFIF", MARKER):
        assert plaintext not in raw
    assert "张三" not in feedback.screenshot.name  # the user's file name is not kept either
    key_id = CompanyKey.objects.get(company=company).key_id
    assert raw[5 : 5 + raw[4]].decode() == key_id

    png = _served(client, feedback)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert MARKER not in png  # re-encoded: metadata of the upload is dropped
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (40, 30)


def test_a_screenshot_without_company_is_sealed_with_the_system_key(client: Client):
    author = UserFactory()
    feedback = feedback_submit(
        company=None,
        author=author,
        category="other",
        text="系统问题",
        screenshot=SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg"),
    )
    raw = _raw(feedback)
    system_key = CompanyKey.objects.get(company__isnull=True, status="active").key_id
    assert raw[5 : 5 + raw[4]].decode() == system_key
    assert b"\xff\xd8\xff" not in raw
    assert MARKER not in raw
    login_as(client, UserFactory(is_staff=True))
    assert _served(client, feedback, "?scope=system").startswith(b"\x89PNG")


def test_a_sealed_screenshot_copied_to_another_feedback_does_not_open(client: Client):
    company, admin = CompanyFactory(), UserFactory()
    first, second = (
        feedback_submit(
            company=company,
            author=admin,
            category="bug",
            text=text,
            screenshot=SimpleUploadedFile("a.jpg", _jpeg(), content_type="image/jpeg"),
        )
        for text in ("一", "二")
    )
    Path(settings.MEDIA_ROOT, second.screenshot.name).write_bytes(_raw(first))
    login_as(client, admin, company, role="admin")
    assert client.get(f"/feedback/{first.pk}/screenshot/").status_code == 200
    assert client.get(f"/feedback/{second.pk}/screenshot/").status_code == 404


def test_a_plaintext_screenshot_kept_from_before_is_still_shown(client: Client):
    company, admin = CompanyFactory(), UserFactory()
    feedback = feedback_submit(company=company, author=admin, category="bug", text="旧截图")
    feedback.screenshot.save("old.jpg", ContentFile(_jpeg()))
    login_as(client, admin, company, role="admin")
    assert _served(client, feedback).startswith(b"\x89PNG")


def test_an_image_too_large_to_decode_is_refused_with_a_clear_error(client: Client, monkeypatch):
    monkeypatch.setattr("fapiao.web.feedback.screenshots.MAX_PIXELS", 100)
    login_as(client, UserFactory(), CompanyFactory(), role="clerk")
    shot = SimpleUploadedFile("big.jpg", _jpeg(), content_type="image/jpeg")
    response = client.post("/feedback/", {"category": "bug", "text": "x", "screenshot": shot})
    assert "截图像素过多 · The screenshot has too many pixels" in str(
        response.context["form"].errors["screenshot"]
    )
    assert not Feedback.objects.exists()
