"""Where the sealed bytes of originals are kept (存储后端): a directory, or an S3-compatible store.

``FAPIAO_STORAGE=filesystem`` (the default) keeps them under ``FAPIAO_DATA_DIR/files``, a
directory that several machines may share over NFS.  ``FAPIAO_STORAGE=s3`` keeps them in the
bucket ``FAPIAO_S3_BUCKET`` through django-storages' ``S3Storage`` (any S3-compatible service:
``FAPIAO_S3_ENDPOINT_URL``), under the key prefix ``FAPIAO_S3_PREFIX``, with the same relative
names ``<company id>/<sha256[:2]>/<sha256>``.

This layer sits BELOW the encryption of :mod:`fapiao.web.invoices.storage`: it only ever sees
sealed bytes (``FPK1`` header + AES-256-GCM stream), never plaintext.  Each object is written with
one PUT, which S3 makes visible whole or not at all, so a crash never leaves half an object.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from fapiao import config

if TYPE_CHECKING:
    from django.core.files.storage import Storage

BACKENDS = ("filesystem", "s3")


class StorageSettingError(ValueError):
    """FAPIAO_STORAGE or the FAPIAO_S3_* settings are wrong (Chinese and English)."""

    def __init__(self, message: str, message_en: str) -> None:
        self.message, self.message_en = message, message_en
        super().__init__(f"{message} / {message_en}")


def backend_name() -> str:
    """``filesystem`` or ``s3`` (``FAPIAO_STORAGE``)."""
    name = (config.get("FAPIAO_STORAGE") or "filesystem").strip().lower()
    if name not in BACKENDS:
        raise StorageSettingError(
            f"FAPIAO_STORAGE 只能是 filesystem 或 s3（收到 {name!r}）",
            f"FAPIAO_STORAGE is filesystem or s3 (got {name!r})",
        )
    return name


@functools.cache
def _s3(bucket: str, endpoint: str | None, region: str | None, prefix: str) -> Storage:
    from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        "file_overwrite": True,
        "default_acl": None,
        "querystring_auth": False,
    }
    if endpoint:
        options["endpoint_url"] = endpoint
    if region:
        options["region_name"] = region
    access, secret = (
        config.get("FAPIAO_S3_ACCESS_KEY_ID"),
        config.get("FAPIAO_S3_SECRET_ACCESS_KEY"),
    )
    if access and secret:
        options["access_key"], options["secret_key"] = access, secret
    store: Storage = S3Storage(**options)
    return store


def remote() -> Storage | None:
    """The S3 store when ``FAPIAO_STORAGE=s3``; None for the local (or NFS) directory."""
    if backend_name() != "s3":
        return None
    bucket = config.get("FAPIAO_S3_BUCKET")
    if not bucket:
        raise StorageSettingError(
            "FAPIAO_STORAGE=s3 时必须设置 FAPIAO_S3_BUCKET",
            "FAPIAO_S3_BUCKET is required with FAPIAO_STORAGE=s3",
        )
    return _s3(
        bucket,
        config.get("FAPIAO_S3_ENDPOINT_URL"),
        config.get("FAPIAO_S3_REGION"),
        config.get("FAPIAO_S3_PREFIX") or "files",
    )


def reset() -> None:
    """Forget the cached S3 client (tests that change the settings)."""
    _s3.cache_clear()


def put(store: Storage, name: str, content: IO[bytes]) -> None:
    """Write the object ``name`` (replacing it) from a file object positioned at its start."""
    from django.core.files import File

    store.save(name, File(content, name=name))


def open_read(store: Storage, name: str) -> IO[bytes]:
    """The object ``name`` for reading (raises FileNotFoundError when it is missing)."""
    if not store.exists(name):
        raise FileNotFoundError(name)
    handle: IO[bytes] = store.open(name, "rb")
    return handle


def names_under(store: Storage, folder: str) -> Iterator[str]:
    """The object names under ``folder`` two levels deep (``<company>/<xx>/<sha256>``), sorted."""
    subfolders, _ = store.listdir(folder)
    for sub in sorted(subfolders):
        _, files = store.listdir(f"{folder}/{sub}")
        for name in sorted(files):
            if not name.startswith("."):
                yield f"{folder}/{sub}/{name}"
