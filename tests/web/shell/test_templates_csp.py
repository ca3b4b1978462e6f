"""Every template of the web app obeys the strict Content-Security-Policy.

No inline ``<script>``, ``<style>``, ``style=""`` attributes, inline event handlers (``onclick=``,
``hx-on``) or ``javascript:`` URLs: the browser would refuse them.  Behaviour goes in static files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fapiao.web

WEB = Path(fapiao.web.__file__).resolve().parent
TEMPLATES = sorted(WEB.rglob("templates/**/*.html"))
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE),
    "javascript URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_templates_found():
    assert any(path.name == "base.html" for path in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_template_has_no_inline_code(path: Path):
    text = path.read_text(encoding="utf-8")
    found = [name for name, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert not found, f"{path.relative_to(WEB)}: {', '.join(found)}"
