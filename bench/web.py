"""Benchmark: the web application at a million invoices, on SQLite and on PostgreSQL.

    .venv/bin/python bench/web.py                   # 1,000,000 invoices, both databases
    .venv/bin/python bench/web.py --quick           # 100,000 invoices (development)
    .venv/bin/python bench/web.py --rows 300000 --backends sqlite

Each database runs in its own child process with its own settings: a SQLite file in a temporary
directory, or the PostgreSQL database ``fapiao_bench`` on 127.0.0.1:5432 (created and dropped
here; no other database is touched).  The child migrates, generates the invoices of one company
with bulk SQL (``executemany`` on SQLite, ``COPY`` on PostgreSQL; the secondary indexes are
dropped during the load and rebuilt after it), builds the search index the same way (with
``fapiao.web.search.indexing.entry_data``, the function the indexing service uses), then times
requests through Django's test client (the whole middleware stack, a logged-in clerk):

* the invoice list (``/invoices/``), first page and a filtered page;
* a keyword search (``/search/?q=``: pinyin initials, item words, names) and a number search
  with one digit wrong;
* the dashboard, when the reports app provides ``reports:dashboard`` (else skipped, noted).

Then the list page under load: a threaded WSGI server (``wsgiref``) in a subprocess on
127.0.0.1 and a bounded thread pool of clients; requests/s, p50, p99 and errors.  Invoice lines
are not loaded (the list and search pages do not read them; item words are in the index).
Target (issue 5): p95 <= 150 ms for each page at 1,000,000 invoices on both databases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from typing import Any

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "fapiao_bench"
TARGET_MS = 150.0

CITIES = ["北京", "上海", "重庆", "天津", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安",
          "长沙", "青岛", "厦门", "无锡", "苏州", "宁波", "郑州", "济南", "合肥"]  # fmt: skip
WORDS = ["华医网", "长江", "安协", "恒通", "银河", "东方", "新锐", "联创", "远景", "天行",
         "鸿运", "广源", "金桥", "瑞丰", "博雅", "重光", "行知", "乐天", "佳禾", "朝阳",
         "星辰", "海纳", "正大", "中和", "长虹"]  # fmt: skip
TRADES = ["科技", "餐饮管理", "酒店管理", "物流", "信息技术", "商贸", "建筑工程", "咨询服务",
          "文化传媒", "医药", "石油化工", "汽车服务", "印刷", "安全培训中心", "电子"]  # fmt: skip
ITEMS = ["*住宿服务*住宿费", "*餐饮服务*餐费", "*信息技术服务*软件服务费", "*运输服务*客运服务费",
         "*经纪代理服务*培训费", "*汽油*92号车用汽油", "*纸制品*复印纸", "*电信服务*通信费",
         "*现代服务*会议费", "*建筑服务*工程款", "*计算机配套产品*显示器",
         "*办公用品*文具"]  # fmt: skip
REGION_CODES = ["11", "31", "50", "12", "44", "33", "32", "51", "42", "61", "43", "92", "35"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _tax_id(rng: random.Random) -> str:
    return (
        "91"
        + str(rng.randrange(100000, 999999))
        + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(10))
    )


def _sellers(rng: random.Random, count: int) -> list[tuple[str, str]]:
    names = set()
    while len(names) < count:
        names.add(f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司")
    return [(name, _tax_id(rng)) for name in sorted(names)]


def generate(rows: int, company: Any, reviewer_id: int, seed: int = 7) -> Any:
    """Yield (invoice values, item name) for ``rows`` invoices of one company."""
    rng = random.Random(seed)
    sellers = _sellers(rng, 3000)
    weights = [1.0 / (i + 1) for i in range(len(sellers))]  # a few sellers issue most invoices
    start = dt.date(2023, 1, 1).toordinal()
    span = dt.date(2025, 12, 31).toordinal() - start
    now = dt.datetime.now(dt.UTC)
    chosen = rng.choices(range(len(sellers)), weights=weights, k=rows)
    for i in range(rows):
        day = dt.date.fromordinal(start + rng.randrange(span))
        serial = (i * 791_999_999_999_989 + 1_234_567) % 10**15
        number = f"{day.year % 100:02d}{rng.choice(REGION_CODES)}2{serial:015d}"
        direction = "sales" if rng.random() < 0.2 else "purchase"
        seller_name, seller_tax_id = sellers[chosen[i]]
        buyer_name, buyer_tax_id = company.name, company.tax_id
        if direction == "sales":
            seller_name, seller_tax_id, buyer_name, buyer_tax_id = (
                buyer_name,
                buyer_tax_id,
                seller_name,
                seller_tax_id,
            )
        net = Decimal(rng.randrange(1000, 10_000_000)) / 100
        rate = Decimal("0.06") if rng.random() < 0.6 else Decimal("0.13")
        tax = (net * rate).quantize(Decimal("0.01"))
        roll = rng.random()
        review = "approved" if roll < 0.7 else "pending" if roll < 0.9 else "returned"
        roll = rng.random()
        tax_status = (
            "normal"
            if roll < 0.97
            else "voided"
            if roll < 0.98
            else "red_full"
            if roll < 0.99
            else "abnormal"
        )
        booked = rng.random() < 0.5
        values = {
            "company_id": company.pk,
            "direction": direction,
            "kind": "digital_special" if rng.random() < 0.5 else "digital_ordinary",
            "identity_key": number,
            "number": number,
            "issue_date": day,
            "seller_name": seller_name,
            "seller_tax_id": seller_tax_id,
            "buyer_name": buyer_name,
            "buyer_tax_id": buyer_tax_id,
            "net_amount": net,
            "tax_amount": tax,
            "gross_amount": net + tax,
            "remark": f"项目{rng.randrange(1000)} 出差" if rng.random() < 0.1 else "",
            "review_status": review,
            "tax_status": tax_status,
            "deduction_status": "selected" if direction == "purchase" and booked else "unselected",
            "booking_status": "booked" if booked else "unbooked",
            "voucher_number": f"记-{i}" if booked else "",
            "approved_by_id": reviewer_id if review == "approved" else None,
            "created_at": now,
            "updated_at": now,
        }
        yield values, rng.choice(ITEMS)


# --- child: one database ------------------------------------------------------------------


def _columns(model: Any) -> list[Any]:
    return [f for f in model._meta.concrete_fields if not f.primary_key or f.name != "id"]


def _insert(connection: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _load(rows: int, company: Any, reviewer_id: int, log: Any) -> list[str]:
    from django.db import connection, transaction

    from fapiao.web.invoices.models import InvoiceRecord
    from fapiao.web.search.indexing import entry_data
    from fapiao.web.search.models import SearchEntry

    fields = _columns(InvoiceRecord)
    defaults = {}
    for f in fields:
        default = f.get_default()
        defaults[f.attname] = (
            json.dumps(default) if f.get_internal_type() == "JSONField" else default
        )
    columns = [f.column for f in fields]
    entry_columns = [f.column for f in SearchEntry._meta.concrete_fields]
    numbers: list[str] = []
    started = time.perf_counter()
    with connection.schema_editor() as editor:
        for model in (InvoiceRecord, SearchEntry):
            for index in model._meta.indexes:
                editor.remove_index(model, index)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS search_tokens_gin")
            cursor.execute(
                "ALTER TABLE search_numbervariant DROP CONSTRAINT search_numbervariant_pkey"
            )
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-2000000")
    batch: list[tuple[Any, ...]] = []
    items: list[str] = []
    generated = generate(rows, company, reviewer_id)
    next_id = 1
    while True:
        batch.clear()
        items.clear()
        for values, item in generated:
            row = {**defaults, **values, "id": next_id}
            next_id += 1
            batch.append(tuple(row[f.attname] for f in fields))
            items.append(item)
            numbers.append(values["number"])
            if len(batch) >= 50_000:
                break
        if not batch:
            break
        first_id = next_id - len(batch)
        entries, variants = [], []
        for offset, (row_values, item) in enumerate(zip(batch, items, strict=True)):
            invoice_id = first_id + offset
            values = dict(zip((f.attname for f in fields), row_values, strict=True))
            data = entry_data(values, [item])
            entry = {**data.values, "invoice_id": invoice_id, "tokens": data.tokens}
            entry["indexed_at"] = values["updated_at"]
            entries.append(tuple(entry[c] for c in entry_columns))
            variants.extend((company.pk, key, invoice_id) for key in data.variant_keys)
        variants.sort()
        with transaction.atomic():
            _insert(connection, InvoiceRecord._meta.db_table, ["id", *columns],
                    [(first_id + n, *row) for n, row in enumerate(batch)])  # fmt: skip
            _insert(connection, SearchEntry._meta.db_table, entry_columns, entries)
            _insert(connection, "search_numbervariant", ["company_id", "key", "invoice_id"],
                    variants)  # fmt: skip
        log(f"  loaded {next_id - 1:,} invoices ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{InvoiceRecord._meta.db_table}',"
                           f" 'id'), {next_id})")  # fmt: skip
    log(f"  rows loaded in {time.perf_counter() - started:.0f} s; building indexes")
    with connection.schema_editor() as editor:
        for model in (InvoiceRecord, SearchEntry):
            for index in model._meta.indexes:
                editor.add_index(model, index)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "ALTER TABLE search_numbervariant ADD PRIMARY KEY (company_id, key, invoice_id)"
            )
            cursor.execute(import_module("fapiao.web.search.migrations.0002_fulltext").GIN_POSTGRES)
            cursor.execute("ANALYZE")
        else:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("PRAGMA analysis_limit=2000")
            cursor.execute("ANALYZE")
    log(f"  indexes built ({time.perf_counter() - started:.0f} s in all)")
    return numbers


def _time(client: Any, urls: list[str], repeat: int) -> dict[str, Any]:
    for url in urls[:3]:
        status = client.get(url).status_code
        assert status == 200, f"{url}: HTTP {status}"
    timings = []
    for i in range(repeat):
        url = urls[i % len(urls)]
        begin = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(_percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "samples": repeat,
    }


def _load_test(session_cookie: str, seconds: float, threads: int, env: dict[str, str]) -> dict:
    port = 8765 + os.getpid() % 500
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/accounts/login/")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        deadline = time.perf_counter() + seconds

        def worker() -> tuple[list[float], int]:
            latencies, errors = [], 0
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.perf_counter() < deadline:
                begin = time.perf_counter()
                try:
                    connection.request(
                        "GET", "/invoices/", headers={"Cookie": f"sessionid={session_cookie}"}
                    )
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                latencies.append((time.perf_counter() - begin) * 1000)
                errors += not ok
            return latencies, errors

        begin = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda _: worker(), range(threads)))
        elapsed = time.perf_counter() - begin
    finally:
        server.terminate()
        server.wait(10)
    latencies = [t for lat, _ in results for t in lat]
    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
        "errors": sum(e for _, e in results),
        "threads": threads,
        "seconds": round(elapsed, 1),
    }


def child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from fapiao.web.companies.models import Company, Membership, Role
    from fapiao.web.shell.middleware import COMPANY_SESSION_KEY

    def log(message: str) -> None:
        print(f"[{connection.vendor}] {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    clerk = User.objects.create_user("bench-clerk", password=None)
    reviewer = User.objects.create_user("bench-reviewer", password=None)
    company = Company.objects.create(name="基准测试有限公司", tax_id="91110000BENCH00001")
    Membership.objects.create(user=clerk, company=company, role=Role.CLERK)
    Membership.objects.create(user=reviewer, company=company, role=Role.REVIEWER)
    numbers = _load(args.rows, company, reviewer.pk, log)
    load_s = time.perf_counter() - started

    client = Client()
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[COMPANY_SESSION_KEY] = company.pk
    session.save()
    rng = random.Random(11)

    def typo(number: str) -> str:
        i = rng.randrange(len(number))
        return number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :]

    samples = args.samples
    picks = [numbers[rng.randrange(len(numbers))] for _ in range(samples)]
    keywords = ["bjhy", "cqcj", "住宿", "餐费", "shanghai", "hzxr 科技", "长江", "wxax", "软件",
                "青岛金桥", "91", "出差"]  # fmt: skip
    pages: dict[str, list[str]] = {
        "invoice_list_first_page": ["/invoices/"],
        "invoice_list_filtered": [
            "/invoices/?direction=purchase&review_status=pending",
            "/invoices/?tax_status=voided",
            "/invoices/?issued_from=2025-03-01&issued_to=2025-03-31",
        ],
        "search_keyword": [f"/search/?q={k}" for k in keywords],
        "search_number_typo": [f"/search/?q={typo(n)}" for n in picks],
        "search_filtered": [
            "/search/?q=住宿&review_status=approved&sort=-amount",
            "/search/?region=重庆&tax_status=normal",
            "/search/?amount_min=1000&amount_max=2000&sort=amount",
        ],
    }
    try:
        pages["dashboard"] = [reverse("reports:dashboard")]
    except NoReverseMatch:
        log("  dashboard: reports:dashboard does not exist yet; skipped")
    results: dict[str, Any] = {
        "backend": connection.vendor,
        "rows": args.rows,
        "load_and_index_s": round(load_s, 1),
    }
    for name, urls in pages.items():
        from urllib.parse import quote

        encoded = [quote(u, safe="/?=&") for u in urls]
        try:
            results[name] = _time(client, encoded, samples)
        except AssertionError as exc:
            results[name] = {"error": str(exc)}
        log(f"  {name}: {results[name]}")
    if args.load_seconds > 0:
        results["list_under_load"] = _load_test(
            client.cookies["sessionid"].value, args.load_seconds, args.threads, dict(os.environ)
        )
        log(f"  list under load: {results['list_under_load']}")
    return results


def serve(port: int) -> None:
    import django
    from django.core.handlers.wsgi import WSGIHandler

    django.setup()
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Threading(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    make_server("127.0.0.1", port, WSGIHandler(), Threading, Quiet).serve_forever()


# --- parent ---------------------------------------------------------------------------------


def _postgres(action: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
            if action == "create":
                conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    except psycopg.Error as exc:
        print(f"PostgreSQL not available: {exc}", file=sys.stderr)
        return False
    return True


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="fapiao-bench-") as tmp:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="fapiao.web.settings",
            FAPIAO_DATA_DIR=tmp,
            FAPIAO_TASKS_BACKEND="immediate",
            FAPIAO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        )
        if backend == "postgres":
            if not _postgres("create"):
                return {"backend": backend, "skipped": "PostgreSQL not reachable"}
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        command = [sys.executable, __file__, "--child", "--rows", str(args.rows),
                   "--samples", str(args.samples), "--load-seconds", str(args.load_seconds),
                   "--threads", str(args.threads)]  # fmt: skip
        try:
            done = subprocess.run(command, env=env, capture_output=False, stdout=subprocess.PIPE,
                                  text=True, timeout=args.timeout, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            return {"backend": backend, "error": f"timed out after {args.timeout} s"}
        finally:
            if backend == "postgres":
                _postgres("drop")
        if done.returncode != 0:
            return {"backend": backend, "error": f"exit status {done.returncode}"}
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 invoices")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--samples", type=int, default=60, help="requests timed per page")
    parser.add_argument("--load-seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per database")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    if args.quick:
        args.rows = 100_000
    if args.child:
        print(json.dumps(child(args), ensure_ascii=False))
        return
    results = [run_backend(b.strip(), args) for b in args.backends.split(",") if b.strip()]
    report = {"target_p95_ms": TARGET_MS, "rows": args.rows, "results": results}
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
