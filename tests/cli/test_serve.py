"""``fapiao serve`` and ``make run`` (scripts/run.py): serving, static files, clean shutdown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from fapiao.cli.serve import build_application, make_server

ROOT = Path(__file__).resolve().parents[2]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with _opener.open(url, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


@pytest.mark.django_db(transaction=True)
def test_threaded_server_answers_pages_api_and_static_files():
    server = make_server("127.0.0.1", 0, build_application())
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}"
        status, _, headers = _get(f"{base}/")
        assert status == 302
        assert "/accounts/login/" in headers["Location"]
        status, body, headers = _get(f"{base}/static/vendor/htmx/htmx.min.js")
        assert status == 200
        assert len(body) > 1000
        assert "javascript" in headers["Content-Type"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        status, body, _ = _get(f"{base}/static/vendor/../../settings.py")
        assert status in (400, 404)
        assert b"SECRET_KEY" not in body
        assert _get(f"{base}/static/vendor/nothing-here.js")[0] == 404
        status, body, _ = _get(f"{base}/api/openapi.json")
        assert status == 200
        assert b'"openapi"' in body
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_file_commands_never_import_django():
    code = (
        "import sys, fapiao.cli.main; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Direct children of a process (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the child processes")
def test_make_run_serves_then_stops_both_children_on_ctrl_c(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "FAPIAO_TASKS_BACKEND", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "FAPIAO_DATA_DIR": str(tmp_path / "data"),
        "FAPIAO_ADMIN_PASSWORD": "Run-Test-Pw-42!",
        "FAPIAO_PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "run.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status = _get(f"http://127.0.0.1:{port}/")[0]
                break
            except OSError:
                time.sleep(0.3)
        assert status in (200, 302)
        children = _children(process.pid)
        assert len(children) == 2
        assert all(_alive(pid) for pid in children)

        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=40)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0, output
    assert not any(_alive(pid) for pid in children)
    assert "管理员 Administrator: admin" in output
    assert "Run-Test-Pw-42!" not in output
    assert (tmp_path / "data" / "bootstrap.json").exists()


@pytest.mark.slow
def test_serve_migrates_a_new_database_then_stops_on_sigterm(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["FAPIAO_DATA_DIR"] = str(tmp_path)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from fapiao.cli.main import app; app()",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while status is None and time.monotonic() < deadline and process.poll() is None:
            try:
                status = _get(f"http://127.0.0.1:{port}/accounts/login/")[0]
            except OSError:
                time.sleep(0.3)
        assert status == 200
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert (tmp_path / "fapiao.sqlite3").stat().st_size > 0
    assert "Server stopped" in output
