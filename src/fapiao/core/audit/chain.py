"""事件哈希链 (hash-chained event trail): every event row carries the hash of the one before it.

One chain per company plus one ``system`` chain.  An event's hash is SHA-256 (or, given a key,
HMAC-SHA256) over a domain tag and the canonical JSON of all its fields including ``prev_hash``:
sorted keys, no spaces, UTF-8 (``ensure_ascii=False``), ``Decimal`` as ``str``, instants as UTC
``YYYY-MM-DDTHH:MM:SS.ffffffZ``.  Editing, deleting, inserting or swapping rows then breaks the
chain at a point :func:`verify_chain` names.  Without a key, someone who can rewrite the whole
table can also recompute every hash; with a key kept outside the database they cannot.  Deleting
the newest events is only visible against a head (seq and hash) recorded elsewhere.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import math
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from fapiao.core.findings import Finding, error

GENESIS_HASH = "0" * 64
SYSTEM_CHAIN = "system"
_DOMAIN = b"fapiao/audit/v1\n"

EDITED = "audit.edited"
MISSING = "audit.missing"
INSERTED = "audit.inserted"
REORDERED = "audit.reordered"


def format_instant(moment: dt.datetime) -> str:
    """An aware instant as fixed-width UTC ISO 8601 with microseconds and ``Z``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an event time must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_json_value(value: Any) -> Any:
    """The JSON-native form of ``value`` that is both hashed and stored, so both agree."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and infinity cannot be recorded")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("NaN and infinity cannot be recorded")
        return str(value)
    if isinstance(value, dt.datetime):
        return format_instant(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return to_json_value(value.value)
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    raise TypeError(f"cannot record a value of type {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """Deterministic UTF-8 JSON: sorted keys, no spaces, no ASCII escaping, no NaN."""
    return json.dumps(
        to_json_value(value),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


@dataclass(frozen=True, slots=True)
class EventRecord:
    """事件 (event) as the chain sees it: who did what to which object, linked to the previous."""

    seq: int
    chain_id: str
    created_at: str
    actor: str | None
    action: str
    object_type: str = ""
    object_id: str = ""
    before: Any = None
    after: Any = None
    ip: str | None = None
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def content(self) -> dict[str, Any]:
        """Every field except ``hash``: what the hash covers."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "hash"}

    def as_dict(self) -> dict[str, Any]:
        """All fields, JSON-ready."""
        return {**to_json_value(self.content()), "hash": self.hash}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EventRecord:
        """Read a record back from ``as_dict`` output (or a database row as a mapping)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def compute_hash(record: EventRecord, prev_hash: str, *, key: bytes | None = None) -> str:
    """Hex SHA-256 (HMAC-SHA256 with ``key``) of the record's content linked to ``prev_hash``."""
    content = record.content()
    content["prev_hash"] = prev_hash
    message = _DOMAIN + canonical_json(content)
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def chain_event(
    previous: EventRecord | None,
    *,
    chain_id: str,
    action: str,
    created_at: dt.datetime,
    actor: str | None = None,
    object_type: str = "",
    object_id: str = "",
    before: Any = None,
    after: Any = None,
    ip: str | None = None,
    key: bytes | None = None,
) -> EventRecord:
    """The next event of a chain, numbered and hashed (``previous`` is None for the first)."""
    if previous is not None and previous.chain_id != chain_id:
        raise ValueError(f"previous event is in chain {previous.chain_id}, not {chain_id}")
    draft = EventRecord(
        seq=previous.seq + 1 if previous else 1,
        chain_id=chain_id,
        created_at=format_instant(created_at),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=to_json_value(before),
        after=to_json_value(after),
        ip=ip,
        prev_hash=previous.hash if previous else GENESIS_HASH,
    )
    return EventRecord(**{**draft.content(), "hash": compute_hash(draft, draft.prev_hash, key=key)})


