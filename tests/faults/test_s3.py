"""Originals in an S3-compatible store (``FAPIAO_STORAGE=s3``), tested with moto's in-process mock.

The bucket only ever holds sealed bytes (the encryption sits above the storage backend); reading,
parsing an upload, re-encryption under a new data key and shredding all go through the bucket, and
nothing is written to the local files directory.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fapiao.web.invoices import blobs
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.invoices.originals import original_bytes, original_exists
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.invoices.storage import (
    MAGIC,
    company_file_paths,
    company_files_reencrypt,
    company_files_shred,
)
from fapiao.web.keys.keyring import keyring_reset
from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import bucket_objects, mocked_s3_originals

pytestmark = pytest.mark.django_db
BUCKET = "fapiao-originals"


@pytest.fixture
def bucket(tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A mocked S3 bucket as the originals' store; the local files directory stays empty."""
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(tmp_path / "keys" / "master.key"))
    monkeypatch.delenv("FAPIAO_MASTER_KEY", raising=False)
    keyring_reset()
    with mocked_s3_originals(
        BUCKET, tmp_path=tmp_path, settings=settings, monkeypatch=monkeypatch
    ) as client:
        yield client
    keyring_reset()


def test_originals_go_to_the_bucket_sealed_and_read_back_bit_for_bit(
    bucket: Any, settings: Any
) -> None:
    company, user = CompanyFactory(), UserFactory()
    content = b"%PDF-1.7 invoice " + os.urandom(50_000)
    stored, created = stored_file_create(company=company, content=content, actor=user)
    again, created_again = stored_file_create(company=company, content=content, actor=user)

    assert (created, created_again, again.pk) == (True, False, stored.pk)
    objects = bucket_objects(bucket, BUCKET)
    sha = hashlib.sha256(content).hexdigest()
    assert list(objects) == [f"originals/{company.pk}/{sha[:2]}/{sha}"]
    sealed = objects[f"originals/{company.pk}/{sha[:2]}/{sha}"]
    assert sealed.startswith(MAGIC)
    assert content[:4096] not in sealed  # never plaintext in the bucket
    assert original_bytes(stored) == content
    assert original_exists(stored)
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))


def test_a_missing_object_is_reported_not_read_as_empty(bucket: Any) -> None:
    company = CompanyFactory()
    stored, _ = stored_file_create(company=company, content=b"<xml>1</xml>")
    bucket.delete_object(Bucket=BUCKET, Key=f"originals/{stored.path}")

    assert not original_exists(stored)
    with pytest.raises(FileNotFoundError):
        original_bytes(stored)


def test_reencrypt_and_shred_work_on_the_bucket(bucket: Any) -> None:
    from fapiao.web.keys.services import data_key_rotate

    company = CompanyFactory()
    contents = [f"<xml>{n}</xml>".encode() * 100 for n in range(3)]
    stored = [stored_file_create(company=company, content=c)[0] for c in contents]
    before = bucket_objects(bucket, BUCKET)
    assert len(list(company_file_paths(company.pk))) == 3

    data_key_rotate(company=company)
    assert company_files_reencrypt(company.pk) == 3
    after = bucket_objects(bucket, BUCKET)
    assert set(after) == set(before)
    assert all(after[k] != before[k] for k in before)  # sealed again under the new key
    assert [original_bytes(s) for s in stored] == contents

    assert company_files_shred(company.pk) == 3
    assert bucket_objects(bucket, BUCKET) == {}


def test_an_upload_is_parsed_from_the_bucket(
    bucket: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from fapiao.web.intake.services import UploadFile, intake_upload
    from faults.harness import make_files

    company, user = CompanyFactory(), UserFactory()
    files = make_files(3, multi=1)
    with django_capture_on_commit_callbacks(execute=True):
        batch = intake_upload(
            company=company,
            actor=user,
            files=[UploadFile(f.name, f.content) for f in files],
            direction="purchase",
        )
    assert [item.status for item in batch.items.all()] == ["done"] * 3
    assert InvoiceRecord.objects.filter(company=company).count() == 5
    assert len(bucket_objects(bucket, BUCKET)) == 3


def test_a_wrong_storage_setting_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAPIAO_STORAGE", "ftp")
    with pytest.raises(blobs.StorageSettingError, match="filesystem or s3"):
        blobs.remote()
    monkeypatch.setenv("FAPIAO_STORAGE", "s3")
    monkeypatch.delenv("FAPIAO_S3_BUCKET", raising=False)
    with pytest.raises(blobs.StorageSettingError, match="FAPIAO_S3_BUCKET"):
        blobs.remote()
