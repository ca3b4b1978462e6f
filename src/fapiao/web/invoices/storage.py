"""Where stored originals (原始文件) live on disk.

Layout: ``FAPIAO_DATA_DIR/files/<company id>/<sha256[:2]>/<sha256>`` (content-addressed).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings


def files_root() -> Path:
    """Where originals live: ``FAPIAO_DATA_DIR/files``."""
    return Path(settings.MEDIA_ROOT)


def relative_path(company_id: int, sha256: str) -> str:
    """The path of an original under :func:`files_root`."""
    return f"{company_id}/{sha256[:2]}/{sha256}"


def write_once(target: Path, content: bytes) -> None:
    """Write a content-addressed file atomically (a leftover after a rollback is harmless)."""
    if target.exists() and target.stat().st_size == len(content):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
