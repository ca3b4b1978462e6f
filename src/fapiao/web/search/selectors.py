"""Reads of the search index: the one search box with filters, sorting and pages.

Every read is scoped to one company: the entry table is filtered by ``company_id`` and the
full-text terms carry the company, so another company's invoice can never appear.  The full-text
branch differs per vendor (SQLite FTS5 ``MATCH``; PostgreSQL ``tsquery`` over the GIN index);
the rest is one ORM query that the ``(company_id, …)`` indexes serve.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import OperationalError, connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import Expression, RawSQL

from fapiao.core.errors import FapiaoError
from fapiao.core.identifiers.regions import Region, lookup
from fapiao.core.search import Query, deletion_variants, is_one_typo, parse_query, variant_key
from fapiao.web.companies.models import Company
from fapiao.web.invoices.models import InvoiceRecord
from fapiao.web.search.indexing import token_prefix
from fapiao.web.search.models import SavedFilter, SearchEntry

SORTS: dict[str, tuple[str, ...]] = {
    "-date": ("-issue_date", "-invoice_id"),
    "date": ("issue_date", "invoice_id"),
    "-amount": ("-gross_amount", "-invoice_id"),
    "amount": ("gross_amount", "invoice_id"),
    "seller": ("seller_name", "invoice_id"),
}
"""排序 (sort orders) by name; the default is newest first."""

MAX_TYPO_CANDIDATES = 200
COMMON_MATCHES = 2000
"""A text matching at least this many invoices is filtered while walking the sort order."""
ALL_MATCHES = 10**9
"""A count limit that every match fits under (counting them all, for readers of every match)."""
COUNT_BUDGET_S = 0.03
"""How long SQLite may count a text's matches before the text is taken as common."""
PROGRESS_STEPS = 1000
PG_COMMON_MATCHES = 5000
"""The same on PostgreSQL by the planner's estimate: below it, walking the date order would test
too many rows per page (at 600 matches in a million, 90,000 rows: seconds)."""


@dataclass(frozen=True, slots=True)
class SearchParams:
    """What the search page asks for: the typed query, filters, sort and page."""

    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    kind: str = ""
    direction: str = ""
    review_status: str = ""
    tax_status: str = ""
    deduction_status: str = ""
    booking_status: str = ""
    region: str = ""
    reviewer_id: int | None = None
    sort: str = "-date"
    page: int = 1
    size: int = 50


@dataclass(slots=True)
class SearchPage:
    """One page of results, in order, and which of them matched only as a number typo."""

    invoices: list[InvoiceRecord]
    page: int
    has_next: bool
    typo_ids: frozenset[int] = field(default_factory=frozenset)


def fts_match(query: Query, company_id: int) -> str:
    """The SQLite FTS5 MATCH expression of a query (every token of every term, ANDed)."""
    prefix = token_prefix(company_id)
    parts = []
    for term in query.terms:
        for i, token in enumerate(term.tokens):
            star = "*" if term.prefix and i == len(term.tokens) - 1 else ""
            parts.append(f'"{prefix}{token}"{star}')
    return " AND ".join(parts)


def pg_tsquery(query: Query, company_id: int) -> str:
    """The PostgreSQL tsquery text of a query (lexemes verbatim, ``:*`` for prefixes)."""
    prefix = token_prefix(company_id)
    parts = []
    for term in query.terms:
        for i, token in enumerate(term.tokens):
            star = ":*" if term.prefix and i == len(term.tokens) - 1 else ""
            lexeme = (prefix + token).replace("\\", "\\\\").replace("'", "''")
            parts.append(f"'{lexeme}'{star}")
    return " & ".join(parts)


def _match_count(query: Query, company_id: int, limit: int) -> int | None:
    """How many entries the text matches, counted up to ``limit`` (SQLite: FTS5 postings).

    None when counting takes longer than ``COUNT_BUDGET_S``: a short prefix (``91``, ``shanghai``)
    expands to thousands of index terms whose merge alone costs seconds, and such a text is common.
    """
    sql = "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)"
    deadline = time.perf_counter() + COUNT_BUDGET_S
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), PROGRESS_STEPS)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [fts_match(query, company_id), limit])
            return int(cursor.fetchone()[0])
    except OperationalError as exc:
        if "interrupted" not in str(exc):
            raise
        return None
    finally:
        raw.set_progress_handler(None, 0)


def _token_tests(query: Query, company_id: int) -> tuple[str, list[str]]:
    """SQL that tests each walked row's own token list (space-separated) for every term token."""
    prefix = token_prefix(company_id)
    tests, params = [], []
    for term in query.terms:
        for i, token in enumerate(term.tokens):
            escaped = (prefix + token).replace("\\", "\\\\").replace("%", "\\%")
            escaped = escaped.replace("_", "\\_")
            last = term.prefix and i == len(term.tokens) - 1
            tests.append("(' ' || {} || ' ') LIKE %s ESCAPE '\\'")
            params.append(f"% {escaped}%" if last else f"% {escaped} %")
    return " AND ".join(tests), params


