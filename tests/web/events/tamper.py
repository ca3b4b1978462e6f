"""Helpers of the audit-trail tests: tamper with the event table as its owner, run the verifier."""

from __future__ import annotations

from typing import Any

from django.db import connection
from typer.testing import CliRunner

from fapiao.cli.main import app

runner = CliRunner()


def tamper_sql(statement: str, params: list[Any] | None = None) -> None:
    """Run ``statement`` with the database owner's rights: the append-only trigger goes first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE events_event DISABLE TRIGGER events_event_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS events_event_append_only")
        cursor.execute(statement, params or [])


def audit_verify(company: Any) -> Any:
    """``fapiao audit verify --company <id>``, as a CliRunner result."""
    return runner.invoke(app, ["audit", "verify", "--company", str(company.pk)])
