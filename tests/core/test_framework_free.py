"""The core imports no web framework: proven at run time in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_without_django() -> None:
    code = (
        "import importlib, pkgutil, sys, fapiao.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'fapiao.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in {'django', 'ninja'}]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == ""
