"""Scale-out on PostgreSQL: two web processes (gunicorn, two workers each) and two task workers.

A throwaway database ``fapiao_scale_<random>`` on the local server; 500 files uploaded by two
clients through both web processes at once; tasks claimed with row locks (``SELECT … FOR UPDATE
SKIP LOCKED``), so every file is parsed exactly once (one ``intake.item_parsed`` event per item),
by both workers.  Concurrent uploads of the same files from two sessions give one StoredFile and
one record each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from faults.harness import (
    Client,
    Instance,
    Upload,
    free_port,
    make_files,
    pg_available,
    pg_database,
)
from faults.test_kill import assert_nothing_lost

pytestmark = pytest.mark.postgres


def _together(jobs: Sequence[Callable[[], object]]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return errors


def _upload_all(client: Client, files: Sequence[Upload], chunk: int) -> None:
    for start in range(0, len(files), chunk):
        client.upload(files[start : start + chunk])


@pytest.fixture
def pg_url() -> object:
    if not pg_available():
        pytest.skip("needs the PostgreSQL server on 127.0.0.1:5432")
    with pg_database() as url:
        yield url


def test_two_web_processes_and_two_workers_parse_500_files_exactly_once(
    pg_url: str, tmp_path: Path
) -> None:
    instance = Instance(tmp_path / "scale", pg_url, lease_seconds=600)
    instance.setup()
    try:
        ports = [free_port(), free_port()]
        for port in ports:
            instance.gunicorn(port, workers=2)
        for _ in range(2):
            instance.worker(batch=False)
        files = make_files(500, multi=10, seed=5)
        halves = [files[0::2], files[1::2]]
        clients = [Client(port, instance.token) for port in ports]
        errors = _together(
            [lambda c=c, h=h: _upload_all(c, h, 25) for c, h in zip(clients, halves, strict=True)]
        )
        assert not errors, errors
        instance.wait_parsed(len(files))
        result = instance.verify()
        assert_nothing_lost(result, files, instance.logs())
        assert result["parses"] == [1] * len(files)  # no file parsed twice
        workers = instance.sql(
            "SELECT DISTINCT jsonb_array_elements_text(worker_ids::jsonb) "
            "FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'fapiao.web.intake.tasks.parse_intake_item'"
        )
        assert len(workers) == 2  # both workers took a share
    finally:
        instance.stop_all()


def test_the_same_files_uploaded_from_two_sessions_at_once(pg_url: str, tmp_path: Path) -> None:
    instance = Instance(tmp_path / "twice", pg_url, lease_seconds=600)
    instance.setup()
    try:
        ports = [free_port(), free_port()]
        for port in ports:
            instance.serve(port)
        instance.worker(batch=False)
        files = make_files(20, multi=2, seed=9)
        errors = _together(
            [lambda p=p: _upload_all(Client(p, instance.token), files, 20) for p in ports]
        )
        assert not errors, errors
        instance.wait_parsed(2 * len(files))
        result = instance.verify()
        for upload in files:
            assert result["files"][upload.sha256] == [True]  # one StoredFile
            assert result["items"][upload.sha256] == ["done", "done"]  # one item per session
        assert result["records"] == result["identities"] == sum(f.invoices for f in files)
    finally:
        instance.stop_all()
