"""Load test on the loopback interface: 2 web processes and 2 workers on PostgreSQL.

    .venv/bin/python bench/load.py               # 60 s of load, 8 client threads
    .venv/bin/python bench/load.py --quick       # 10 s, a smoke run
    .venv/bin/python bench/load.py --seconds 120 --threads 16

Everything runs on 127.0.0.1: a throwaway PostgreSQL database ``fapiao_scale_<random>`` on the
local server (created, then dropped), gunicorn with ``fapiao.web.gunicorn_conf`` and two web
processes, two ``fapiao worker`` processes with the database task queue.  After a warm-up import
of ``--preload`` files, client threads (``http.client``, a write API token) browse (invoice list,
invoice detail), search (``/api/invoices/search``) and upload new files for ``--seconds`` seconds.
Then the workers finish the queue and every upload answered 201 is checked: stored once, read
back, parsed.  Printed: requests/s sustained, p50/p99 latency per kind, errors (must be 0) and
lost uploads (must be 0); the exit status is 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from faults.harness import (  # noqa: E402
    Client,
    Instance,
    Upload,
    free_port,
    make_files,
    pg_available,
    pg_database,
)

WEIGHTS = {"list": 40, "detail": 25, "search": 20, "upload": 15}


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Load:
    """Client threads and what they measured."""

    def __init__(self, client: Client, ids: list[int], words: list[str], seed: int) -> None:
        self.client, self.ids, self.words = client, ids, words
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.uploaded: list[Upload] = []
        self.lock = threading.Lock()
        self.counter = 0
        self.seed = seed

    def _next_upload(self) -> Upload:
        with self.lock:
            self.counter += 1
            number = self.counter
        (upload,) = make_files(1, multi=0, seed=self.seed * 100_000 + number)
        return Upload(f"load_{number}.xml", upload.content, 1)

    def one(self, kind: str, rng: random.Random) -> None:
        started = time.perf_counter()
        status, body, upload = 0, b"", None
        try:
            if kind == "list":
                offset = rng.choice((0, 0, 0, 50))
                status, body = self.client.request("GET", f"/api/invoices?limit=50&offset={offset}")
            elif kind == "detail":
                status, body = self.client.request("GET", f"/api/invoices/{rng.choice(self.ids)}")
            elif kind == "search":
                word = rng.choice(self.words)
                path = f"/api/invoices/search?q={urllib.parse.quote(word)}"
                status, body = self.client.request("GET", path)
            else:
                upload = self._next_upload()
                self.client.upload([upload])
                status = 201
        except Exception as exc:  # counted as an error, the thread goes on
            body = f"{type(exc).__name__}: {exc}".encode()[:200]
        elapsed = time.perf_counter() - started
        with self.lock:
            if 200 <= status < 300:
                self.latency[kind].append(elapsed)
                if upload is not None:
                    self.uploaded.append(upload)
            else:
                self.errors[kind] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{kind}: {status} {body[:200]!r}")

    def run(self, seconds: float, threads: int) -> float:
        stop = time.monotonic() + seconds
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())

        def loop(index: int) -> None:
            rng = random.Random(index)
            while time.monotonic() < stop:
                self.one(rng.choices(kinds, weights)[0], rng)

        started = time.perf_counter()
        pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 s of load, a smoke run")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--preload", type=int, default=200, help="files imported before the load")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.preload = 10.0, 50
    if not pg_available():
        print("load.py: needs PostgreSQL on 127.0.0.1:5432 (skipped)")
        return 0
    with tempfile.TemporaryDirectory(prefix="fapiao-load-") as folder, pg_database() as url:
        instance = Instance(Path(folder) / "data", url, lease_seconds=600)
        instance.setup()
        try:
            port = free_port()
            instance.gunicorn(port, workers=2)
            for _ in range(2):
                instance.worker(batch=False)
            client = Client(port, instance.token, timeout=30)
            preload = make_files(args.preload, multi=5, seed=11)
            for start in range(0, len(preload), 25):
                client.upload(preload[start : start + 25])
            instance.wait_parsed(len(preload))
            status, body = client.request("GET", "/api/invoices?limit=200")
            assert status == 200, body
            rows = json.loads(body)["items"]
            ids = [row["id"] for row in rows]
            words = sorted({row["number"][-6:] for row in rows if row.get("number")})[:50] + sorted(
                {(row.get("seller_name") or "")[:2] for row in rows} - {""}
            )
            load = Load(client, ids, words, seed=7)
            elapsed = load.run(args.seconds, args.threads)
            instance.wait_parsed(len(preload) + len(load.uploaded))
            result = instance.verify()
        finally:
            instance.stop_all()
    lost = [
        u.name
        for u in load.uploaded
        if result["files"].get(u.sha256) != [True]
        or "done" not in result["items"].get(u.sha256, [])
    ]
    total = sum(len(v) for v in load.latency.values())
    errors = sum(load.errors.values())
    print(
        f"\nload: {args.seconds:.0f} s, {args.threads} client threads, 2 web processes (gunicorn), "
        f"2 workers, PostgreSQL; {args.preload} files preloaded"
    )
    print(f"{'kind':<8} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind in WEIGHTS:
        values = load.latency[kind]
        print(
            f"{kind:<8} {len(values):>9} {len(values) / elapsed:>8.1f} "
            f"{_pct(values, 0.50) * 1000:>8.1f} {_pct(values, 0.99) * 1000:>8.1f} "
            f"{load.errors[kind]:>7}"
        )
    everything = [v for values in load.latency.values() for v in values]
    print(
        f"{'all':<8} {total:>9} {total / elapsed:>8.1f} {_pct(everything, 0.5) * 1000:>8.1f} "
        f"{_pct(everything, 0.99) * 1000:>8.1f} {errors:>7}"
    )
    print(
        f"uploads accepted {len(load.uploaded)}, lost {len(lost)}; "
        f"mean latency {statistics.fmean(everything) * 1000 if everything else 0:.1f} ms"
    )
    for sample in load.samples:
        print("  error:", sample)
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
