"""Benchmark: the web application at a million invoices, on SQLite and on PostgreSQL.

    .venv/bin/python bench/web.py                     # 1,000,000 invoices, both databases
    .venv/bin/python bench/web.py --reuse             # the same, seeding only what is missing
    .venv/bin/python bench/web.py --quick             # 100,000 invoices (development)
    .venv/bin/python bench/web.py --rows 300000 --backends sqlite --runs 5

Each database runs in its own child process with its own settings: a SQLite file under
``--data-dir`` (default ``var/bench-web/sqlite``), or the PostgreSQL database
``fapiao_bench_web`` on 127.0.0.1:5432 (no other database is touched).  Seeding (see
``bench/web_seed.py``: bulk SQL, indexes rebuilt after the load) happens once per database and
size; ``--reuse`` keeps a seeded database for the next run (pending migrations are applied to
it), ``--drop`` removes it at the end.  The child then times requests through Django's test
client (the whole middleware stack, a logged-in clerk), ``--runs`` passes of ``--samples``
requests per page, and reports the median over the passes of p50 and p95, with the CPU time
of the process per request (the web side; PostgreSQL's own CPU is not in it):

* the invoice list (``/invoices/``): first page, 30 pages deep (following the "next" links:
  keyset pages), filtered pages, and the list's search box;
* the search page (``/search/?q=``): keywords (pinyin initials, item words, names), a number
  with one digit wrong, filters;
* the API's invoice list with a search text (``/api/invoices?q=``: a page of 50 and the count of
  every match, through the search index);
* the dashboard page and each of its charts' JSON with the chart cache emptied before each
  request (what the first visitor after a change waits for).

Then the list page under load: gunicorn with two web processes (``fapiao.web.gunicorn_conf``,
four threads each) on 127.0.0.1 and ``--clients`` client threads for ``--load-seconds``:
requests/s, p50, p99 and errors.  Target (issue 5): p95 <= 150 ms per page at 1,000,000.
"""

from __future__ import annotations

import argparse
import base64
import html
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_BENCH_DB = "fapiao_bench_web"
TARGET_MS = 150.0
MARKER = "seeded.json"
MASTER_KEY = base64.b64encode(bytes(range(32))).decode("ascii")
SEED_VERSION = 2
"""Bumped when the generator changes: a database seeded by another version is seeded again."""
DEEP_PAGES = 30
NEXT_LINK = re.compile(r'<a class="page-link" rel="next" href="([^"]+)"')


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- child: one database ------------------------------------------------------------------


def _time(client: Any, urls: list[str], samples: int, before: Any = None) -> dict[str, Any]:
    """``samples`` requests cycling through ``urls``: wall p50/p95/max and CPU ms per request."""
    for url in urls[:3]:
        if before:
            before()
        status = client.get(url).status_code
        assert status == 200, f"{url}: HTTP {status}"
    timings, cpu = [], []
    for i in range(samples):
        url = urls[i % len(urls)]
        if before:
            before()
        begin, begin_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - begin_cpu) * 1000)
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return {
        "p50_ms": statistics.median(timings),
        "p95_ms": _percentile(timings, 0.95),
        "max_ms": max(timings),
        "cpu_ms": statistics.median(cpu),
    }


def _runs(client: Any, urls: list[str], samples: int, runs: int, before: Any = None) -> dict:
    """Several passes of ``_time``; the median of each figure over the passes."""
    passes = [_time(client, urls, samples, before) for _ in range(runs)]
    out = {k: round(statistics.median(p[k] for p in passes), 1) for k in passes[0]}
    out["p95_ms_each_run"] = [round(p["p95_ms"], 1) for p in passes]
    out["samples"] = samples * runs
    return out


def _deep_pages(client: Any, count: int) -> list[str]:
    """The list's pages 2..count+1, reached by following each page's "next" link."""
    urls, url = [], "/invoices/"
    for _ in range(count):
        found = NEXT_LINK.search(client.get(url).content.decode())
        if not found:
            break
        url = "/invoices/" + html.unescape(found.group(1))
        urls.append(url)
    return urls


def _seed(args: argparse.Namespace, log: Any) -> dict[str, Any]:
    from django.contrib.auth.models import User

    import web_seed
    from fapiao.web.companies.models import Company, Membership, Role

    clerk = User.objects.create_user("bench-clerk", password=None)
    reviewer = User.objects.create_user("bench-reviewer", password=None)
    company = Company.objects.create(name="基准测试有限公司", tax_id="91110000BENCH00001")
    Membership.objects.create(user=clerk, company=company, role=Role.CLERK)
    Membership.objects.create(user=reviewer, company=company, role=Role.REVIEWER)
    web_seed.load(args.rows, company, reviewer.pk, log)
    return {"rows": args.rows, "version": SEED_VERSION, "company": company.pk, "clerk": clerk.pk}


