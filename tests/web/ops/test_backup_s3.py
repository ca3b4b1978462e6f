"""With FAPIAO_STORAGE=s3 the originals live in the bucket: a backup takes them from there and a
restore puts them back (moto's in-process S3 mock, as in the fault tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from fapiao.web.invoices.originals import original_bytes
from fapiao.web.invoices.services import stored_file_create
from fapiao.web.ops.archive import open_archive
from fapiao.web.ops.errors import RestoreTargetNotEmptyError
from fapiao.web.ops.restore import RestoreTarget, configured_target, restore_into
from fapiao.web.ops.services import backup_create
from web.companies.factories import CompanyFactory
from web.helpers import bucket_objects, mocked_s3_originals

pytestmark = pytest.mark.django_db(transaction=True)
BUCKET = "fapiao-backup-originals"


@pytest.fixture
def bucket(master_key: Any, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch):
    """A mocked S3 bucket as the originals' store; the local files directory stays empty."""
    with mocked_s3_originals(
        BUCKET, tmp_path=tmp_path, settings=settings, monkeypatch=monkeypatch
    ) as client:
        yield client


def test_a_backup_takes_the_originals_from_the_bucket_and_a_restore_puts_them_back(
    bucket: Any, master_key: Any, tmp_path: Path, settings: Any
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the originals' path is the same on both databases: tested on SQLite")
    companies = [CompanyFactory(), CompanyFactory()]
    contents = [f"<xml>原始文件 {n}</xml>".encode() * 300 for n in range(3)]
    stored = [
        stored_file_create(company=companies[n % 2], content=content)[0]
        for n, content in enumerate(contents)
    ]
    before = bucket_objects(bucket, BUCKET)
    assert len(before) == 3
    assert configured_target().remote

    result = backup_create(out=tmp_path / "backup.fpbak")

    assert result.manifest["files"] == 3
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).iterdir())
    work = tmp_path / "work"
    work.mkdir()
    opened = open_archive(tmp_path / "backup.fpbak", master_key, work)
    names = {f"originals/{name.removeprefix('files/')}" for name in opened.names("files/")}
    assert names == set(before)

    for key in before:  # the bucket is lost
        bucket.delete_object(Bucket=BUCKET, Key=key)
    target = RestoreTarget(
        "sqlite", tmp_path / "unused-files", sqlite_path=tmp_path / "r.db", remote=True
    )
    restore_into(opened, target)

    assert bucket_objects(bucket, BUCKET) == before  # bit for bit, still sealed
    assert [original_bytes(s) for s in stored] == contents
    assert not (tmp_path / "unused-files").exists()
    # a second restore finds the originals in the bucket: refused without --force
    again = RestoreTarget("sqlite", tmp_path / "f2", sqlite_path=tmp_path / "r2.db", remote=True)
    with pytest.raises(RestoreTargetNotEmptyError, match="3"):
        restore_into(opened, again)
