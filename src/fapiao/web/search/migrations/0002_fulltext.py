"""Full-text index and typo-variant table, per database vendor (raw SQL).

SQLite: an FTS5 table over ``search_searchentry.tokens`` (external content, rowid = invoice id,
``unicode61`` tokenizer: each space-separated token is one term; the tokens carry their company)
and a ``WITHOUT ROWID`` variant table.  PostgreSQL: a GIN index over the tokens taken verbatim
as lexemes (``array_to_tsvector``: no parser, no stemming, so Chinese bigrams survive any
``lc_ctype``) and the variant table with its primary key.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

VARIANTS_SQLITE = (
    "CREATE TABLE search_numbervariant (company_id INTEGER NOT NULL, key INTEGER NOT NULL, "
    "invoice_id INTEGER NOT NULL, PRIMARY KEY (company_id, key, invoice_id)) WITHOUT ROWID"
)
VARIANTS_POSTGRES = (
    "CREATE TABLE search_numbervariant (company_id bigint NOT NULL, key bigint NOT NULL, "
    "invoice_id bigint NOT NULL, PRIMARY KEY (company_id, key, invoice_id))"
)
FTS_SQLITE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_searchentry', "
    "content_rowid='invoice_id', tokenize='unicode61 remove_diacritics 0', detail='none')"
)
GIN_POSTGRES = (
    "CREATE INDEX search_tokens_gin ON search_searchentry "
    "USING gin (array_to_tsvector(string_to_array(tokens, ' ')))"
)


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(VARIANTS_SQLITE)
        schema_editor.execute(FTS_SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(VARIANTS_POSTGRES)
        schema_editor.execute(GIN_POSTGRES)
    else:
        raise NotImplementedError(f"search index: unsupported database {vendor}")


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DROP TABLE IF EXISTS search_numbervariant")
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    else:
        schema_editor.execute("DROP INDEX IF EXISTS search_tokens_gin")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