def child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from fapiao.web.companies.models import Company
    from fapiao.web.reports.charts import CHARTS
    from fapiao.web.search.models import SearchEntry
    from fapiao.web.shell.middleware import COMPANY_SESSION_KEY

    def log(message: str) -> None:
        print(f"[{connection.vendor}] {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"  migrated ({time.perf_counter() - started:.0f} s)")
    marker = Path(os.environ["FAPIAO_DATA_DIR"]) / MARKER
    if args.fresh:
        seeded = _seed(args, log)
        marker.write_text(json.dumps(seeded))
    seeded = json.loads(marker.read_text())
    company = Company.objects.get(pk=seeded["company"])
    clerk = User.objects.get(pk=seeded["clerk"])
    setup_s = time.perf_counter() - started

    client = Client()
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[COMPANY_SESSION_KEY] = company.pk
    session.save()
    rng = random.Random(11)

    def typo(number: str) -> str:
        i = rng.randrange(len(number))
        return number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :]

    picks = list(
        SearchEntry.objects.filter(
            invoice_id__in=[rng.randrange(1, args.rows + 1) for _ in range(args.samples)]
        ).values_list("number", flat=True)
    )
    keywords = ["bjhy", "cqcj", "住宿", "餐费", "shanghai", "hzxr 科技", "长江", "wxax", "软件",
                "青岛金桥", "91", "出差"]  # fmt: skip
    pages: dict[str, list[str]] = {
        "list_first_page": ["/invoices/"],
        f"list_pages_2_to_{DEEP_PAGES + 1}": _deep_pages(client, DEEP_PAGES),
        "list_filtered": [
            "/invoices/?direction=purchase&review_status=pending",
            "/invoices/?tax_status=voided",
            "/invoices/?issued_from=2025-03-01&issued_to=2025-03-31",
        ],
        "list_search_box": [f"/invoices/?q={k}" for k in keywords],
        "search_keyword": [f"/search/?q={k}" for k in keywords],
        "search_number_typo": [f"/search/?q={typo(n)}" for n in picks],
        "search_filtered": [
            "/search/?q=住宿&review_status=approved&sort=-amount",
            "/search/?region=重庆&tax_status=normal",
            "/search/?amount_min=1000&amount_max=2000&sort=amount",
        ],
        "dashboard_page": ["/dashboard/"],
    }
    from fapiao.web.api.services import api_token_create

    _, raw_token = api_token_create(user=clerk, company=company, name="bench")
    api_client = Client(headers={"Authorization": f"Bearer {raw_token}"})
    api_pages = {
        "api_list_search": [f"/api/invoices?q={k}&limit=50" for k in keywords],
    }
    results: dict[str, Any] = {
        "backend": connection.vendor,
        "rows": args.rows,
        "seeded_now": args.fresh,
        "setup_s": round(setup_s, 1),
    }
    for name, (pages_client, urls) in {
        **{name: (client, urls) for name, urls in pages.items()},
        **{name: (api_client, urls) for name, urls in api_pages.items()},
    }.items():
        if not urls:
            results[name] = {"error": "no pages to time"}
            continue
        encoded = [quote(u, safe="/?=&%") for u in urls]
        try:
            results[name] = _runs(pages_client, encoded, args.samples, args.runs)
        except AssertionError as exc:
            results[name] = {"error": str(exc)}
        log(f"  {name}: {results[name]}")
    for chart in CHARTS:
        name = f"dashboard_chart_{chart}"
        url = f"/reports/charts/{chart}.json"
        results[name] = _runs(client, [url], max(5, args.samples // 4), args.runs, cache.clear)
        log(f"  {name}: {results[name]}")
    if args.load_seconds > 0:
        results["list_under_load"] = _load_test(
            client.cookies["sessionid"].value, args.load_seconds, args.clients
        )
        log(f"  list under load: {results['list_under_load']}")
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _load_test(session_cookie: str, seconds: float, clients: int) -> dict[str, Any]:
    """The list page under ``clients`` threads against gunicorn (2 processes × 4 threads)."""
    port = _free_port()
    env = {**os.environ, "FAPIAO_PORT": str(port), "FAPIAO_WEB_WORKERS": "2"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "-c", "python:fapiao.web.gunicorn_conf", "fapiao.web.wsgi:application",
         "--access-logfile", "/dev/null"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    headers = {"Cookie": f"sessionid={session_cookie}", "Host": "127.0.0.1"}
    try:
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/invoices/", headers=headers)
                conn.getresponse().read()  # also warms both processes' first request
                break
            except OSError:
                time.sleep(0.1)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds

        def worker() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                try:
                    conn.request("GET", "/invoices/", headers=headers)
                    response = conn.getresponse()
                    response.read()
                    problem = "" if response.status == 200 else f"HTTP {response.status}"
                except Exception as exc:  # every failure counts as an error
                    problem = f"{type(exc).__name__}: {exc}"
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    if problem:
                        errors.append(problem)
                    else:
                        latencies.append((time.perf_counter() - begin) * 1000)

        begin = time.perf_counter()
        pool = [threading.Thread(target=worker) for _ in range(clients)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - begin
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
    return {
        "server": "gunicorn, 2 processes x 4 threads (gthread)",
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
        "errors": len(errors),
        "first_errors": errors[:3],
    }


# --- parent ---------------------------------------------------------------------------------


def _postgres(sql: str) -> Any:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if sql.startswith("SELECT") else None


def _pg_exists() -> bool:
    return bool(_postgres(f"SELECT 1 FROM pg_database WHERE datname = '{PG_BENCH_DB}'"))


def _reusable(folder: Path, backend: str, rows: int) -> bool:
    marker = folder / MARKER
    if not marker.exists():
        return False
    seeded = json.loads(marker.read_text())
    if seeded.get("rows") != rows or seeded.get("version") != SEED_VERSION:
        return False
    return _pg_exists() if backend == "postgres" else (folder / "bench.sqlite3").exists()


def _forget(folder: Path, backend: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    if backend == "postgres":
        _postgres(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    folder = (args.data_dir / backend).resolve()
    if backend == "postgres":
        try:
            _pg_exists()
        except Exception as exc:
            return {"backend": backend, "skipped": f"PostgreSQL not reachable: {exc}"}
    fresh = not (args.reuse and _reusable(folder, backend, args.rows))
    if fresh:
        _forget(folder, backend)
        if backend == "postgres":
            _postgres(f"CREATE DATABASE {PG_BENCH_DB}")
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="fapiao.web.settings",
        FAPIAO_DATA_DIR=str(folder),
        FAPIAO_MASTER_KEY=MASTER_KEY,
        FAPIAO_TASKS_BACKEND="immediate",
        FAPIAO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=(
            f"{PG_SERVER}/{PG_BENCH_DB}"
            if backend == "postgres"
            else f"sqlite:///{folder / 'bench.sqlite3'}"
        ),
    )
    command = [sys.executable, __file__, "--child", "--rows", str(args.rows),
               "--samples", str(args.samples), "--runs", str(args.runs),
               "--load-seconds", str(args.load_seconds), "--clients", str(args.clients),
               *(["--fresh"] if fresh else [])]  # fmt: skip
    try:
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True,
                              timeout=args.timeout, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"backend": backend, "error": f"timed out after {args.timeout} s"}
    finally:
        if args.drop:
            _forget(folder, backend)
    if done.returncode != 0:
        return {"backend": backend, "error": f"exit status {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def table(results: list[dict[str, Any]]) -> str:
    """The p50/p95 of every page per backend, one line each, with the target check."""
    lines = [f"{'page':<34} {'backend':<10} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>7}  target"]
    for result in results:
        for name, value in result.items():
            if isinstance(value, dict) and "p95_ms" in value:
                ok = "ok" if value["p95_ms"] <= TARGET_MS else "MISSED"
                lines.append(
                    f"{name:<34} {result['backend']:<10} {value['p50_ms']:>8} "
                    f"{value['p95_ms']:>8} {value['cpu_ms']:>7}  {ok}"
                )
            elif isinstance(value, dict) and "error" in value:
                lines.append(f"{name:<34} {result['backend']:<10} ERROR {value['error']}")
        load = result.get("list_under_load")
        if load:
            lines.append(
                f"list under load ({load['clients']} clients, {load['server']}): "
                f"{load['requests_per_s']} req/s, p50 {load['p50_ms']} ms, "
                f"p99 {load['p99_ms']} ms, errors {load['errors']}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 invoices")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--samples", type=int, default=40, help="requests timed per page and run")
    parser.add_argument("--runs", type=int, default=3, help="timing passes (medians reported)")
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse seeded databases")
    parser.add_argument("--drop", action="store_true", help="remove the databases at the end")
    parser.add_argument("--data-dir", type=Path, default=HERE.parent / "var" / "bench-web")
    parser.add_argument("--timeout", type=int, default=5400, help="seconds per database")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fresh", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.rows = 100_000
    if args.child:
        print(json.dumps(child(args), ensure_ascii=False))
        return
    results = [run_backend(b.strip(), args) for b in args.backends.split(",") if b.strip()]
    report = {"target_p95_ms": TARGET_MS, "rows": args.rows, "results": results}
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    print(table(results))
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
