"""Shared pytest configuration: generic fixtures only (each area keeps its own conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.test.utils import override_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty FAPIAO_DATA_DIR for code that reads the setting at call time."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("FAPIAO_DATA_DIR", str(path))
    return path


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_immediately() -> Iterator[None]:
    """Background tasks run inline under pytest (FAPIAO_TASKS_BACKEND=immediate)."""
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        yield


@pytest.fixture(scope="session")
def corpus() -> ModuleType:
    """tests/corpus/xml_ofd.py: synthetic 数电 XML, OFD and ZIP files with their ground truth."""
    from corpus import xml_ofd

    return xml_ofd
