"""Seeding for ``bench/web.py``: a million invoices of one company, written with bulk SQL.

``generate`` draws the invoices (a few sellers issue most of them, 20 % sales, three years of
dates); ``load`` writes them and their search entries in batches of 50,000 rows: ``executemany``
on SQLite, ``COPY`` on PostgreSQL.  The secondary indexes, the full-text index, the typo-variant
key and the dashboard-totals triggers are removed during the load and rebuilt once after it (the
same SQL the migrations run), which is what makes a million rows take minutes instead of hours.
Invoice lines are not written (no measured page reads them; item words are in the index).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib import import_module
from typing import Any

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
BATCH = 50_000

Log = Callable[[str], None]


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


def generate(rows: int, company: Any, reviewer_id: int, seed: int = 7) -> Iterator[Any]:
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


def _models() -> tuple[Any, ...]:
    from fapiao.web.invoices.models import InvoiceRecord
    from fapiao.web.search.models import SearchEntry

    return InvoiceRecord, SearchEntry


def _before(connection: Any) -> None:
    """Drop what a bulk load would maintain row by row (rebuilt by ``_after``)."""
    from fapiao.web.reports import totals

    totals.triggers_drop(connection)
    with connection.schema_editor() as editor:
        for model in _models():
            for index in model._meta.indexes:
                editor.remove_index(model, index)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS search_tokens_gin")
            cursor.execute(
                "ALTER TABLE search_numbervariant DROP CONSTRAINT search_numbervariant_pkey"
            )
        else:
            cursor.execute("PRAGMA cache_size=-1000000")
            cursor.execute("PRAGMA synchronous=OFF")


def _after(connection: Any, log: Log) -> None:
    from fapiao.web.reports import totals

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '1GB'")
    with connection.schema_editor() as editor:
        for model in _models():
            for index in model._meta.indexes:
                editor.add_index(model, index)
    log(f"  b-tree indexes built ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE search_numbervariant ADD PRIMARY KEY (company_id, key, invoice_id)"
            )
            cursor.execute(import_module("fapiao.web.search.migrations.0002_fulltext").GIN_POSTGRES)
        else:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    log(f"  full-text index built ({time.perf_counter() - started:.0f} s)")
    totals.triggers_create(connection)
    totals.totals_rebuild(connection)
    log(f"  dashboard totals built ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE)")  # the visibility map: index-only scans
        else:
            cursor.execute("PRAGMA analysis_limit=2000")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA synchronous=NORMAL")


def load(rows: int, company: Any, reviewer_id: int, log: Log) -> None:
    """Write ``rows`` invoices of the company and their search entries; rebuild the indexes."""
    from django.db import connection, transaction

    from fapiao.web.search.indexing import entry_data

    invoice_model, entry_model = _models()
    fields = _columns(invoice_model)
    defaults = {}
    for f in fields:
        default = f.get_default()
        defaults[f.attname] = (
            json.dumps(default) if f.get_internal_type() == "JSONField" else default
        )
    columns = ["id", *(f.column for f in fields)]
    entry_columns = [f.column for f in entry_model._meta.concrete_fields]
    started = time.perf_counter()
    _before(connection)
    generated = generate(rows, company, reviewer_id)
    next_id = 1
    while True:
        batch: list[tuple[Any, ...]] = []
        entries: list[tuple[Any, ...]] = []
        variants: list[tuple[int, int, int]] = []
        for values, item in generated:
            row = {**defaults, **values, "id": next_id}
            batch.append(tuple(row[c] for c in ("id", *(f.attname for f in fields))))
            data = entry_data(values, [item])
            entry = {**data.values, "invoice_id": next_id, "tokens": data.tokens}
            entry["indexed_at"] = values["updated_at"]
            entries.append(tuple(entry[c] for c in entry_columns))
            variants.extend((company.pk, key, next_id) for key in data.variant_keys)
            next_id += 1
            if len(batch) >= BATCH:
                break
        if not batch:
            break
        variants.sort()
        with transaction.atomic():
            _insert(connection, invoice_model._meta.db_table, columns, batch)
            _insert(connection, entry_model._meta.db_table, entry_columns, entries)
            _insert(connection, "search_numbervariant", ["company_id", "key", "invoice_id"],
                    variants)  # fmt: skip
        log(f"  loaded {next_id - 1:,} invoices ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            table = invoice_model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {next_id})")
    log(f"  rows loaded in {time.perf_counter() - started:.0f} s; building indexes")
    _after(connection, log)
    log(f"  seeded in {time.perf_counter() - started:.0f} s")
