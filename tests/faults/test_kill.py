"""SIGKILL of ``fapiao serve`` and ``fapiao worker`` at every intake checkpoint, then restart.

Each of 20 seeds picks a checkpoint (``FAPIAO_FAULT_CHECKPOINT``) and the how-many-th time it fires,
imports 50 files (56 invoices, three files holding three each) through the HTTP API into a real
SQLite instance with the database task queue, and lets the process die there.  The web process is
restarted and the client uploads again what has no upload item yet (what a user sees in the batch
list); the worker is restarted after the parse lease.  Afterwards every file is stored once and
reads back to its checksum, every file has exactly one item and it is done, every invoice exists
once, and no record lacks its lines or its source.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

import pytest

from fapiao.web.faults import CHECKPOINTS
from faults.harness import Client, Instance, ServerGone, Upload, free_port, wait_exit

WEB_CHECKPOINTS = ("file_stored", "before_enqueue")
LIMITS = {"mid_save": 6}  # 3 files × 2 gaps between their invoices; the others fire per file


def fault_of(seed: int, files: int) -> str:
    """``name:count`` for a seed: checkpoints in turn, the count drawn from the seed."""
    name = CHECKPOINTS[seed % len(CHECKPOINTS)]
    count = random.Random(seed).randint(1, LIMITS.get(name, files))
    return f"{name}:{count}"


def run_import(
    instance: Instance, files: Sequence[Upload], fault: str, *, chunk: int = 10
) -> dict[str, bool]:
    """Upload in chunks and parse, with the fault armed in the web or the worker process."""
    name = fault.partition(":")[0]
    web_fault = fault if name in WEB_CHECKPOINTS else None
    port = free_port()
    web = instance.serve(port, web_fault)
    client = Client(port, instance.token)
    web_killed = False
    for start in range(0, len(files), chunk):
        pending = list(files[start : start + chunk])
        while pending:
            try:
                client.upload(pending)
                pending = []
            except ServerGone:
                assert wait_exit(web) == -9, instance.logs()
                web_killed = True
                web = instance.serve(port)  # restarted without the fault
                have = instance.items_of([f.sha256 for f in pending])
                pending = [f for f in pending if f.sha256 not in have]
    # One worker parses the whole batch: allow half a second per file on a loaded machine
    # (1,000 files of the soak run take about 2 minutes when the machine is busy).
    timeout = max(120.0, 0.5 * len(files))
    worker_rc = wait_exit(instance.worker(None if web_fault else fault), timeout)
    assert worker_rc in (0, -9), instance.logs()
    if web_killed or worker_rc == -9:
        time.sleep(instance.lease_seconds + 0.3)  # the dead claim's lease runs out
        assert wait_exit(instance.worker(), timeout) == 0, instance.logs()
    return {"web_killed": web_killed, "worker_killed": worker_rc == -9}


def assert_nothing_lost(result: dict[str, Any], files: Sequence[Upload], logs: str = "") -> None:
    """Every file once, read back bit for bit, one finished item each, every invoice once."""
    assert len(result["files"]) == len(files), logs
    for upload in files:
        assert result["files"].get(upload.sha256) == [True], (upload.name, logs)
        assert result["items"].get(upload.sha256) == ["done"], (upload.name, logs)
    expected = sum(upload.invoices for upload in files)
    assert result["records"] == result["identities"] == expected, logs
    assert result["no_lines"] == 0
    assert result["no_sources"] == 0


@pytest.mark.parametrize("seed", range(20))
def test_sigkill_at_a_checkpoint_loses_and_doubles_nothing(
    seed: int, instance: Instance, files50: list[Upload]
) -> None:
    fault = fault_of(seed, len(files50))
    killed = run_import(instance, files50, fault)
    # The fault fired: the process it was armed in died by SIGKILL.
    if fault.partition(":")[0] in WEB_CHECKPOINTS:
        assert killed["web_killed"], fault
    else:
        assert killed["worker_killed"], fault
    assert_nothing_lost(instance.verify(), files50, instance.logs())


def test_every_checkpoint_is_drawn_by_the_seeds() -> None:
    drawn = {fault_of(seed, 50).partition(":")[0] for seed in range(20)}
    assert drawn == set(CHECKPOINTS)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_soak_sigkill_with_1000_files(seed: int, instance: Instance) -> None:
    from faults.harness import make_files

    files = make_files(1000, multi=10, seed=seed + 1)
    name = CHECKPOINTS[seed % len(CHECKPOINTS)]
    count = random.Random(seed).randint(1, 20 if name == "mid_save" else len(files))
    run_import(instance, files, f"{name}:{count}", chunk=50)
    assert_nothing_lost(instance.verify(), files, instance.logs())
