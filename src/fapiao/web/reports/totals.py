"""Triggers that keep the dashboard totals (:mod:`.models`) equal to the invoice table.

One trigger per database vendor on ``invoices_invoicerecord``: an inserted row adds its
contribution (one invoice, its amounts in 分) to its ``InvoiceTotal`` and ``PartyTotal`` rows, a
deleted row subtracts it, an updated row subtracts the old and adds the new; rows that reach zero
invoices are removed.  Amounts are rounded to whole 分 per invoice before summing, so the totals
are exact integers on SQLite (whose decimals are floats) and on PostgreSQL.  Because the database
runs them, no write path can forget them: services, ``QuerySet.update``, deletes, bulk loads.
``totals_rebuild`` recomputes both tables from the invoices (the migration's backfill, and the
bulk loader's after it has dropped the triggers for speed).
"""

from __future__ import annotations

from typing import Any

INVOICES = "invoices_invoicerecord"
WATCHED = (
    "company_id",
    "issue_date",
    "direction",
    "review_status",
    "deduction_status",
    "net_amount",
    "tax_amount",
    "gross_amount",
    "seller_tax_id",
    "buyer_tax_id",
)
"""The invoice columns the totals depend on: an update of any other column moves nothing."""

KEY = "company_id, day, direction, review_status, deduction_status"
PARTY_KEY = "company_id, direction, tax_id"


