"""Fixtures of the fault tests: a set-up SQLite instance to clone, and the files to import."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from faults.harness import Instance, Upload, make_files


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Instance:
    """A migrated SQLite instance with a company, a clerk and a write token (cloned per test)."""
    instance = Instance(tmp_path_factory.mktemp("faults") / "template")
    instance.setup()
    return instance


@pytest.fixture
def instance(template: Instance, tmp_path: Path) -> Iterator[Instance]:
    """A fresh copy of the template; every process it started is stopped afterwards."""
    copy = template.clone(tmp_path / "instance")
    yield copy
    copy.stop_all()


@pytest.fixture(scope="session")
def files50() -> list[Upload]:
    """50 files: 47 single XML invoices and 3 ZIPs holding 3 invoices each (56 invoices)."""
    return make_files(50)