_PG_MATCHES = (
    "SELECT invoice_id FROM search_searchentry "
    "WHERE array_to_tsvector(string_to_array(tokens, ' ')) @@ %s::tsquery"
)
"""The entries a tsquery matches, through the GIN index on the tokens."""


def _pg_matches(query: Query, company_id: int) -> list[int] | None:
    """The ids a rare text matches, through the GIN index; None when the text is common.

    Whole tokens are judged by PostgreSQL's estimate first (``EXPLAIN``, from the statistics of
    the most common lexemes; no scan), so a token in every tenth invoice never builds a bitmap
    of a hundred thousand rows.  A prefix term is estimated by a fixed guess: it is fetched.
    """
    tsquery = pg_tsquery(query, company_id)
    limit = COMMON_MATCHES
    if not any(term.prefix for term in query.terms):
        if _pg_estimate(tsquery) >= PG_COMMON_MATCHES:
            return None
        limit = PG_COMMON_MATCHES
    with connection.cursor() as cursor:
        cursor.execute(_PG_MATCHES + " LIMIT %s", [tsquery, limit + 1])
        ids = [int(row[0]) for row in cursor.fetchall()]
    return ids if len(ids) <= limit else None


def _pg_estimate(tsquery: str) -> int:
    """PostgreSQL's own estimate of the entries a tsquery matches (``EXPLAIN``: no scan).

    The statistics of the GIN expression (most common lexemes) make it close for common
    tokens, which is all the choice below needs; counting through the GIN index instead costs
    time in proportion to the matches (a bitmap of every one of them).
    """
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + _PG_MATCHES, [tsquery])
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class _OnColumn(Expression):
    """A SQL condition on one column of the row, written ``{}`` in ``sql``.

    The column is compiled for whatever alias the query gives the table (``U0`` inside a
    subquery), which a :class:`RawSQL` naming ``search_searchentry`` cannot do.
    """

    conditional = True

    def __init__(self, column: str, sql: str, params: Sequence[Any]) -> None:
        super().__init__(output_field=BooleanField())
        self.column: Any = F(column)
        self.sql = sql
        self.params = tuple(params)

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        column_sql, column_params = compiler.compile(self.column)
        if column_params:  # a plain column has none; the placeholders below assume so
            raise ValueError(f"column with parameters: {column_sql}")
        return self.sql.replace("{}", column_sql), self.params


@dataclass(frozen=True, slots=True)
class TextMatch:
    """How a text is matched: by the invoice ids it matches (a rare text), or by a test made on
    each entry row while the rows are walked in the sort order (a common one)."""

    ids: list[int] | RawSQL | None = None
    row_test: _OnColumn | None = None
    typo_ids: frozenset[int] = frozenset()
    """Invoices whose number is the typed number with one digit wrong (matched besides)."""

    def on_entries(self) -> Q:
        """The condition on ``SearchEntry`` rows."""
        found = self._ids_in("invoice_id") if self.row_test is None else Q(self.row_test)
        return found | Q(invoice_id__in=sorted(self.typo_ids)) if self.typo_ids else found

    def on_invoices(self, company_id: int) -> Q:
        """The same condition on the company's ``InvoiceRecord`` rows."""
        if self.row_test is None:
            found = self._ids_in("pk")
        else:
            entry = SearchEntry.objects.filter(invoice_id=OuterRef("pk"), company_id=company_id)
            found = Q(Exists(entry.filter(self.row_test)))
        return found | Q(pk__in=sorted(self.typo_ids)) if self.typo_ids else found

    def _ids_in(self, column: str) -> Q:
        if isinstance(self.ids, list) and connection.vendor == "postgresql":
            # thousands of ids as one array parameter, not one placeholder each
            return Q(_OnColumn(column, "{} = ANY(%s)", [self.ids]))
        return Q(**{f"{column}__in": self.ids})


def _text_match(query: Query, company_id: int, *, walk_common: bool = True) -> TextMatch:
    """The full-text condition.  A rare text drives the query from its matches (then sorts
    them); a common one is checked row by row while the sort index is walked, which stops
    after one page instead of sorting every match.

    ``walk_common=False`` is for readers that count or read every match (the API's total, the
    exports): a common text is then matched by id through the full-text index (PostgreSQL's GIN
    index; SQLite's FTS when it yields the set within the count budget), since a token test on
    every row costs far more than the set; only a text that SQLite cannot count in time (a short
    prefix that expands to thousands of terms) is tested by row.
    """
    if connection.vendor == "postgresql":
        ids = _pg_matches(query, company_id)
        if ids is not None:  # rare: the matches by primary key, then sorted
            return TextMatch(ids=ids)
        if not walk_common:  # every match is read: the GIN index yields the set
            matched = RawSQL(_PG_MATCHES, [pg_tsquery(query, company_id)])  # noqa: S611 (constant SQL, values as parameters)
            return TextMatch(ids=matched)
        # `|| ''` hides the test from the GIN index: it is made on the rows walked.
        return TextMatch(
            row_test=_OnColumn(
                "tokens",
                "array_to_tsvector(string_to_array({} || '', ' ')) @@ %s::tsquery",
                [pg_tsquery(query, company_id)],
            )
        )
    limit = COMMON_MATCHES if walk_common else ALL_MATCHES
    count = _match_count(query, company_id, limit)
    if count is None or (walk_common and count >= COMMON_MATCHES):
        # Common: each row walked in the sort order tests its own tokens (no full-text set is
        # built, which for a short prefix means merging thousands of terms), so a page stops
        # the walk early.
        sql, params = _token_tests(query, company_id)
        return TextMatch(row_test=_OnColumn("tokens", sql, params))
    matched = RawSQL(
        "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [fts_match(query, company_id)]
    )
    return TextMatch(ids=matched)


