"""Benchmark: bulk intake of 10,000 files end to end, on SQLite and on PostgreSQL.

    .venv/bin/python bench/intake.py                       # 10,000 files, both databases
    .venv/bin/python bench/intake.py --files 1000 --backends sqlite

Per database: a fresh installation (``tests/faults/harness.py``: a data directory, SQLite there
or a throwaway PostgreSQL database ``fapiao_scale_<random>``, dropped after), gunicorn with two
web processes and ``--workers`` background workers (``fapiao worker``, the database task queue).
The files are synthetic 数电 XML invoices, generated before the clock starts.  ``--clients``
threads upload them through the HTTP API (``POST /api/invoices/upload``, ``--batch`` files per
request); the clock stops when every file is stored and parsed into its invoice record.  Then the
installation is checked: one record per file, every original stored once and read back intact.

Printed: files/s end to end (upload to invoice rows), the upload phase alone, and the CPU time
of the whole installation per file (web and worker processes; PostgreSQL's own not included).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from faults.harness import (  # noqa: E402
    Client,
    Instance,
    free_port,
    make_files,
    pg_available,
    pg_database,
)


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _upload(client: Client, files: list[Any], batch: int, clients: int) -> list[str]:
    """Upload every file in batches from ``clients`` threads; the errors met."""
    batches = [files[i : i + batch] for i in range(0, len(files), batch)]
    errors: list[str] = []
    lock = threading.Lock()

    def loop() -> None:
        while True:
            with lock:
                if not batches:
                    return
                chunk = batches.pop()
            try:
                client.upload(chunk)
            except Exception as exc:  # counted, the thread goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:300])

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@contextlib.contextmanager
def _database(backend: str) -> Iterator[str | None]:
    if backend == "postgres":
        with pg_database() as url:
            yield url
    else:
        yield None


def run(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """One installation on ``backend``: upload every file, wait until parsed, check."""
    if backend == "postgres" and not pg_available():
        return {"backend": backend, "skipped": "PostgreSQL not reachable"}
    started = time.perf_counter()
    files = make_files(args.files, multi=0, seed=args.seed)
    generated_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="fapiao-intake-") as folder, _database(backend) as url:
        instance = Instance(Path(folder) / "data", url, lease_seconds=600)
        instance.setup()
        try:
            port = free_port()
            instance.gunicorn(port, workers=2)
            for _ in range(args.workers):
                instance.worker(batch=False)
            client = Client(port, instance.token, timeout=300)
            cpu_before = _children_cpu()
            begin = time.perf_counter()
            errors = _upload(client, files, args.batch, args.clients)
            uploaded_s = time.perf_counter() - begin
            instance.wait_parsed(len(files), timeout=args.timeout)
            elapsed = time.perf_counter() - begin
        finally:
            instance.stop_all()
        cpu = _children_cpu() - cpu_before  # the installation's processes, once they exited
        result = instance.verify()
    intact = sum(1 for checks in result["files"].values() if checks == [True])
    return {
        "backend": backend,
        "files": len(files),
        "generated_s": round(generated_s, 1),
        "upload_s": round(uploaded_s, 1),
        "end_to_end_s": round(elapsed, 1),
        "files_per_s": round(len(files) / elapsed, 1),
        "upload_files_per_s": round(len(files) / uploaded_s, 1),
        "cpu_ms_per_file": round(cpu * 1000 / len(files), 1),
        "records": result["records"],
        "originals_intact": intact,
        "upload_errors": len(errors),
        "first_errors": errors[:3],
        "setup": f"gunicorn 2 processes, {args.workers} workers, {args.clients} upload clients, "
        f"{args.batch} files per request",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1,000 files")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100, help="files per upload request")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    if args.quick:
        args.files = 1000
    results = [run(b.strip(), args) for b in args.backends.split(",") if b.strip()]
    print(json.dumps(results, ensure_ascii=False, indent=2))
    failed = False
    print(f"{'backend':<10} {'files':>6} {'files/s':>8} {'upload/s':>9} {'cpu ms/file':>12}  check")
    for r in results:
        if "skipped" in r:
            print(f"{r['backend']:<10} skipped: {r['skipped']}")
            continue
        ok = r["records"] == r["files"] == r["originals_intact"] and not r["upload_errors"]
        failed |= not ok
        print(
            f"{r['backend']:<10} {r['files']:>6} {r['files_per_s']:>8} "
            f"{r['upload_files_per_s']:>9} {r['cpu_ms_per_file']:>12}  {'ok' if ok else 'FAILED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
