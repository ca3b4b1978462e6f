"""Fixtures of the intake tests: the synthetic XML/OFD corpus and logged-in clients."""

from __future__ import annotations

import dataclasses
import random
from types import ModuleType
from typing import Any

import pytest


def load_corpus() -> ModuleType:
    """tests/corpus/xml_ofd.py, for modules that need it at import time."""
    from corpus import xml_ofd

    return xml_ofd


@pytest.fixture
def truth(corpus: ModuleType) -> Any:
    """A synthetic 数电 invoice bought by nobody the tests know (a fixed seed)."""
    return corpus.random_truth(random.Random(7), digital=True)


def truth_with(corpus: ModuleType, seed: int, **changes: Any) -> Any:
    """A synthetic 数电 invoice with some fields replaced (tax IDs of the test companies)."""
    return dataclasses.replace(corpus.random_truth(random.Random(seed), digital=True), **changes)