def invoice_text_condition(*, company: Company, text: str) -> Q:
    """The condition on the company's invoices that the search box's ``text`` finds: the same
    invoices as :func:`search_entries` (tokens, pinyin initials, a number with one digit
    wrong), for the pages and exports that read invoices rather than search entries."""
    query = parse_query(text)
    if query.is_empty:
        return Q()
    return _search_match(query, company, walk_common=False).on_invoices(company.pk)


def _search_match(query: Query, company: Company, *, walk_common: bool = True) -> TextMatch:
    """The text's match (see :func:`_text_match`) with the number typos besides."""
    match = _text_match(query, company.pk, walk_common=walk_common)
    if query.number is None:
        return match
    typo_ids = typo_matches(company=company, number=query.number)
    return dataclasses.replace(match, typo_ids=typo_ids)


def typo_matches(*, company: Company, number: str) -> frozenset[int]:
    """Invoices of the company whose number is ``number`` with exactly one digit wrong."""
    keys = sorted({variant_key(v) for v in deletion_variants(number)})
    placeholders = ", ".join(["%s"] * len(keys))
    sql = (
        "SELECT DISTINCT invoice_id FROM search_numbervariant "  # noqa: S608 (placeholders only)
        f"WHERE company_id = %s AND key IN ({placeholders}) LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [company.pk, *keys, MAX_TYPO_CANDIDATES])
        candidates = [row[0] for row in cursor.fetchall()]
    rows = SearchEntry.objects.filter(company=company, pk__in=candidates).values_list(
        "invoice_id", "number"
    )
    return frozenset(pk for pk, found in rows if found != number and is_one_typo(number, found))


def _region(text: str) -> Region | None:
    try:
        return lookup(text)
    except FapiaoError:
        return None


def search_entries(
    *, company: Company, params: SearchParams
) -> tuple[QuerySet[SearchEntry], frozenset[int]]:
    """The company's entries matching the params, sorted; and the ids found only as typos."""
    rows = SearchEntry.objects.filter(company=company)
    for name in ("kind", "direction", "review_status", "tax_status"):
        if value := getattr(params, name):
            rows = rows.filter(**{name: value})
    for name in ("deduction_status", "booking_status"):
        if value := getattr(params, name):
            rows = rows.filter(**{name: value})
    if params.date_from:
        rows = rows.filter(issue_date__gte=params.date_from)
    if params.date_to:
        rows = rows.filter(issue_date__lte=params.date_to)
    if params.amount_min is not None:
        rows = rows.filter(gross_amount__gte=params.amount_min)
    if params.amount_max is not None:
        rows = rows.filter(gross_amount__lte=params.amount_max)
    if params.reviewer_id:
        rows = rows.filter(reviewer_id=params.reviewer_id)
    if params.region:
        region = _region(params.region)
        if region is None:
            rows = rows.none()
        elif region.is_city:
            rows = rows.filter(province=region.province_code, region=region.code)
        else:
            rows = rows.filter(province=region.code)
    query = parse_query(params.q)
    typo_ids: frozenset[int] = frozenset()
    if not query.is_empty:
        match = _search_match(query, company)
        rows = rows.filter(match.on_entries())
        typo_ids = match.typo_ids
    return rows.order_by(*SORTS.get(params.sort, SORTS["-date"])), typo_ids


def invoice_search(*, company: Company, params: SearchParams) -> SearchPage:
    """One page of the company's invoices that match: records in order, no count of all rows."""
    rows, typo_ids = search_entries(company=company, params=params)
    page = max(params.page, 1)
    start = (page - 1) * params.size
    ids = list(rows.values_list("invoice_id", flat=True)[start : start + params.size + 1])
    shown = ids[: params.size]
    records = InvoiceRecord.objects.filter(company=company, pk__in=shown).select_related(
        "approved_by"
    )
    by_id = {record.pk: record for record in records}
    return SearchPage(
        invoices=[by_id[pk] for pk in shown if pk in by_id],
        page=page,
        has_next=len(ids) > params.size,
        typo_ids=frozenset(typo_ids) & frozenset(shown),
    )


def saved_filter_list(*, company: Company, user_id: int) -> QuerySet[SavedFilter]:
    """The user's saved filters in the company, by name."""
    return SavedFilter.objects.filter(company=company, user_id=user_id).order_by("name")


def saved_filter_get(*, company: Company, user_id: int, pk: int) -> SavedFilter:
    """One of the user's saved filters in the company (DoesNotExist otherwise)."""
    return SavedFilter.objects.get(company=company, user_id=user_id, pk=pk)
