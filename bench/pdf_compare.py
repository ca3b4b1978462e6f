"""Text-layer PDF speed of this tree against another revision, in the same run.

    .venv/bin/python bench/pdf_compare.py --against c15518b --rounds 5

Machines here change speed by 1.5-2x within an hour, so an absolute files/s figure alone says
little; this measures both trees alternately, each in its own child process pinned to one core,
on the same files (the 200 PDFs ``bench/parse.py`` generates: 数电 and legacy layouts, red
invoices, spaced glyphs, vector QRs), best of ``--passes`` per child, and prints the median of
each side over the rounds and their ratio.  The other revision is checked out into a temporary
git worktree; only its ``src`` is used, so the files and the harness are identical.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _files(count: int) -> list[bytes]:
    sys.path.insert(0, str(ROOT / "tests"))
    from corpus import pdf_image as corpus
    from parse import pdf_corpus  # bench/parse.py, beside this file

    return pdf_corpus(corpus, count)[0]


def child(files_path: Path, passes: int) -> None:
    """Parse the files ``passes`` times; print the best files per CPU-second."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from fapiao.core.parsing.base import ParseOptions
    from fapiao.core.parsing.pdf import PdfParser

    files = pickle.loads(files_path.read_bytes())
    parser, options = PdfParser(), ParseOptions()
    parser.parse(files[0], options)
    best = 0.0
    for _ in range(passes):
        start = time.process_time()
        for data in files:
            parser.parse(data, options)
        best = max(best, len(files) / (time.process_time() - start))
    print(f"{best:.1f}")


def _run(src: Path, files_path: Path, passes: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(files_path), "--passes", str(passes)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", default="HEAD~1", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.passes)
        return 0
    with tempfile.TemporaryDirectory(prefix="fapiao-compare-") as folder:
        other = Path(folder) / "other"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(other), args.against],
            check=True,
            capture_output=True,
        )
        try:
            files_path = Path(folder) / "files.pickle"
            files_path.write_bytes(pickle.dumps(_files(args.files)))
            here, there = [], []
            for round_ in range(1, args.rounds + 1):
                there.append(_run(other / "src", files_path, args.passes))
                here.append(_run(ROOT / "src", files_path, args.passes))
                print(f"round {round_}: {args.against} {there[-1]:.1f}  this tree {here[-1]:.1f}")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)],
                check=False,
                capture_output=True,
            )
    a, b = statistics.median(there), statistics.median(here)
    print(f"files per CPU-second, median of {args.rounds} rounds (best of {args.passes} each):")
    print(f"  {args.against}: {a:.1f}   this tree: {b:.1f}   ratio {b / a:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
