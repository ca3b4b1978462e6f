"""Fixtures for database tests: originals go to a temporary FAPIAO_DATA_DIR/files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from web.companies.factories import CompanyFactory, UserFactory


@pytest.fixture(autouse=True)
def files_root(tmp_path: Path, settings: Any) -> Path:
    """Stored originals of each test land in its own temporary directory."""
    root = tmp_path / "files"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def user(db: None) -> Any:
    """A user who acts in services."""
    return UserFactory()


@pytest.fixture
def company(db: None) -> Any:
    """A company (纳税人) that owns invoices."""
    return CompanyFactory()


@pytest.fixture
def other_company(db: None) -> Any:
    """A second company, to prove that data never leaks between companies."""
    return CompanyFactory()
