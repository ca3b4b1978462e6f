"""docs/alerts.md lists every anomaly code and every threshold with its default."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from fapiao.core.alerts import DIGEST
from fapiao.core.anomalies import ANOMALY_CODES, AnomalyThresholds

DOC = Path(__file__).resolve().parents[3] / "docs" / "alerts.md"


def test_every_code_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [code for code in (*ANOMALY_CODES, DIGEST) if f"`{code}`" not in text]
    assert not missing, f"add these codes to docs/alerts.md: {missing}"


def test_every_threshold_is_documented_with_its_default() -> None:
    text = DOC.read_text(encoding="utf-8")
    defaults = AnomalyThresholds()
    for spec in dataclasses.fields(AnomalyThresholds):
        assert f"| `{spec.name}` |" in text, spec.name
        value = getattr(defaults, spec.name)
        if not isinstance(value, frozenset):
            shown = str(value).lower()
            assert f"| `{spec.name}` | {shown} |" in text, (spec.name, shown)
