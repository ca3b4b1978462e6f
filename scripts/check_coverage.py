"""Fail unless the identifier, amount and rule modules have 100 % branch coverage."""
# ruff: noqa: T201

from __future__ import annotations

import json
import sys
from pathlib import Path

REQUIRED = ("src/fapiao/core/identifiers/", "src/fapiao/core/amounts", "src/fapiao/core/rules/")


def main(path: str) -> int:
    """Print every file below 100 % among the required ones; exit 1 if any."""
    with Path(path).open(encoding="utf-8") as handle:
        files = json.load(handle)["files"]
    bad = []
    checked = 0
    for name, data in sorted(files.items()):
        if not name.startswith(REQUIRED):
            continue
        checked += 1
        summary = data["summary"]
        if summary["missing_lines"] or summary.get("missing_branches", 0):
            bad.append(f"{name}: {summary['percent_covered_display']} %")
    if not checked:
        print("coverage: none of the required modules were measured", file=sys.stderr)
        return 1
    for line in bad:
        print(f"coverage below 100 %: {line}", file=sys.stderr)
    print(f"coverage: {checked} required modules checked, {len(bad)} below 100 %")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
