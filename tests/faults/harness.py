"""A real fapiao installation in a temporary data directory, driven as separate processes.

``Instance`` runs ``fapiao serve`` and ``fapiao worker`` as subprocesses against SQLite (a file in
the data directory) or a PostgreSQL database, uploads through the HTTP API with a bearer token
(``Client``), and reads the outcome back (``Instance.verify``: counts, checksums of the decrypted
originals, half-written records).  Used by the fault tests and by ``bench/load.py``.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FAPIAO = str(BIN / "fapiao")
MASTER_KEY = base64.b64encode(bytes(range(32))).decode("ascii")
TAX_ID = "91110108MA01ABCD0B"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"

_SETUP = """
import sys
from fapiao.cli.db import django_setup, migrate
migrate()
from django.contrib.auth import get_user_model
from fapiao.web.api.services import api_token_create
from fapiao.web.companies.models import Role
from fapiao.web.companies.services import company_create, membership_grant
user = get_user_model().objects.create_user("clerk", password="faults-clerk-pw-1")
company = company_create(name="故障测试公司", tax_id=sys.argv[1])
membership_grant(company=company, user=user, role=Role.CLERK, actor=None)
_, raw = api_token_create(user=user, company=company, name="faults", scope="write")
print("TOKEN=" + raw)
"""

_VERIFY = """
import collections, hashlib, json
from fapiao.cli.db import django_setup
django_setup()
from fapiao.web.events.models import Event
from fapiao.web.intake.models import IntakeItem
from fapiao.web.invoices.models import InvoiceRecord, StoredFile
from fapiao.web.invoices.originals import original_bytes
files = {}
for sf in StoredFile.objects.all():
    try:
        ok = hashlib.sha256(original_bytes(sf)).hexdigest() == sf.sha256
    except Exception as exc:
        ok = f"{type(exc).__name__}: {exc}"
    files.setdefault(sf.sha256, []).append(ok)
items = collections.defaultdict(list)
for sha, status in IntakeItem.objects.values_list("stored_file__sha256", "status"):
    items[sha].append(status)
