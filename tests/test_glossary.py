"""GLOSSARY.md documents every finding code the core can emit."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"""(?:\b(?:error|warning|info)\(|code=)\s*\n?\s*["']([a-z_]+\.[a-z0-9_]+)["']""")


def emitted_codes() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "src" / "fapiao" / "core").rglob("*.py"):
        codes |= set(CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_finding_code_is_in_the_glossary() -> None:
    glossary = (ROOT / "GLOSSARY.md").read_text(encoding="utf-8")
    codes = emitted_codes()
    assert len(codes) > 40
    missing = sorted(code for code in codes if f"`{code}`" not in glossary)
    assert not missing, f"add these finding codes to GLOSSARY.md: {missing}"