@dataclass(frozen=True, slots=True)
class ChainHead:
    """链头 (chain head): the last seq and hash, recorded outside the table to catch tail cuts."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first bad event of a chain: its seq, a stable code and what happened."""

    code: str
    chain_id: str
    seq: int
    message: str
    message_en: str

    def as_finding(self) -> Finding:
        """The break as an error finding."""
        return error(
            self.code,
            self.message,
            self.message_en,
            values={"chain_id": self.chain_id, "seq": self.seq},
        )


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of checking one chain: how many events held, and the first break if any."""

    chain_id: str
    checked: int
    head: ChainHead | None
    problem: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        """Whether the chain is intact."""
        return self.problem is None


def _break(code: str, chain_id: str, seq: int, other: int | None = None) -> ChainBreak:
    where = f"（链 {chain_id}）"
    where_en = f" (chain {chain_id})"
    if code == EDITED:
        text = f"事件 #{seq} 与其哈希不符：该事件已被修改{where}"
        text_en = f"Event #{seq} does not match its hash: it was edited{where_en}"
    elif code == MISSING:
        text = f"事件 #{seq} 缺失：该事件已被删除{where}"
        text_en = f"Event #{seq} is missing: it was deleted{where_en}"
    elif code == INSERTED:
        text = f"事件 #{seq} 不属于该链：该事件是后来插入的{where}"
        text_en = f"Event #{seq} does not belong to the chain: it was inserted{where_en}"
    else:
        text = f"事件 #{seq} 与 #{other} 的顺序被调换{where}"
        text_en = f"Events #{seq} and #{other} were swapped{where_en}"
    return ChainBreak(code, chain_id, seq, text, text_en)


def _self_ok(record: EventRecord, chain_id: str, key: bytes | None) -> bool:
    if record.chain_id != chain_id:
        return False
    expected = compute_hash(record, record.prev_hash, key=key)
    return hmac.compare_digest(expected.encode(), str(record.hash).encode())


def _diagnose(
    record: EventRecord,
    following: EventRecord | None,
    last: EventRecord | None,
    chain_id: str,
    key: bytes | None,
) -> ChainBreak:
    """Name the first bad event, given that ``record`` does not continue the chain."""
    expected_seq = last.seq + 1 if last else 1
    expected_prev = last.hash if last else GENESIS_HASH
    self_ok = _self_ok(record, chain_id, key)
    if (
        following is not None
        and record.prev_hash == following.hash
        and following.prev_hash == expected_prev
    ):
        return _break(REORDERED, chain_id, expected_seq, expected_seq + 1)
    if (
        following is not None
        and following.prev_hash == expected_prev
        and _self_ok(following, chain_id, key)
    ):
        return _break(INSERTED, chain_id, record.seq)
    if self_ok and record.seq > expected_seq:
        return _break(MISSING, chain_id, expected_seq)
    if self_ok and last is not None and record.prev_hash == last.prev_hash:
        return _break(INSERTED, chain_id, last.seq)
    if self_ok and record.seq < expected_seq:
        return _break(INSERTED, chain_id, record.seq)
    if self_ok and last is not None:
        return _break(EDITED, chain_id, last.seq)
    return _break(EDITED, chain_id, record.seq)


def verify_chain(
    records: Iterable[EventRecord],
    *,
    key: bytes | None = None,
    chain_id: str | None = None,
    head: ChainHead | None = None,
) -> VerifyResult:
    """Check one chain, given in stored order (by seq); names the first bad event.

    Streams with one event of look-ahead.  ``head``, if given, is the last seq and hash recorded
    elsewhere: events cut from the end, or a rewritten newest event, are then caught too.
    """
    iterator: Iterator[EventRecord] = iter(records)
    record = next(iterator, None)
    if chain_id is None:
        chain_id = record.chain_id if record is not None else SYSTEM_CHAIN
    last: EventRecord | None = None
    checked = 0
    # A head mismatch is held back: a break found right after it (an event inserted with the
    # head's seq) explains it better; a later break does not, and the mismatch comes first.
    held: VerifyResult | None = None
    while record is not None:
        following = next(iterator, None)
        expected_seq = last.seq + 1 if last else 1
        expected_prev = last.hash if last else GENESIS_HASH
        if not (
            record.seq == expected_seq
            and record.prev_hash == expected_prev
            and _self_ok(record, chain_id, key)
        ):
            problem = _diagnose(record, following, last, chain_id, key)
            if held is not None and held.problem is not None and problem.seq > held.problem.seq:
                return held
            return VerifyResult(chain_id, checked, _head(last), problem)
        if head is not None and record.seq == head.seq and record.hash != head.hash:
            held = VerifyResult(chain_id, checked, _head(last), _break(EDITED, chain_id, head.seq))
        last = record
        checked += 1
        record = following
    if held is not None:
        return held
    if head is not None and (last is None or last.seq < head.seq):
        missing = last.seq + 1 if last else 1
        return VerifyResult(chain_id, checked, _head(last), _break(MISSING, chain_id, missing))
    return VerifyResult(chain_id, checked, _head(last))


def _head(last: EventRecord | None) -> ChainHead | None:
    return ChainHead(last.seq, last.hash) if last is not None else None


def verify_all(
    records: Iterable[EventRecord],
    *,
    key: bytes | None = None,
    heads: Mapping[str, ChainHead] | None = None,
) -> dict[str, VerifyResult]:
    """Check every chain (each company's and the system chain), keeping each chain's order."""
    chains: dict[str, list[EventRecord]] = {}
    for record in records:
        chains.setdefault(record.chain_id, []).append(record)
    for chain_id in heads or {}:
        chains.setdefault(chain_id, [])
    return {
        chain_id: verify_chain(chain, key=key, chain_id=chain_id, head=(heads or {}).get(chain_id))
        for chain_id, chain in chains.items()
    }
