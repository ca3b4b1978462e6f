"""Fixtures of the parsing tests: the synthetic corpus and the real sample files."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from fapiao.config import samples_dir

_CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "xml_ofd.py"


def _load_corpus() -> ModuleType:
    name = "fapiao_test_corpus_xml_ofd"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _CORPUS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus() -> ModuleType:
    """tests/corpus/xml_ofd.py: synthetic XML, OFD and ZIP files with ground truth."""
    return _load_corpus()


@pytest.fixture(scope="session")
def samples() -> Path:
    """The shared real sample files; the test is skipped when the folder is absent."""
    path = samples_dir()
    if not path.is_dir():
        pytest.skip(f"real sample files not found at {path} (set FAPIAO_SAMPLES_DIR)")
    return path
