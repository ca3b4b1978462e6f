"""故障注入检查点 (fault checkpoints): test-only crash points in the intake path.

``FAPIAO_FAULT_CHECKPOINT=name:count`` makes the process kill itself with ``SIGKILL`` the
``count``-th time it reaches the checkpoint ``name`` (counted per process).  Unset, a checkpoint
is one dictionary lookup.  The fault tests (``tests/faults``) use it to crash ``fapiao serve`` and
``fapiao worker`` at each of these places, then restart them and prove nothing was lost or doubled:

=================  =======================================================================
``file_stored``    an original written to storage, its database row not yet committed (web)
``before_enqueue`` the batch committed, its parse task not yet enqueued (web)
``task_claimed``   a parse task claimed by a worker, nothing done yet (worker)
``parsed``         the file parsed, nothing saved yet (worker)
``mid_save``       one invoice of the file saved, the next not yet (worker)
``saved``          every invoice saved, the item not yet marked done (worker)
=================  =======================================================================

Never set it in production.
"""

from __future__ import annotations

import os
import signal
import threading

from fapiao import config

CHECKPOINTS = ("file_stored", "before_enqueue", "task_claimed", "parsed", "mid_save", "saved")
"""Every instrumented checkpoint, in the order an import reaches them."""

_lock = threading.Lock()
_counts: dict[str, int] = {}
_target: tuple[str, int] | bool | None = False  # False: not read yet


def parse_spec(spec: str | None) -> tuple[str, int] | None:
    """``"name:count"`` → ``(name, count)``; None when unset (raises ValueError when malformed)."""
    if not spec:
        return None
    name, _, count = spec.partition(":")
    if name not in CHECKPOINTS:
        raise ValueError(f"FAPIAO_FAULT_CHECKPOINT: unknown checkpoint {name!r}")
    number = int(count or "1")
    if number < 1:
        raise ValueError("FAPIAO_FAULT_CHECKPOINT: the count starts at 1")
    return name, number


def _read_target() -> tuple[str, int] | None:
    global _target
    if _target is False:
        _target = parse_spec(config.get("FAPIAO_FAULT_CHECKPOINT"))
    return _target  # type: ignore[return-value]


def checkpoint(name: str) -> None:
    """Reach the checkpoint ``name``: die here when ``FAPIAO_FAULT_CHECKPOINT`` says so."""
    target = _read_target()
    if target is None or target[0] != name:
        return
    with _lock:
        _counts[name] = _counts.get(name, 0) + 1
        if _counts[name] == target[1]:
            os.kill(os.getpid(), signal.SIGKILL)


def reset() -> None:
    """Forget the counts and read the setting again (for tests in one process)."""
    global _target
    with _lock:
        _counts.clear()
        _target = False