records = list(InvoiceRecord.objects.values_list("identity_key", flat=True))
parses = collections.Counter(
    e.object_id for e in Event.objects.filter(action="intake.item_parsed")
)
print(json.dumps({
    "files": files,
    "items": items,
    "records": len(records),
    "identities": len(set(records)),
    "no_lines": InvoiceRecord.objects.filter(lines__isnull=True).count(),
    "no_sources": InvoiceRecord.objects.filter(sources__isnull=True).count(),
    "parses": sorted(parses.values()),
}))
"""


def load_corpus() -> ModuleType:
    """tests/corpus/xml_ofd.py (synthetic 数电 XML with known ground truth)."""
    from corpus import xml_ofd

    return xml_ofd


@dataclasses.dataclass(frozen=True)
class Upload:
    """One file to upload and what it holds."""

    name: str
    content: bytes
    invoices: int

    @property
    def sha256(self) -> str:
        """SHA-256 of the bytes."""
        return hashlib.sha256(self.content).hexdigest()


def make_files(count: int, *, multi: int = 3, seed: int = 0) -> list[Upload]:
    """``count`` files: single XML invoices, and ``multi`` ZIPs of one inner ZIP of 3 invoices."""
    corpus = load_corpus()
    files: list[Upload] = []
    for index in range(count):
        base = seed * 1_000_000 + index * 10
        if index < multi:
            inner = corpus.zip_of(
                {
                    f"{k}.xml": corpus.einvoice_xml(
                        corpus.random_truth(random.Random(base + k), digital=True)
                    )
                    for k in range(3)
                }
            )
            content = corpus.zip_of({"multi.zip": inner})
            files.append(Upload(f"multi_{index}.zip", content, 3))
        else:
            truth = corpus.random_truth(random.Random(base), digital=True)
            files.append(Upload(f"inv_{index}.xml", corpus.einvoice_xml(truth), 1))
    return files


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerGone(Exception):
    """The web process stopped answering (killed)."""


class Client:
    """The HTTP API as a clerk with a write token (standard library only)."""

    def __init__(self, port: int, token: str, timeout: float = 60.0) -> None:
        self.port, self.token, self.timeout = port, token, timeout

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] = {}
    ) -> tuple[int, bytes]:
        """One request; raises ServerGone when the connection fails."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(
                method,
                path,
                body=body,
                headers={"Authorization": f"Bearer {self.token}", **headers},
            )
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise ServerGone(str(exc)) from exc
        finally:
            conn.close()

    def upload(self, files: Sequence[Upload]) -> dict[str, Any]:
        """POST /api/invoices/upload (multipart); the batch as JSON."""
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for upload in files:
            parts += [
                f"--{boundary}\r\n".encode(),
                (
                    f'Content-Disposition: form-data; name="files"; filename="{upload.name}"\r\n'
                ).encode(),
                b"Content-Type: application/octet-stream\r\n\r\n",
                upload.content,
                b"\r\n",
            ]
        parts += [
            f'--{boundary}\r\nContent-Disposition: form-data; name="direction"\r\n\r\n'.encode(),
            b"purchase\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        status, body = self.request(
            "POST",
            "/api/invoices/upload",
            b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        if status != 201:
            raise RuntimeError(f"upload answered {status}: {body[:300]!r}")
        result: dict[str, Any] = json.loads(body)
        return result


@dataclasses.dataclass
class Instance:
    """One installation: a data directory and a database (SQLite there, or a PostgreSQL URL)."""

    data_dir: Path
    database_url: str | None = None
    lease_seconds: float = 1.0
    token: str = ""
    procs: list[subprocess.Popen[bytes]] = dataclasses.field(default_factory=list)

    def env(self, checkpoint: str | None = None, **extra: str) -> dict[str, str]:
        """The environment of every process of this instance."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("FAPIAO_") and k != "DATABASE_URL"
        }
        env.update(
            FAPIAO_DATA_DIR=str(self.data_dir),
            FAPIAO_MASTER_KEY=MASTER_KEY,
            FAPIAO_TASKS_BACKEND="database",
            FAPIAO_INTAKE_LEASE_SECONDS=str(max(1, int(self.lease_seconds))),
            FAPIAO_ALLOWED_HOSTS="127.0.0.1,localhost",
            FAPIAO_LOCKOUT_FAILURES="1000000",
            PYTHONUNBUFFERED="1",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        if checkpoint:
            env["FAPIAO_FAULT_CHECKPOINT"] = checkpoint
        env.update(extra)
        return env

    def python(self, code: str, *args: str, timeout: float = 120) -> str:
        """Run Python code in this instance's environment; its standard output."""
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=self.env(),
            capture_output=True,
            timeout=timeout,
            check=False,
            cwd=REPO,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace")[-3000:])
        return done.stdout.decode()

    def setup(self) -> str:
        """Migrate, create a company, a clerk and a write token; the token."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        out = self.python(_SETUP, TAX_ID)
        self.token = next(
            line[6:] for line in out.splitlines() if line.startswith("TOKEN=")
        ).strip()
        return self.token

    def clone(self, data_dir: Path) -> Instance:
        """A copy of a set-up SQLite instance (faster than migrating again)."""
        assert self.database_url is None
        shutil.copytree(self.data_dir, data_dir)
        return Instance(data_dir, None, self.lease_seconds, self.token)

    def start(
        self,
        args: Sequence[str],
        checkpoint: str | None = None,
        *,
        program: str = FAPIAO,
        **extra: str,
    ) -> subprocess.Popen[bytes]:
        """Start ``fapiao <args>`` (or another program of the environment) in the background."""
        with (self.data_dir / f"{Path(program).name}-{args[0]}-{len(self.procs)}.log").open(
            "wb"
        ) as log:
            proc = subprocess.Popen(
                [program, *args],
                env=self.env(checkpoint, **extra),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def serve(self, port: int, checkpoint: str | None = None) -> subprocess.Popen[bytes]:
        """``fapiao serve`` on 127.0.0.1:port, returned once it answers."""
        proc = self.start(
            ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"], checkpoint
        )
        wait_http(port, proc)
        return proc

    def gunicorn(self, port: int, workers: int = 2) -> subprocess.Popen[bytes]:
        """gunicorn with ``fapiao.web.gunicorn_conf`` on 127.0.0.1:port, once it answers."""
        proc = self.start(
            ["-c", "python:fapiao.web.gunicorn_conf", "fapiao.web.wsgi:application"],
            program=str(BIN / "gunicorn"),
            FAPIAO_PORT=str(port),
            FAPIAO_WEB_WORKERS=str(workers),
        )
        wait_http(port, proc)
        return proc

    def worker(
        self, checkpoint: str | None = None, *, batch: bool = True
    ) -> subprocess.Popen[bytes]:
        """``fapiao worker`` (``--batch``: until the queue is empty)."""
        args = ["worker", "--interval", "0.2", "--no-scheduler"]
        return self.start([*args, "--batch"] if batch else args, checkpoint)

    def stop_all(self) -> None:
        """Terminate every process still running."""
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def verify(self) -> dict[str, Any]:
        """Counts and checksums of what the instance holds."""
        result: dict[str, Any] = json.loads(self.python(_VERIFY).strip().splitlines()[-1])
        return result

    def logs(self) -> str:
        """The tail of every process log (for failure messages)."""
        return "\n".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-1500:]}"
            for p in sorted(self.data_dir.glob("*.log"))
        )

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        """Rows of a read-only query, straight from the database file or server."""
        if self.database_url is None:
            import sqlite3

            with contextlib.closing(
                sqlite3.connect(self.data_dir / "fapiao.sqlite3", timeout=30)
            ) as db:
                return list(db.execute(query).fetchall())
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return list(db.execute(query).fetchall())

    def items_of(self, sha256s: Sequence[str]) -> set[str]:
        """Which of these files already have an upload item (what a user sees in the batch list)."""
        rows = self.sql(
            "SELECT DISTINCT s.sha256 FROM intake_intakeitem i "
            "JOIN invoices_storedfile s ON s.id = i.stored_file_id"
        )
        have = {row[0] for row in rows}
        return {sha for sha in sha256s if sha in have}

    def wait_parsed(self, total: int, timeout: float = 600) -> None:
        """Wait until ``total`` items exist and none is queued or parsing."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ((count, open_items),) = self.sql(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status IN ('queued', 'parsing') "
                "THEN 1 ELSE 0 END), 0) FROM intake_intakeitem"
            )
            if count >= total and open_items == 0:
                return
            time.sleep(0.5)
        raise TimeoutError(f"items not parsed in {timeout}s\n{self.logs()}")


