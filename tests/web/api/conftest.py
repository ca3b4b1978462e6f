"""Fixtures of the API tests: the synthetic invoice corpus (tests/corpus/xml_ofd.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

_CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "xml_ofd.py"


@pytest.fixture(scope="session")
def corpus() -> ModuleType:
    """Synthetic XML, OFD and ZIP invoice files with their ground truth."""
    name = "fapiao_test_corpus_xml_ofd"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _CORPUS)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
