"""Each keys test gets its own key file and a freshly resolved keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fapiao.web.keys.keyring import keyring_reset


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``FAPIAO_MASTER_KEY_FILE`` in a temporary folder; no ``FAPIAO_MASTER_KEY``."""
    path = tmp_path / "keys" / "master.key"
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(path))
    monkeypatch.delenv("FAPIAO_MASTER_KEY", raising=False)
    keyring_reset()
    yield path
    keyring_reset()
