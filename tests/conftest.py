"""Shared pytest configuration: generic fixtures only (each area keeps its own conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty FAPIAO_DATA_DIR for code that reads the setting at call time."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("FAPIAO_DATA_DIR", str(path))
    return path
