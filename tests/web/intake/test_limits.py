"""Upload limits: files per request, size per file, and types judged by content, not by name."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fapiao.web.api.models import TokenScope
from fapiao.web.companies.models import Role
from fapiao.web.intake.limits import allowed_types, upload_refusal
from fapiao.web.intake.models import IntakeBatch
from fapiao.web.intake.services import IntakeError, UploadFile, intake_upload
from fapiao.web.invoices.models import StoredFile
from web.api.factories import bearer, member, token_for
from web.helpers import login_as

pytestmark = pytest.mark.django_db

XML = b"<?xml version='1.0' encoding='utf-8'?><EInvoice><Number>1</Number></EInvoice>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)


def _named(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def _refused(company: Any, user: Any, files: list[tuple[str, bytes]]) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        intake_upload(
            company=company,
            actor=user,
            files=[UploadFile(name, content) for name, content in files],
            direction="purchase",
        )
    assert not StoredFile.objects.exists()  # refused as a whole, nothing stored
    assert not IntakeBatch.objects.exists()
    return caught.value


def test_a_program_named_like_a_pdf_is_refused_by_its_content(company, user):
    error = _refused(company, user, [("a.xml", XML), ("发票.pdf", EXE)])
    assert error.code == "intake.type_not_allowed"
    assert "发票.pdf" in error.message
    assert "未知" in error.message
    assert "PDF" in error.message  # the allowed types are named
    assert "The content of 发票.pdf is 未知 unknown, not an allowed type" in error.message_en


def test_a_pdf_with_an_odd_name_is_accepted_by_its_content(
    company, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = intake_upload(
            company=company, actor=user, files=[UploadFile("scan.bin", PDF)], direction="purchase"
        )
    assert batch.items.count() == 1


def test_allowed_types_come_from_the_setting(company, user, monkeypatch):
    monkeypatch.setenv("FAPIAO_UPLOAD_TYPES", "xml, OFD")
    error = _refused(company, user, [("a.pdf", PDF)])
    assert error.code == "intake.type_not_allowed"
    assert "（XML、OFD）" in error.message
    assert upload_refusal([("a.xml", XML)]) is None


def test_an_unknown_type_in_the_setting_is_named(monkeypatch):
    monkeypatch.setenv("FAPIAO_UPLOAD_TYPES", "pdf,docx")
    with pytest.raises(ValueError, match="'docx'"):
        allowed_types()
    monkeypatch.setenv("FAPIAO_UPLOAD_TYPES", " , ")
    with pytest.raises(ValueError, match="must not be empty"):
        allowed_types()


def test_too_many_files_in_one_request_are_refused(company, user, monkeypatch):
    monkeypatch.setenv("FAPIAO_MAX_UPLOAD_FILES", "2")
    error = _refused(company, user, [("a.xml", XML), ("b.pdf", PDF), ("c.pdf", PDF + b" ")])
    assert error.code == "intake.too_many_files"
    assert "一次最多上传 2 个文件（收到 3 个）" in error.message
    assert "At most 2 files per upload (got 3)" in error.message_en


def test_a_file_larger_than_the_limit_is_refused_by_the_service(company, user, monkeypatch):
    monkeypatch.setenv("FAPIAO_MAX_UPLOAD_MB", "1")
    big = PDF + bytes(1024 * 1024)
    error = _refused(company, user, [("big.pdf", big)])
    assert error.code == "intake.file_too_large"
    assert "big.pdf" in error.message
    assert "1 MB" in error.message_en


def test_the_upload_page_names_a_refused_type(client, user, company):
    login_as(client, user, company, Role.CLERK)
    response = client.post(
        reverse("intake:upload"),
        {"upload": [_named("invoice.pdf", EXE)], "direction": "purchase"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "invoice.pdf" in page
    assert "not an allowed type" in page
    assert not StoredFile.objects.exists()


def test_the_upload_page_refuses_too_many_files(client, user, company, monkeypatch):
    monkeypatch.setenv("FAPIAO_MAX_UPLOAD_FILES", "2")
    login_as(client, user, company, Role.CLERK)
    files = [_named(f"{n}.xml", XML + bytes([n])) for n in range(3)]
    response = client.post(reverse("intake:upload"), {"upload": files, "direction": "purchase"})
    assert "一次最多上传 2 个文件（收到 3 个）" in response.content.decode()
    assert not StoredFile.objects.exists()


def test_the_upload_page_explains_djangos_hard_cap(client, user, company, settings, monkeypatch):
    monkeypatch.setenv("FAPIAO_MAX_UPLOAD_FILES", "2")
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    login_as(client, user, company, Role.CLERK)
    files = [_named(f"{n}.xml", XML + bytes([n])) for n in range(3)]
    response = client.post(reverse("intake:upload"), {"upload": files, "direction": "purchase"})
    assert response.status_code == 200
    assert "一次最多上传 2 个文件；更多文件请打包成 ZIP" in response.content.decode()
    assert not StoredFile.objects.exists()


def test_the_upload_page_refuses_a_file_too_large(client, user, company, monkeypatch):
    monkeypatch.setenv("FAPIAO_MAX_UPLOAD_MB", "1")
    login_as(client, user, company, Role.CLERK)
    response = client.post(
        reverse("intake:upload"),
        {"upload": [_named("big.pdf", PDF + bytes(1024 * 1024))], "direction": "purchase"},
    )
    assert "big.pdf is larger than 1 MB" in response.content.decode()
    assert not StoredFile.objects.exists()


def _api(company):
    user = member(company, Role.CLERK)
    return bearer(token_for(user, company, scope=TokenScope.WRITE)[1])


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_api_refuses_a_type_by_content(company):
    response = _api(company).post("/api/invoices/upload", {"files": [_file("a.pdf", EXE)]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "intake.type_not_allowed"
    assert "a.pdf" in body["message"]
    assert "not an allowed type" in body["message_en"]
    assert not StoredFile.objects.exists()


def test_the_api_refuses_too_many_files(company, settings, monkeypatch):
    monkeypatch.setenv("FAPIAO_MAX_UPLOAD_FILES", "2")
    client = _api(company)
    files = [_file(f"{n}.xml", XML + bytes([n])) for n in range(3)]
    body = client.post("/api/invoices/upload", {"files": files}).json()
    assert body["code"] == "intake.too_many_files"
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2  # Django's own cap answers the same way
    files = [_file(f"{n}.xml", XML + bytes([n])) for n in range(3)]
    response = client.post("/api/invoices/upload", {"files": files})
    assert response.status_code == 413
    assert response.json()["code"] == "intake.too_many_files"
    assert not StoredFile.objects.exists()
