"""Fixtures of the ops tests: a test master key and a data directory of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fapiao.core.crypto.keyring import Keyring, generate_keyring
from fapiao.web.keys.keyring import keyring_reset


@pytest.fixture
def master_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Any) -> Iterator[Keyring]:
    """A fresh master key in FAPIAO_MASTER_KEY and FAPIAO_DATA_DIR in the test's folder."""
    keyring = generate_keyring("test")
    monkeypatch.setenv("FAPIAO_MASTER_KEY", keyring.to_text())
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(tmp_path / "no-such.key"))
    data = tmp_path / "data"
    data.mkdir()
    settings.DATA_DIR = data
    keyring_reset()
    yield keyring
    keyring_reset()
