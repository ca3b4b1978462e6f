"""Run every benchmark in turn (``make bench``); each prints its table with baselines and ratios.

``--quick`` passes the small mode to the benchmarks that have one, for a smoke run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHMARKS: tuple[tuple[str, list[str], list[str]], ...] = (
    # (script, arguments, arguments in --quick mode)
    ("parse.py", [], ["--quick"]),
    ("reconcile.py", ["--repeat", "2"], ["--rows", "100000"]),
    ("web.py", [], ["--quick"]),
    ("intake.py", [], ["--quick"]),
    ("load.py", [], ["--quick"]),
)


def main() -> int:
    """Run each benchmark that exists; exit 1 if any of them failed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--only", action="append", help="run only these scripts")
    args = parser.parse_args()
    failed = []
    for script, full, quick in BENCHMARKS:
        path = HERE / script
        if args.only and script not in args.only:
            continue
        if not path.exists():
            print(f"== {script}: not present, skipped", flush=True)
            continue
        print(f"\n== {script} ==", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(path), *(quick if args.quick else full)])
        print(f"== {script}: exit {result.returncode} in {time.perf_counter() - started:.0f} s")
        if result.returncode:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