def wait_http(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until something answers HTTP on the port (fails when the process exits first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise TimeoutError(f"nothing answers on port {port}")


def wait_exit(proc: subprocess.Popen[bytes], timeout: float = 120) -> int:
    """Wait for a process; its return code (-9 when it was SIGKILLed)."""
    return proc.wait(timeout=timeout)


@contextlib.contextmanager
def pg_database(server: str = PG_SERVER) -> Iterator[str]:
    """A throwaway PostgreSQL database ``fapiao_scale_<random>``, dropped afterwards."""
    import psycopg

    name = f"fapiao_scale_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_available(server: str = PG_SERVER) -> bool:
    """Whether the PostgreSQL server answers."""
    try:
        import psycopg

        with psycopg.connect(f"{server}/postgres", connect_timeout=2):
            return True
    except Exception:
        return False


PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclasses.dataclass
class Cluster:
    """A throwaway PostgreSQL cluster (``initdb`` into a temporary folder, a spare port)."""

    folder: Path
    port: int

    @property
    def url(self) -> str:
        """The URL of its database ``fapiao``."""
        return f"postgres://postgres@127.0.0.1:{self.port}/fapiao"

    def _as_postgres(self, *args: str) -> None:
        command = list(args)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.decode(errors='replace')[-2000:]}")

    def init(self) -> None:
        """Create the cluster and its database."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.folder / "data"), "-A", "trust",
            "-U", "postgres", "--no-sync",
        )  # fmt: skip
        self.start()
        self._as_postgres(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "fapiao",
        )  # fmt: skip

    def start(self) -> None:
        """Start the server (waits until it accepts connections)."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
            "-l", str(self.folder / "server.log"), "-w", "start",
        )  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """Stop the server (``immediate``: like a crash, connections cut)."""
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop"
        )  # fmt: skip


def cluster_available() -> bool:
    """Whether initdb and pg_ctl are installed (and a postgres user exists when running as root)."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        return False
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return False
    return True


@contextlib.contextmanager
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway cluster in a new folder under /tmp on a spare port, removed afterwards."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="fapiao-pg-"))  # reachable by the postgres user
    cluster = Cluster(folder, free_port())
    try:
        cluster.init()
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            cluster.stop("fast")
        shutil.rmtree(folder, ignore_errors=True)


def upload_retrying(
    instance: Instance, client: Client, files: Sequence[Upload], *, attempts: int = 40
) -> int:
    """Upload like a patient user: on an error, wait (back-off) and send what has no item yet."""
    pending, failures, delay = list(files), 0, 0.5
    while pending:
        try:
            client.upload(pending)
            return failures
        except (ServerGone, RuntimeError):
            failures += 1
            if failures >= attempts:
                raise RuntimeError(f"upload failed {failures} times\n{instance.logs()}") from None
            time.sleep(delay)
            delay = min(delay * 2, 4.0)
            with contextlib.suppress(Exception):  # the database may still be away
                have = instance.items_of([f.sha256 for f in pending])
                pending = [f for f in pending if f.sha256 not in have]
    return failures
