"""Fixtures of the parsing tests: the synthetic corpus and the real sample files."""

from __future__ import annotations

from pathlib import Path

import pytest

from fapiao.config import samples_dir


@pytest.fixture(scope="session")
def samples() -> Path:
    """The shared real sample files; the test is skipped when the folder is absent."""
    path = samples_dir()
    if not path.is_dir():
        pytest.skip(f"real sample files not found at {path} (set FAPIAO_SAMPLES_DIR)")
    return path