def _day(row: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"coalesce(to_char({row}issue_date, 'YYYY-MM-DD'), '')"
    return f"coalesce({row}issue_date, '')"


def _cents(column: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"round(coalesce({column}, 0) * 100)::bigint"
    return f"CAST(round(coalesce({column}, 0) * 100) AS INTEGER)"


def _party(row: str, column: str = "tax_id") -> str:
    seller, buyer = f"{row}seller_{column}", f"{row}buyer_{column}"
    return f"CASE WHEN {row}direction = 'purchase' THEN {seller} ELSE {buyer} END"


def _apply(row: str, sign: str, vendor: str) -> str:
    """SQL statements that add ``sign`` times the row ``row`` (``NEW.``/``OLD.``/``r.``).

    Adding (sign 1) inserts or updates the totals row; subtracting (sign -1) only updates an
    existing one, then removes it at zero: a delete never creates a row, so when the totals are
    already gone (a cascade from the company, a flush) it changes nothing and breaks no key.
    """
    day = _day(row, vendor)
    cents = {c: f"{sign} * {_cents(row + c + '_amount', vendor)}" for c in ("net", "tax", "gross")}
    party, name = _party(row), _party(row, "name")
    same_total = (
        f"company_id = {row}company_id AND day = {day} AND direction = {row}direction "
        f"AND review_status = {row}review_status AND deduction_status = {row}deduction_status"
    )
    same_party = f"company_id = {row}company_id AND direction = {row}direction AND tax_id = {party}"
    return f"""
INSERT INTO reports_invoicetotal ({KEY}, count, net_cents, tax_cents, gross_cents)
SELECT {row}company_id, {day}, {row}direction, {row}review_status, {row}deduction_status,
       {sign}, {cents["net"]}, {cents["tax"]}, {cents["gross"]} WHERE {sign} > 0
ON CONFLICT ({KEY}) DO UPDATE SET count = reports_invoicetotal.count + excluded.count,
    net_cents = reports_invoicetotal.net_cents + excluded.net_cents,
    tax_cents = reports_invoicetotal.tax_cents + excluded.tax_cents,
    gross_cents = reports_invoicetotal.gross_cents + excluded.gross_cents;
UPDATE reports_invoicetotal SET count = count + {sign}, net_cents = net_cents + {cents["net"]},
    tax_cents = tax_cents + {cents["tax"]}, gross_cents = gross_cents + {cents["gross"]}
    WHERE {sign} < 0 AND {same_total};
DELETE FROM reports_invoicetotal WHERE {sign} < 0 AND count <= 0 AND {same_total};
INSERT INTO reports_partytotal ({PARTY_KEY}, name, count, gross_cents)
SELECT {row}company_id, {row}direction, {party}, {name}, {sign}, {cents["gross"]} WHERE {sign} > 0
ON CONFLICT ({PARTY_KEY}) DO UPDATE SET count = reports_partytotal.count + excluded.count,
    gross_cents = reports_partytotal.gross_cents + excluded.gross_cents,
    name = CASE WHEN reports_partytotal.name = '' THEN excluded.name
                ELSE reports_partytotal.name END;
UPDATE reports_partytotal SET count = count + {sign}, gross_cents = gross_cents + {cents["gross"]}
    WHERE {sign} < 0 AND {same_party};
DELETE FROM reports_partytotal WHERE {sign} < 0 AND count <= 0 AND {same_party};
"""  # noqa: S608 (constants and column names only)


LINES = "invoices_invoicelinerecord"
RATE_KEY = "company_id, day, direction, tax_rate"
LINE_WATCHED = ("invoice_id", "net_amount", "tax_amount", "tax_rate")
MOVE_WATCHED = ("company_id", "issue_date", "direction")
_RATE_UPSERT = f"""ON CONFLICT ({RATE_KEY}) DO UPDATE SET
    count = reports_ratetotal.count + excluded.count,
    net_cents = reports_ratetotal.net_cents + excluded.net_cents,
    tax_cents = reports_ratetotal.tax_cents + excluded.tax_cents"""


def _line_add(row: str, vendor: str) -> str:
    """Add the line ``row`` (``NEW.``) to the rate totals of its invoice."""
    net, tax = _cents(row + "net_amount", vendor), _cents(row + "tax_amount", vendor)
    return f"""
INSERT INTO reports_ratetotal ({RATE_KEY}, count, net_cents, tax_cents)
SELECT i.company_id, {_day("i.", vendor)}, i.direction, {row}tax_rate, 1, {net}, {tax}
FROM {INVOICES} i WHERE i.id = {row}invoice_id
{_RATE_UPSERT};
"""  # noqa: S608 (constants and column names only)


def _line_subtract(row: str, vendor: str) -> str:
    """Take the line ``row`` (``OLD.``) out of its invoice's rate totals (never inserts)."""
    net, tax = _cents(row + "net_amount", vendor), _cents(row + "tax_amount", vendor)
    invoice = f"SELECT i.company_id, {_day('i.', vendor)}, i.direction FROM {INVOICES} i"  # noqa: S608
    key = f"tax_rate = {row}tax_rate AND (company_id, day, direction) IN ({invoice} WHERE "
    key += f"i.id = {row}invoice_id)"
    return f"""
UPDATE reports_ratetotal SET count = reports_ratetotal.count - 1,
    net_cents = reports_ratetotal.net_cents - {net}, tax_cents = reports_ratetotal.tax_cents - {tax}
    WHERE {key};
DELETE FROM reports_ratetotal WHERE count <= 0 AND {key};
"""  # noqa: S608 (constants and column names only)


def _invoice_move(vendor: str) -> str:
    """Move an updated invoice's lines from its old (company, day, direction) to the new one."""
    old_key = (
        f"company_id = OLD.company_id AND day = {_day('OLD.', vendor)} "
        "AND direction = OLD.direction"
    )
    net, tax = _cents("l.net_amount", vendor), _cents("l.tax_amount", vendor)
    same = f"FROM {LINES} l WHERE l.invoice_id = OLD.id AND l.tax_rate = reports_ratetotal.tax_rate"
    return f"""
UPDATE reports_ratetotal SET
    count = reports_ratetotal.count - (SELECT count(*) {same}),
    net_cents = reports_ratetotal.net_cents - (SELECT coalesce(sum({net}), 0) {same}),
    tax_cents = reports_ratetotal.tax_cents - (SELECT coalesce(sum({tax}), 0) {same})
    WHERE {old_key} AND tax_rate IN (SELECT tax_rate FROM {LINES} WHERE invoice_id = OLD.id);
DELETE FROM reports_ratetotal WHERE count <= 0 AND {old_key};
INSERT INTO reports_ratetotal ({RATE_KEY}, count, net_cents, tax_cents)
SELECT NEW.company_id, {_day("NEW.", vendor)}, NEW.direction, l.tax_rate, count(*),
       sum({net}), sum({tax})
FROM {LINES} l WHERE l.invoice_id = NEW.id GROUP BY l.tax_rate
{_RATE_UPSERT};
"""  # noqa: S608 (constants and column names only)


def _moved(vendor: str) -> str:
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in MOVE_WATCHED)


def _sqlite_rate_triggers() -> list[str]:
    line_watched, move_watched = ", ".join(LINE_WATCHED), ", ".join(MOVE_WATCHED)
    return [
        f"CREATE TRIGGER reports_rates_insert AFTER INSERT ON {LINES} BEGIN"
        f"{_line_add('NEW.', 'sqlite')}END",
        f"CREATE TRIGGER reports_rates_delete AFTER DELETE ON {LINES} BEGIN"
        f"{_line_subtract('OLD.', 'sqlite')}END",
        f"CREATE TRIGGER reports_rates_update AFTER UPDATE OF {line_watched} ON {LINES} BEGIN"
        f"{_line_subtract('OLD.', 'sqlite')}{_line_add('NEW.', 'sqlite')}END",
        f"CREATE TRIGGER reports_rates_move AFTER UPDATE OF {move_watched} ON {INVOICES} "
        f"WHEN {_moved('sqlite')} BEGIN{_invoice_move('sqlite')}END",
    ]


def _postgres_rate_triggers() -> list[str]:
    line_watched, move_watched = ", ".join(LINE_WATCHED), ", ".join(MOVE_WATCHED)
    pg = "postgresql"
    return [
        "CREATE OR REPLACE FUNCTION reports_rates_line_trigger() RETURNS trigger "
        "LANGUAGE plpgsql AS $body$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {_line_subtract('OLD.', pg)} END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_line_add('NEW.', pg)} END IF; "
        "RETURN NULL; END $body$",
        f"CREATE TRIGGER reports_rates_lines AFTER INSERT OR DELETE OR UPDATE OF {line_watched} "
        f"ON {LINES} FOR EACH ROW EXECUTE FUNCTION reports_rates_line_trigger()",
        "CREATE OR REPLACE FUNCTION reports_rates_move_trigger() RETURNS trigger "
        f"LANGUAGE plpgsql AS $body$ BEGIN {_invoice_move(pg)} RETURN NULL; END $body$",
        f"CREATE TRIGGER reports_rates_move AFTER UPDATE OF {move_watched} ON {INVOICES} "
        f"FOR EACH ROW WHEN ({_moved(pg)}) EXECUTE FUNCTION reports_rates_move_trigger()",
    ]


def _sqlite_triggers() -> list[str]:
    watched = ", ".join(WATCHED)
    return [
        f"CREATE TRIGGER reports_totals_insert AFTER INSERT ON {INVOICES} BEGIN"
        f"{_apply('NEW.', '1', 'sqlite')}END",
        f"CREATE TRIGGER reports_totals_delete AFTER DELETE ON {INVOICES} BEGIN"
        f"{_apply('OLD.', '-1', 'sqlite')}END",
        f"CREATE TRIGGER reports_totals_update AFTER UPDATE OF {watched} ON {INVOICES} BEGIN"
        f"{_apply('OLD.', '-1', 'sqlite')}{_apply('NEW.', '1', 'sqlite')}END",
    ]


def _postgres_triggers() -> list[str]:
    watched = ", ".join(WATCHED)
    return [
        f"CREATE OR REPLACE FUNCTION reports_totals_add(r {INVOICES}, s integer) RETURNS void "
        f"LANGUAGE sql AS $body${_apply('r.', 's', 'postgresql')}$body$",
        "CREATE OR REPLACE FUNCTION reports_totals_trigger() RETURNS trigger LANGUAGE plpgsql AS "
        "$body$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN PERFORM reports_totals_add(OLD, -1); END IF; "
        "IF TG_OP <> 'DELETE' THEN PERFORM reports_totals_add(NEW, 1); END IF; "
        "RETURN NULL; END $body$",
        f"CREATE TRIGGER reports_totals AFTER INSERT OR DELETE OR UPDATE OF {watched} "
        f"ON {INVOICES} FOR EACH ROW EXECUTE FUNCTION reports_totals_trigger()",
    ]


def _vendor(connection: Any) -> str:
    vendor: str = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"dashboard totals: unsupported database {vendor}")
    return vendor


