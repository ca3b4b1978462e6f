"""A full disk (no space at the storage layer) and a full SQLite database (``max_page_count``).

The upload that hits the limit is refused with a clear Chinese and English message; every upload
accepted before it keeps its files (read back bit for bit), its items and its invoices, and the
same upload succeeds once there is room again.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from fapiao.web.intake.models import IntakeItem, ItemStatus
from fapiao.web.intake.services import IntakeError, UploadFile, intake_upload
from fapiao.web.invoices import storage
from fapiao.web.invoices.models import InvoiceRecord, StoredFile
from fapiao.web.invoices.originals import original_bytes
from fapiao.web.keys.keyring import keyring_reset
from faults.harness import Upload, make_files
from web.companies.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(tmp_path / "keys" / "master.key"))
    monkeypatch.delenv("FAPIAO_MASTER_KEY", raising=False)
    monkeypatch.delenv("FAPIAO_STORAGE", raising=False)
    keyring_reset()


def _upload(company: Any, user: Any, files: list[Upload], capture: Any) -> Any:
    with capture(execute=True):
        return intake_upload(
            company=company,
            actor=user,
            files=[UploadFile(f.name, f.content) for f in files],
            direction="purchase",
        )


def _all_safe(files: list[Upload], company: Any) -> None:
    for upload in files:
        stored = StoredFile.objects.get(company=company, sha256=upload.sha256)
        assert original_bytes(stored) == upload.content
    assert set(
        IntakeItem.objects.filter(batch__company=company).values_list("status", flat=True)
    ) == {ItemStatus.DONE}
    assert InvoiceRecord.objects.filter(company=company).count() == sum(f.invoices for f in files)


def test_no_space_at_the_storage_layer_is_refused_and_loses_nothing(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    company, user = CompanyFactory(), UserFactory()
    files = make_files(12, multi=2, seed=41)
    accepted, refused = files[:6], files[6:]
    _upload(company, user, accepted, django_capture_on_commit_callbacks)

    real = storage._seal_into
    calls = {"n": 0}

    def full_after_two(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(*args, **kwargs)

    monkeypatch.setattr(storage, "_seal_into", full_after_two)
    with pytest.raises(IntakeError) as caught:
        _upload(company, user, refused, django_capture_on_commit_callbacks)
    assert caught.value.code == "intake.storage_full"
    assert "存储空间已满" in caught.value.message
    assert "Storage is full" in caught.value.message_en
    _all_safe(accepted, company)
    assert IntakeItem.objects.filter(batch__company=company).count() == len(accepted)
    # No leftover temporary files from the failed writes.
    assert not list(Path(storage.files_root()).rglob(".upload-*"))

    monkeypatch.setattr(storage, "_seal_into", real)  # room again: the same upload goes through
    _upload(company, user, refused, django_capture_on_commit_callbacks)
    _all_safe(files, company)


def test_a_full_sqlite_database_is_refused_and_loses_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("max_page_count is SQLite's")
    company, user = CompanyFactory(), UserFactory()
    files = make_files(10, multi=1, seed=42)
    accepted, refused = files[:5], files[5:]
    _upload(company, user, accepted, django_capture_on_commit_callbacks)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 1}")
    try:
        with pytest.raises(IntakeError) as caught:
            _upload(company, user, refused * 20, django_capture_on_commit_callbacks)
        assert caught.value.code in {"intake.database_full", "intake.storage_full"}
        assert "已满" in caught.value.message
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
    _all_safe(accepted, company)
    _upload(company, user, refused, django_capture_on_commit_callbacks)
    _all_safe(files, company)
