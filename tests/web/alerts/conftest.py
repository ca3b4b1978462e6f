"""Fixtures of the alert tests: a test master key (channel secrets are sealed) and a receiver."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fapiao.core.crypto.keyring import generate_keyring
from fapiao.web.keys.keyring import keyring_reset
from web.alerts.receiver import Receiver, receiver


@pytest.fixture(autouse=True)
def master_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A fresh master key for each test (never the developer's own key file)."""
    monkeypatch.setenv("FAPIAO_MASTER_KEY", generate_keyring("alerts-test").to_text())
    monkeypatch.setenv("FAPIAO_MASTER_KEY_FILE", str(tmp_path / "no-such.key"))
    keyring_reset()
    yield
    keyring_reset()


@pytest.fixture
def hook() -> Iterator[Receiver]:
    """A local HTTP receiver on 127.0.0.1."""
    with receiver() as state:
        yield state


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
