"""Audit hash chain: clean chains verify; each kind of tampering names the first bad event."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fapiao.core.audit.chain import (
    EDITED,
    GENESIS_HASH,
    INSERTED,
    MISSING,
    REORDERED,
    SYSTEM_CHAIN,
    ChainHead,
    EventRecord,
    canonical_json,
    chain_event,
    compute_hash,
    format_instant,
    to_json_value,
    verify_all,
    verify_chain,
)
from fapiao.core.findings import Severity

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
KEY = b"k" * 32


def make_chain(n: int, chain_id: str = "7", *, key: bytes | None = None) -> list[EventRecord]:
    records: list[EventRecord] = []
    previous = None
    for i in range(n):
        previous = chain_event(
            previous,
            chain_id=chain_id,
            action="invoice.approve" if i % 2 else "invoice.import",
            created_at=T0 + dt.timedelta(seconds=i),
            actor=str(i % 3),
            object_type="invoice",
            object_id=f"{i:08d}",
            before={"status": "待审核", "gross_amount": Decimal("113.00")},
            after={"status": "已审核", "gross_amount": Decimal(f"{i}.10"), "n": i},
            ip="10.0.0.1",
            key=key,
        )
        records.append(previous)
    return records


def forge(record: EventRecord, *, key: bytes | None = None, **changes: object) -> EventRecord:
    """What an attacker who can write the table does: change fields and recompute the hash."""
    draft = dataclasses.replace(record, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(draft, hash=compute_hash(draft, draft.prev_hash, key=key))


def test_clean_chain_verifies() -> None:
    records = make_chain(50)
    result = verify_chain(records)
    assert result.ok
    assert result.checked == 50
    assert result.head == ChainHead(50, records[-1].hash)
    assert records[0].prev_hash == GENESIS_HASH


def test_empty_chain_verifies() -> None:
    assert verify_chain([]).ok


def test_ten_thousand_events_verify_quickly() -> None:
    records = make_chain(10_000)
    start = time.process_time()  # CPU time: stable on a loaded machine
    result = verify_chain(records)
    elapsed = time.process_time() - start
    assert result.ok
    assert result.checked == 10_000
    assert elapsed < 5.0, f"10,000 events took {elapsed:.2f}s"


@pytest.mark.parametrize("field", ["action", "actor", "object_id", "after", "created_at", "ip"])
def test_edited_row_is_named(field: str) -> None:
    records = make_chain(10)
    value: object = {"status": "作废"} if field == "after" else "x"
    if field == "created_at":
        value = format_instant(T0)
    records[4] = dataclasses.replace(records[4], **{field: value})  # type: ignore[arg-type]
    result = verify_chain(records)
    assert not result.ok
    assert result.problem is not None
    assert (result.problem.code, result.problem.seq) == (EDITED, 5)
    assert result.checked == 4
    assert "#5" in result.problem.message
    assert "edited" in result.problem.message_en


def test_edited_hash_column_is_named() -> None:
    records = make_chain(10)
    records[6] = dataclasses.replace(records[6], hash="f" * 64)
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (EDITED, 7)


def test_garbage_in_the_hash_column_is_an_edit_not_a_crash() -> None:
    records = make_chain(4)
    records[1] = dataclasses.replace(records[1], hash="哈希")
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (EDITED, 2)


def test_edited_row_with_recomputed_hash_is_named() -> None:
    records = make_chain(10)
    records[4] = forge(records[4], after={"status": "已作废"})
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (EDITED, 5)


def test_edited_decimal_amount_is_caught() -> None:
    records = make_chain(5)
    after = dict(records[2].after)
    after["gross_amount"] = "2.11"
    records[2] = dataclasses.replace(records[2], after=after)
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (EDITED, 3)


@pytest.mark.parametrize("index", [0, 4, 8])
def test_deleted_row_is_named(index: int) -> None:
    records = make_chain(10)
    del records[index]
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (MISSING, index + 1)
    assert "deleted" in problem.message_en
    assert "删除" in problem.message


def test_deleted_newest_row_needs_the_head() -> None:
    records = make_chain(10)
    head = ChainHead(10, records[-1].hash)
    assert verify_chain(records[:-1]).ok  # a cut tail alone is invisible ...
    problem = verify_chain(records[:-1], head=head).problem  # ... but not against the head
    assert problem is not None
    assert (problem.code, problem.seq) == (MISSING, 10)


def test_rewritten_newest_row_is_caught_against_the_head() -> None:
    records = make_chain(10)
    head = ChainHead(10, records[-1].hash)
    records[-1] = forge(records[-1], action="invoice.delete")
    assert verify_chain(records).ok
    problem = verify_chain(records, head=head).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (EDITED, 10)


def test_inserted_row_with_a_forged_hash_is_named() -> None:
    records = make_chain(10)
    intruder = forge(records[5], action="invoice.approve", actor="99", object_id="X")
    records.insert(5, intruder)  # shares seq 6 and links to event 5, as a forger would
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (INSERTED, 6)


def test_inserted_row_with_an_unused_seq_is_named() -> None:
    records = make_chain(10)
    intruder = forge(records[5], seq=500)
    records.insert(5, intruder)
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (INSERTED, 500)


def test_inserted_row_without_the_chain_key_is_named() -> None:
    records = make_chain(10, key=KEY)
    intruder = forge(records[3], action="login")  # attacker lacks KEY: plain SHA-256
    records.insert(3, intruder)
    problem = verify_chain(records, key=KEY).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (INSERTED, 4)


def test_row_from_another_chain_is_an_insertion() -> None:
    records = make_chain(6, "7")
    other = make_chain(6, "8")
    records.insert(3, other[3])
    problem = verify_chain(records).problem
    assert problem is not None
    assert problem.code == INSERTED


@pytest.mark.parametrize("index", [0, 3, 8])
def test_reordered_pair_is_named(index: int) -> None:
    records = make_chain(10)
    records[index], records[index + 1] = records[index + 1], records[index]
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (REORDERED, index + 1)
    assert f"#{index + 2}" in problem.message


def test_swapped_seq_values_are_a_reordering() -> None:
    records = make_chain(10)
    a, b = records[3], records[4]
    records[3] = dataclasses.replace(b, seq=a.seq)
    records[4] = dataclasses.replace(a, seq=b.seq)
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (REORDERED, 4)


def test_only_the_first_bad_event_is_named() -> None:
    records = make_chain(20)
    records[2] = dataclasses.replace(records[2], action="x")
    del records[10]
    problem = verify_chain(records).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (EDITED, 3)


def test_keyed_chain_cannot_be_rewritten_without_the_key() -> None:
    records = make_chain(10, key=KEY)
    assert verify_chain(records, key=KEY).ok
    assert not verify_chain(records).ok  # a plain SHA-256 verifier does not accept it
    # the attacker rebuilds the whole chain with plain SHA-256: hashes agree, key says no
    rebuilt: list[EventRecord] = []
    previous_hash = GENESIS_HASH
    for record in records:
        fake = forge(dataclasses.replace(record, prev_hash=previous_hash, actor="mallory"))
        rebuilt.append(fake)
        previous_hash = fake.hash
    assert verify_chain(rebuilt).ok
    problem = verify_chain(rebuilt, key=KEY).problem
    assert problem is not None
    assert (problem.code, problem.seq) == (EDITED, 1)


def test_verify_all_checks_each_chain_on_its_own() -> None:
    a, b, system = make_chain(5, "1"), make_chain(7, "2"), make_chain(3, SYSTEM_CHAIN)
    interleaved = [r for trio in itertools.zip_longest(a, b, system) for r in trio if r]
    mixed = interleaved + a[3:]
    # a[3:] comes again at the end: company 1's events 4 and 5 appear twice
    results = verify_all(mixed)
    assert set(results) == {"1", "2", SYSTEM_CHAIN}
    assert results["2"].ok
    assert results["2"].checked == 7
    assert results[SYSTEM_CHAIN].ok
    problem = results["1"].problem
    assert problem is not None
    assert problem.code == INSERTED


def test_verify_all_with_heads_catches_a_whole_chain_deleted() -> None:
    a = make_chain(3, "1")
    results = verify_all(a, heads={"1": ChainHead(3, a[-1].hash), "2": ChainHead(4, "ab")})
    assert results["1"].ok
    problem = results["2"].problem
    assert problem is not None
    assert (problem.code, problem.seq) == (MISSING, 1)


def test_break_as_finding() -> None:
    records = make_chain(3)
    del records[1]
    problem = verify_chain(records).problem
    assert problem is not None
    finding = problem.as_finding()
    assert finding.severity is Severity.ERROR
    assert finding.code == MISSING
    assert finding.values == {"chain_id": "7", "seq": 2}


def test_canonical_json_is_deterministic_and_keeps_chinese() -> None:
    one = canonical_json({"b": Decimal("1.10"), "a": "销售方", "t": T0})
    two = canonical_json({"t": T0, "a": "销售方", "b": Decimal("1.10")})
    assert one == two
    assert one == '{"a":"销售方","b":"1.10","t":"2026-03-01T08:00:00.000000Z"}'.encode()


def test_instants_in_any_zone_render_as_utc() -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    assert format_instant(T0.astimezone(beijing)) == format_instant(T0)
    with pytest.raises(ValueError):
        format_instant(dt.datetime(2026, 3, 1))


def test_unrecordable_values_are_refused() -> None:
    with pytest.raises(ValueError):
        to_json_value(float("nan"))
    with pytest.raises(ValueError):
        to_json_value(Decimal("NaN"))
    with pytest.raises(TypeError):
        to_json_value(object())


def test_stored_form_verifies_after_a_json_round_trip() -> None:
    import json

    records = make_chain(5)
    stored = [EventRecord.from_dict(json.loads(json.dumps(r.as_dict()))) for r in records]
    assert stored == records
    assert verify_chain(stored).ok


@settings(max_examples=150, deadline=None)
@given(
    length=st.integers(min_value=2, max_value=12),
    where=st.integers(min_value=0),
    how=st.sampled_from(["edit", "edit_rehash", "delete", "insert", "swap"]),
    keyed=st.booleans(),
)
def test_any_single_tampering_is_named_exactly(
    length: int, where: int, how: str, keyed: bool
) -> None:
    key = KEY if keyed else None
    records = make_chain(length, key=key)
    head = ChainHead(records[-1].seq, records[-1].hash)
    i = where % (length - 1 if how == "swap" else length)
    if how == "edit":
        records[i] = dataclasses.replace(records[i], action="invoice.delete")
        expected = (EDITED, i + 1)
    elif how == "edit_rehash":
        records[i] = forge(records[i], key=key, action="invoice.delete")
        expected = (EDITED, i + 1)
    elif how == "delete":
        del records[i]
        expected = (MISSING, i + 1)
    elif how == "insert":
        records.insert(i, forge(records[i], action="login", object_id="X"))  # without the key
        expected = (INSERTED, i + 1)
    else:
        records[i], records[i + 1] = records[i + 1], records[i]
        expected = (REORDERED, i + 1)
    problem = verify_chain(records, key=key, head=head).problem
    assert problem is not None
    assert (problem.code, problem.seq) == expected
