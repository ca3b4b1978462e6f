"""Benchmark: reconciliation at 100k and 1M rows per side, against two baselines in the same run.

    .venv/bin/python bench/reconcile.py                 # 100k and 1M rows, ~3 % discrepancies
    .venv/bin/python bench/reconcile.py --rows 100000   # one size

Data: ``fapiao.core.reconciliation.synthetic.generate`` (every cause injected, ground truth),
written once to Parquet; each measurement then runs in a fresh process that reads the frames
(untimed) and times one step, so peak RSS (``VmHWM``, cross-checked by psutil sampling every
10 ms) is per method.  Methods:

* ``fapiao``: ``reconcile()`` with full diagnosis: exact join, typo candidates, classification,
  suggestions in Chinese and English;
* ``datacompy``: ``datacompy.PolarsCompare`` on the same key, the exact compare alone;
* ``polars``: a plain exact join on the key plus anti-joins both ways and a field comparison.

Targets (issue 4) at 1M x 1M: faster than datacompy, within 2x the plain polars join, <= 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl
import psutil

from fapiao.core.reconciliation.evaluation import evaluate
from fapiao.core.reconciliation.synthetic import generate

COMPARED = ["seller_tax_id", "buyer_tax_id", "issue_date", "net_amount", "tax_amount",
            "gross_amount"]  # fmt: skip


def _key() -> pl.Expr:
    digital = pl.col("digital_number").fill_null("").replace("--", "")
    legacy = pl.concat_str([pl.col("code"), pl.col("number")], separator="-", ignore_nulls=True)
    return pl.when(digital != "").then(digital).otherwise(legacy).alias("key")


def _baseline_frames(ledger: pl.DataFrame, export: pl.DataFrame) -> tuple[pl.DataFrame, ...]:
    left = ledger.select(_key(), *COMPARED).with_columns(pl.col("issue_date").str.slice(0, 10))
    right = export.select(_key(), *COMPARED).with_columns(pl.col("issue_date").str.slice(0, 10))
    return left, right


def run_fapiao(ledger: pl.DataFrame, export: pl.DataFrame, as_of: Any, company: str) -> int:
    from fapiao.core.reconciliation import reconcile

    rec = reconcile(ledger, export, as_of=as_of, company_tax_id=company)
    return rec.results.height


def run_polars(ledger: pl.DataFrame, export: pl.DataFrame) -> int:
    left, right = _baseline_frames(ledger, export)
    joined = left.join(right, on="key", how="inner", suffix="_tax")
    differs = pl.any_horizontal([pl.col(c) != pl.col(f"{c}_tax") for c in COMPARED])
    mismatched = joined.filter(differs).height
    only_ledger = left.join(right, on="key", how="anti").height
    only_tax = right.join(left, on="key", how="anti").height
    return mismatched + only_ledger + only_tax


def run_datacompy(ledger: pl.DataFrame, export: pl.DataFrame) -> int:
    import datacompy

    left, right = _baseline_frames(ledger, export)
    compare = datacompy.PolarsCompare(left, right, join_columns="key")
    return int(compare.count_matching_rows())


def _high_water_mb() -> float:
    """Peak RSS of this process (VmHWM: unlike ru_maxrss it is not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(method: str, data: Path) -> dict[str, Any]:
    """Time one method on the frames in ``data`` (reading them is not timed)."""
    ledger = pl.read_parquet(data / "ledger.parquet")
    export = pl.read_parquet(data / "export.parquet")
    meta = json.loads((data / "meta.json").read_text())
    process = psutil.Process()
    sampled = [process.memory_info().rss]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            sampled.append(process.memory_info().rss)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    if method == "fapiao":
        import datetime as dt

        out = run_fapiao(ledger, export, dt.date.fromisoformat(meta["as_of"]), meta["company"])
    elif method == "polars":
        out = run_polars(ledger, export)
    else:
        out = run_datacompy(ledger, export)
    seconds = time.perf_counter() - start
    done.set()
    thread.join()
    return {
        "method": method,
        "seconds": seconds,
        "peak_mb": _high_water_mb(),
        "psutil_peak_mb": max(sampled) / 2**20,
        "output": out,
    }


def _measure(method: str, data: Path, repeat: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", method, "--data", str(data)],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    return best


def bench(rows: int, rate: float, repeat: int, check: bool) -> list[dict[str, Any]]:
    """Generate, write, and measure every method at one size."""
    t0 = time.perf_counter()
    syn = generate(rows, rate=rate, seed=rows)
    generated = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        syn.ledger.write_parquet(data / "ledger.parquet")
        syn.export.write_parquet(data / "export.parquet")
        meta = {"as_of": syn.as_of.isoformat(), "company": syn.company_tax_id}
        (data / "meta.json").write_text(json.dumps(meta))
        results = [_measure(m, data, repeat) for m in ("fapiao", "datacompy", "polars")]
    print(
        f"\n== {rows:,} invoices: ledger {syn.ledger.height:,} rows, export "
        f"{syn.export.height:,} rows, {rate:.0%} discrepancies (generated in {generated:.1f} s)"
    )
    base = {r["method"]: r for r in results}
    print(f"{'method':<11}{'time s':>9}{'peak RSS MB':>13}{'psutil MB':>11}")
    for r in results:
        print(
            f"{r['method']:<11}{r['seconds']:>9.2f}{r['peak_mb']:>13.0f}{r['psutil_peak_mb']:>11.0f}"
        )
    ours = base["fapiao"]["seconds"]
    print(
        f"fapiao / datacompy = {ours / base['datacompy']['seconds']:.2f}x time, "
        f"fapiao / polars join = {ours / base['polars']['seconds']:.2f}x time"
    )
    if check:
        from fapiao.core.reconciliation import reconcile

        rec = reconcile(syn.ledger, syn.export, as_of=syn.as_of, company_tax_id=syn.company_tax_id)
        ev = evaluate(syn, rec.results, rec.tax)
        worst = ev.scores.select(pl.col("precision").min(), pl.col("recall").min()).row(0)
        print(
            f"accuracy: min precision {worst[0]:.4f}, min recall {worst[1]:.4f}, "
            f"typo suggestions correct {ev.typo_accuracy:.4f} ({ev.typo_correct}/{ev.typo_total})"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="reconciliation benchmark")
    parser.add_argument("--rows", type=int, action="append", help="invoices per side")
    parser.add_argument("--rate", type=float, default=0.03)
    parser.add_argument("--repeat", type=int, default=1, help="runs per method (best time)")
    parser.add_argument("--no-check", action="store_true", help="skip the accuracy check")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data)))
        return
    print(f"cpus {psutil.cpu_count()}, polars {pl.__version__}, python {sys.version.split()[0]}")
    for rows in args.rows or [100_000, 1_000_000]:
        bench(rows, args.rate, args.repeat, not args.no_check)


if __name__ == "__main__":
    main()
