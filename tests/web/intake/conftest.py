"""Fixtures of the intake tests: the synthetic XML/OFD corpus and logged-in clients."""

from __future__ import annotations

import dataclasses
import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

_CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "xml_ofd.py"


def load_corpus() -> ModuleType:
    """tests/corpus/xml_ofd.py, loaded once (it is not a package)."""
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
    """Synthetic 数电 XML and OFD files with known ground truth."""
    return load_corpus()


@pytest.fixture
def truth(corpus: ModuleType) -> Any:
    """A synthetic 数电 invoice bought by nobody the tests know (a fixed seed)."""
    return corpus.random_truth(random.Random(7), digital=True)


def truth_with(corpus: ModuleType, seed: int, **changes: Any) -> Any:
    """A synthetic 数电 invoice with some fields replaced (tax IDs of the test companies)."""
    return dataclasses.replace(corpus.random_truth(random.Random(seed), digital=True), **changes)
