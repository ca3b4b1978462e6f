"""Chain heads kept outside the database: a rewritten or truncated event table is named."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection, transaction
from typer.testing import CliRunner

from fapiao.cli.main import app
from fapiao.core.audit.chain import GENESIS_HASH
from fapiao.core.crypto.keyring import Keyring, MasterKey
from fapiao.web.events.chain import chain_verify, event_hash
from fapiao.web.events.head import (
    HEAD_ALTERED,
    REWRITTEN,
    TRUNCATED,
    chain_verify_all_with_heads,
    chain_verify_with_head,
    head_file_path,
    head_line,
    heads_read,
)
from fapiao.web.events.models import Event
from fapiao.web.events.services import event_record
from web.events.tamper import audit_verify as _verify
from web.events.tamper import tamper_sql as _sql

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _trail(company: Any, user: Any, capture: Any, count: int = 5) -> list[Event]:
    with capture(execute=True):
        return [
            event_record(
                company=company,
                actor=user,
                action=f"test.step{n}",
                obj=company,
                before=None,
                after={"n": n, "amount": "100.10"},
            )
            for n in range(count)
        ]


def _json(value: Any) -> Any:
    return Event._meta.get_field("after").get_db_prep_value(value, connection)


def test_each_committed_event_appends_a_signed_head(
    company, user, django_capture_on_commit_callbacks
):
    events = _trail(company, user, django_capture_on_commit_callbacks)
    lines = head_file_path().read_text(encoding="ascii").splitlines()
    assert len(lines) == 5
    assert lines[-1].split(" ")[1:4] == [str(company.pk), "5", events[-1].hash]
    assert oct(head_file_path().stat().st_mode & 0o777) == "0o600"
    read = heads_read()
    assert read.heads[str(company.pk)].seq == 5
    assert read.altered == []
    assert chain_verify_with_head(company.pk).ok
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_the_newest_events_cut_from_the_table_are_named(
    company, user, django_capture_on_commit_callbacks
):
    _trail(company, user, django_capture_on_commit_callbacks)
    _sql("DELETE FROM events_event WHERE company_id = %s AND seq >= 4", [company.pk])
    assert chain_verify(company.pk).ok  # the shorter chain still holds together
    result = chain_verify_with_head(company.pk)
    assert result.problem is not None
    assert (result.problem.code, result.problem.seq) == (TRUNCATED, 4)
    cli = _verify(company)
    assert cli.exit_code == 1
    assert TRUNCATED in cli.output
    assert "truncated after #3" in cli.output
    assert "#5" in cli.output


def test_a_chain_deleted_whole_is_named(company, user, django_capture_on_commit_callbacks):
    _trail(company, user, django_capture_on_commit_callbacks, count=2)
    _sql("DELETE FROM events_event WHERE company_id = %s", [company.pk])
    results = chain_verify_all_with_heads()
    problem = results[str(company.pk)].problem
    assert problem is not None
    assert (problem.code, problem.seq) == (TRUNCATED, 1)


def test_a_table_rewritten_with_consistent_hashes_is_named(
    company, user, django_capture_on_commit_callbacks
):
    _trail(company, user, django_capture_on_commit_callbacks)
    rows = list(
        Event.objects.filter(company=company)
        .order_by("seq")
        .values(
            "id",
            "seq",
            "company_id",
            "created_at",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "ip",
        )
    )
    rows[1]["after"] = {"n": 1, "amount": "999999.00"}  # the forger's change
    prev = GENESIS_HASH
    for row in rows:  # every hash recomputed: the chain alone cannot tell
        digest = event_hash(row, prev)
        _sql(
            "UPDATE events_event SET after = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [_json(row["after"]), prev, digest, row["id"]],
        )
        prev = digest
    assert chain_verify(company.pk).ok
    result = chain_verify_with_head(company.pk)
    assert result.problem is not None
    assert (result.problem.code, result.problem.seq) == (REWRITTEN, 5)
    cli = _verify(company)
    assert cli.exit_code == 1
    assert "rewritten" in cli.output


def test_an_edited_head_file_is_caught(company, user, django_capture_on_commit_callbacks):
    _trail(company, user, django_capture_on_commit_callbacks, count=2)
    path = head_file_path()
    lines = path.read_text(encoding="ascii").splitlines()
    parts = lines[-1].split(" ")
    parts[2] = "9"  # pretend the chain was longer, without the master key
    path.write_text("\n".join([*lines, " ".join(parts)]) + "\n", encoding="ascii")
    read = heads_read()
    assert read.altered == [3]
    assert read.heads[str(company.pk)].seq == 2  # the forged line is not believed
    cli = _verify(company)
    assert cli.exit_code == 1
    assert HEAD_ALTERED in cli.output
    assert "Line 3" in cli.output


def test_lines_of_a_retired_master_key_are_skipped_not_alarmed(company, user):
    retired = Keyring((MasterKey("old", bytes(range(32))),))
    path = head_file_path()
    path.write_text(head_line(retired, str(company.pk), 99, "0" * 64), encoding="ascii")
    read = heads_read()
    assert (read.unchecked, read.altered, read.heads) == (1, [], {})
    cli = _verify(company)
    assert cli.exit_code == 0, cli.output
    assert "not checked" in cli.output


def _record_then_fail(company: Any, user: Any) -> None:
    with transaction.atomic():
        event_record(company=company, actor=user, action="b", obj=company, before=None, after=None)
        raise RuntimeError


def test_an_event_rolled_back_leaves_no_head(company, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event_record(company=company, actor=user, action="a", obj=company, before=None, after=None)
        with pytest.raises(RuntimeError):
            _record_then_fail(company, user)
    assert [line.split(" ")[2] for line in head_file_path().read_text().splitlines()] == ["1"]
    assert chain_verify_with_head(company.pk).ok


def test_a_head_that_cannot_be_written_is_logged_and_the_event_stays(
    company, user, django_capture_on_commit_callbacks, monkeypatch, tmp_path, caplog
):
    monkeypatch.setenv("FAPIAO_AUDIT_HEAD_FILE", str(tmp_path / "missing-dir" / "heads.log"))
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        event = event_record(
            company=company, actor=user, action="a", obj=company, before=None, after=None
        )
    assert Event.objects.filter(pk=event.pk).exists()
    assert "audit head of chain" in caplog.text


def test_events_written_in_bulk_note_their_head(company, user, django_capture_on_commit_callbacks):
    from fapiao.web.events.bulk import EventEntry, event_record_many

    entries = [
        EventEntry(actor=user, action=f"test.bulk{n}", obj=company, before=None, after={"n": n})
        for n in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert event_record_many(company=company, entries=entries) == 3
    assert heads_read().heads[str(company.pk)].seq == 3
    _sql("DELETE FROM events_event WHERE company_id = %s AND seq = 3", [company.pk])
    result = chain_verify_with_head(company.pk)
    assert result.problem is not None
    assert (result.problem.code, result.problem.seq) == (TRUNCATED, 3)
