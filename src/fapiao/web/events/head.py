"""链头文件 (chain heads outside the database): catches a rewritten or truncated event table.

The hash chain links every event to the one before it, but its hashes are keyless: someone who
can rewrite the whole event table can compute a new, consistent chain, and someone who deletes
the newest events leaves a shorter chain that still verifies.  So after each committed event
the newest head of its chain (seq and hash) is appended to a file outside the database,
``FAPIAO_AUDIT_HEAD_FILE`` (default ``audit-heads.log`` in the data directory), one line each::

    v1 <chain id> <seq> <event hash> <master key id> <HMAC-SHA256>

The HMAC key is derived (HKDF) from a master key of the keyring, which is never in the database:
whoever edits the file without the master key is caught too.  ``fapiao audit verify`` compares
each chain with the highest head of the file: the table ends before it ("truncated after #N"),
or the event at that seq has another hash ("rewritten").  The file only ever grows and is read
as a lower bound: a lost line (a crash right after a commit, a bulk writer that does not note
heads) weakens the check but never raises a false alarm.  Protect it like the key file: on
another disk or machine, or append-only (``chattr +a``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction

from fapiao import config
from fapiao.core.audit.chain import SYSTEM_CHAIN, ChainBreak, ChainHead, VerifyResult
from fapiao.core.crypto.envelope import derive_subkey
from fapiao.core.crypto.errors import KeysError
from fapiao.core.crypto.keyring import Keyring
from fapiao.web.events.chain import chain_id_of, chain_verify
from fapiao.web.events.models import Event

logger = logging.getLogger(__name__)

VERSION = "v1"
TRUNCATED = "audit.truncated"
REWRITTEN = "audit.rewritten"
HEAD_ALTERED = "audit.head_altered"
_PURPOSE = "fapiao/audit-head/v1"


def head_file_path() -> Path:
    """``FAPIAO_AUDIT_HEAD_FILE``, by default ``audit-heads.log`` beside the stored originals."""
    value = config.get("FAPIAO_AUDIT_HEAD_FILE")
    return Path(value) if value else Path(settings.MEDIA_ROOT).parent / "audit-heads.log"


def _keyring() -> Keyring:
    from fapiao.web.keys.keyring import keyring_get

    return keyring_get()


def _mac(key: bytes, chain_id: str, seq: int, event_hash: str, key_id: str) -> str:
    message = f"{VERSION} {chain_id} {seq} {event_hash} {key_id}".encode("ascii")
    return hmac.new(derive_subkey(key, _PURPOSE), message, hashlib.sha256).hexdigest()


def head_line(keyring: Keyring, chain_id: str, seq: int, event_hash: str) -> str:
    """One line of the head file, signed with the keyring's active master key."""
    master = keyring.active
    mac = _mac(master.key, chain_id, seq, event_hash, master.key_id)
    return f"{VERSION} {chain_id} {seq} {event_hash} {master.key_id} {mac}\n"


def head_append(*, chain_id: str, seq: int, event_hash: str) -> None:
    """Append a chain head to the head file (one ``O_APPEND`` write, safe across processes).

    Runs after the event's commit: a failure is logged, never raised, since the event stands.
    """
    try:
        line = head_line(_keyring(), chain_id, seq, event_hash).encode("ascii")
        path = head_file_path()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except (OSError, KeysError, UnicodeEncodeError) as exc:
        logger.error("audit head of chain %s #%s not recorded: %s", chain_id, seq, exc)


def head_note(event: Event) -> None:
    """Record the event as its chain's head once the transaction commits."""
    transaction.on_commit(
        partial(
            head_append,
            chain_id=chain_id_of(event.company_id),
            seq=event.seq,
            event_hash=event.hash,
        ),
        robust=True,
    )


@dataclass(frozen=True, slots=True)
class HeadFile:
    """What the head file says: the highest signed head per chain, and the lines that fail."""

    heads: dict[str, ChainHead]
    altered: list[int]
    unchecked: int


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            yield number, raw.decode("ascii", errors="replace").rstrip("\n")


