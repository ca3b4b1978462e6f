"""The database goes away in the middle of an import (a throwaway PostgreSQL cluster, stopped).

``initdb`` makes a cluster in a temporary folder on a spare port — never the machine's own server.
While ``fapiao serve`` and ``fapiao worker`` import 50 files the cluster is stopped (immediate
mode: every connection cut), then started again.  Uploads that failed are sent again after a
back-off, the worker waits with back-off instead of dying, and afterwards every file is stored
once, parsed, and every invoice exists once.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from faults.harness import (
    Client,
    Instance,
    cluster_available,
    free_port,
    make_files,
    pg_cluster,
    upload_retrying,
)
from faults.test_kill import assert_nothing_lost

pytestmark = pytest.mark.postgres


def test_database_stopped_mid_import_then_started_loses_nothing(tmp_path: Path) -> None:
    if not cluster_available():
        pytest.skip("needs PostgreSQL's initdb and pg_ctl (/usr/lib/postgresql/15/bin)")
    files = make_files(50, seed=3)
    with pg_cluster() as cluster:
        instance = Instance(tmp_path / "data", cluster.url, lease_seconds=1)
        instance.setup()
        try:
            port = free_port()
            instance.serve(port)
            worker = instance.worker(batch=False)
            client = Client(port, instance.token, timeout=30)
            for start in range(0, 20, 10):
                upload_retrying(instance, client, files[start : start + 10])
            while not instance.sql("SELECT 1 FROM intake_intakeitem WHERE status = 'done'"):
                assert worker.poll() is None, instance.logs()  # the worker is up and parsing
                time.sleep(0.2)
            cluster.stop()  # mid-import: the worker is parsing, more uploads are coming
            restart = threading.Timer(4.0, cluster.start)  # back a few seconds later
            restart.start()
            failures = 0
            for start in range(20, 50, 10):
                failures += upload_retrying(instance, client, files[start : start + 10])
            restart.join()
            assert failures >= 1  # an upload did meet the missing database, and was sent again
            instance.wait_parsed(len(files), timeout=300)
            assert worker.poll() is None, instance.logs()  # backed off, did not die
            assert_nothing_lost(instance.verify(), files, instance.logs())
        finally:
            instance.stop_all()