def triggers_create(connection: Any, *, rates: bool = True) -> None:
    """Create the triggers (and on PostgreSQL their functions); ``rates``: the tax-rate ones too
    (migrations before the rate table pass False)."""
    postgres = _vendor(connection) == "postgresql"
    statements = _postgres_triggers() if postgres else _sqlite_triggers()
    if rates:
        statements += _postgres_rate_triggers() if postgres else _sqlite_rate_triggers()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def triggers_drop(connection: Any) -> None:
    """Remove the triggers (the tables stay; ``totals_rebuild`` refills them)."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS reports_totals ON {INVOICES}")
            cursor.execute("DROP FUNCTION IF EXISTS reports_totals_trigger()")
            cursor.execute(f"DROP FUNCTION IF EXISTS reports_totals_add({INVOICES}, integer)")
            cursor.execute(f"DROP TRIGGER IF EXISTS reports_rates_lines ON {LINES}")
            cursor.execute(f"DROP TRIGGER IF EXISTS reports_rates_move ON {INVOICES}")
            cursor.execute("DROP FUNCTION IF EXISTS reports_rates_line_trigger()")
            cursor.execute("DROP FUNCTION IF EXISTS reports_rates_move_trigger()")
        else:
            for name in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS reports_totals_{name}")
            for name in ("insert", "delete", "update", "move"):
                cursor.execute(f"DROP TRIGGER IF EXISTS reports_rates_{name}")


def totals_rebuild(connection: Any, company_id: int | None = None, *, rates: bool = True) -> None:
    """Recompute the totals of one company (or of all) from the invoice and line tables."""
    vendor = _vendor(connection)
    day = _day("", vendor)
    party = _party("")
    where, params = ("WHERE company_id = %s", [company_id]) if company_id is not None else ("", [])
    cents = {c: f"sum({_cents(c + '_amount', vendor)})" for c in ("net", "tax", "gross")}
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM reports_invoicetotal {where}", params)  # noqa: S608
        cursor.execute(f"DELETE FROM reports_partytotal {where}", params)  # noqa: S608
        cursor.execute(
            f"INSERT INTO reports_invoicetotal ({KEY}, count, net_cents, tax_cents, gross_cents) "  # noqa: S608
            f"SELECT company_id, {day}, direction, review_status, deduction_status, count(*), "
            f"{cents['net']}, {cents['tax']}, {cents['gross']} FROM {INVOICES} {where} "
            f"GROUP BY company_id, {day}, direction, review_status, deduction_status",
            params,
        )
        cursor.execute(
            f"INSERT INTO reports_partytotal ({PARTY_KEY}, name, count, gross_cents) "  # noqa: S608
            f"SELECT company_id, direction, {party}, max({_party('', 'name')}), count(*), "
            f"{cents['gross']} "
            f"FROM {INVOICES} {where} GROUP BY company_id, direction, {party}",
            params,
        )
        if rates:
            _rates_rebuild(cursor, vendor, company_id)


def _rates_rebuild(cursor: Any, vendor: str, company_id: int | None) -> None:
    where, params = (
        ("WHERE i.company_id = %s", [company_id]) if company_id is not None else ("", [])
    )
    net, tax = _cents("l.net_amount", vendor), _cents("l.tax_amount", vendor)
    day = _day("i.", vendor)
    where_company = " WHERE company_id = %s" if company_id is not None else ""
    cursor.execute(f"DELETE FROM reports_ratetotal{where_company}", params)  # noqa: S608
    cursor.execute(
        f"INSERT INTO reports_ratetotal ({RATE_KEY}, count, net_cents, tax_cents) "  # noqa: S608
        f"SELECT i.company_id, {day}, i.direction, l.tax_rate, count(*), sum({net}), sum({tax}) "
        f"FROM {LINES} l JOIN {INVOICES} i ON i.id = l.invoice_id {where} "
        f"GROUP BY i.company_id, {day}, i.direction, l.tax_rate",
        params,
    )