def heads_read(lines: Iterable[tuple[int, str]] | None = None) -> HeadFile:
    """The heads of the file, each line's HMAC checked with the master key it names.

    A line whose master key is no longer in the keyring cannot be checked and is skipped
    (counted in ``unchecked``); a malformed or wrongly signed line is listed in ``altered``.
    """
    keyring = _keyring()
    heads: dict[str, ChainHead] = {}
    altered: list[int] = []
    unchecked = 0
    for number, line in _lines(head_file_path()) if lines is None else lines:
        parts = line.split(" ")
        if len(parts) != 6 or parts[0] != VERSION or not parts[2].isdigit():
            altered.append(number)
            continue
        _, chain_id, seq_text, event_hash, key_id, mac = parts
        master = keyring.get(key_id)
        if master is None:
            unchecked += 1
            continue
        expected = _mac(master.key, chain_id, int(seq_text), event_hash, key_id)
        if not hmac.compare_digest(expected, mac):
            altered.append(number)
            continue
        seq = int(seq_text)
        if chain_id not in heads or seq > heads[chain_id].seq:
            heads[chain_id] = ChainHead(seq, event_hash)
    return HeadFile(heads, altered, unchecked)


def _company_of(chain_id: str) -> int | None:
    return None if chain_id == SYSTEM_CHAIN else int(chain_id)


def head_check(chain_id: str, head: ChainHead) -> ChainBreak | None:
    """Compare the table with a recorded head: cut short after it, or rewritten at it."""
    company_id = _company_of(chain_id)
    if company_id is None:
        rows = Event.objects.filter(company__isnull=True)
    else:
        rows = Event.objects.filter(company_id=company_id)
    found = rows.filter(seq=head.seq).values_list("hash", flat=True).first()
    if found is None:
        last = rows.order_by("-seq").values_list("seq", flat=True).first() or 0
        return ChainBreak(
            TRUNCATED,
            chain_id,
            last + 1,
            f"事件表在 #{last} 之后被截断：链头文件记录到 #{head.seq}（链 {chain_id}）",
            f"The event table was truncated after #{last}: the head file records "
            f"#{head.seq} (chain {chain_id})",
        )
    if not hmac.compare_digest(str(found), head.hash):
        return ChainBreak(
            REWRITTEN,
            chain_id,
            head.seq,
            f"事件 #{head.seq} 与链头文件记录的哈希不符：事件表被重写（链 {chain_id}）",
            f"Event #{head.seq} differs from the hash in the head file: the event table was "
            f"rewritten (chain {chain_id})",
        )
    return None


def _with_head(result: VerifyResult, head: ChainHead | None) -> VerifyResult:
    if not result.ok or head is None:
        return result
    problem = head_check(result.chain_id, head)
    return result if problem is None else replace(result, problem=problem)


def head_file_problems(read: HeadFile) -> list[ChainBreak]:
    """The lines of the head file that were edited (wrong HMAC or malformed)."""
    path = head_file_path()
    return [
        ChainBreak(
            HEAD_ALTERED,
            "head-file",
            number,
            f"链头文件 {path} 第 {number} 行的校验码不符：该文件被改动过",
            f"Line {number} of the head file {path} fails its HMAC: the file was altered",
        )
        for number in read.altered
    ]


def chain_verify_with_head(company_id: int | None, read: HeadFile | None = None) -> VerifyResult:
    """Verify one chain, then compare it with its head in the head file."""
    read = heads_read() if read is None else read
    return _with_head(chain_verify(company_id), read.heads.get(chain_id_of(company_id)))


def chain_verify_all_with_heads(read: HeadFile | None = None) -> dict[str, VerifyResult]:
    """Verify every chain in the table or in the head file (a chain deleted whole shows too)."""
    read = heads_read() if read is None else read
    company_ids = set(
        Event.objects.exclude(company__isnull=True).values_list("company_id", flat=True).distinct()
    )
    company_ids |= {int(c) for c in read.heads if c != SYSTEM_CHAIN and c.isdigit()}
    results = {SYSTEM_CHAIN: chain_verify_with_head(None, read)}
    for company_id in sorted(company_ids):
        results[str(company_id)] = chain_verify_with_head(company_id, read)
    return results
