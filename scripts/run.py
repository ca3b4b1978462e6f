"""``make run``: migrate, make sure an administrator and a first company exist, then run the web
server and the background worker as two child processes until Ctrl-C.

Credentials come from the ``FAPIAO_ADMIN_*`` settings or are generated and printed once (a
marker file in ``FAPIAO_DATA_DIR`` keeps them from being generated again).  SIGINT and SIGTERM
are forwarded to both children (which run in their own sessions, so a terminal's Ctrl-C reaches
them only through this script); it waits for both and exits 0.  When a child dies on its own,
the other is stopped and the exit code is 1.

Usage: ``make run`` or ``python scripts/run.py [--host 127.0.0.1] [--port 8000]``.
"""

# ruff: noqa: T201 - a console script: it talks to the operator on stdout

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from types import FrameType

CHILD = "from fapiao.cli.main import app; app(prog_name='fapiao')"
STOP_TIMEOUT_S = 20.0


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", CHILD, *args]
    return subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603


def _stop(children: list[subprocess.Popen[bytes]], signum: int) -> bool:
    """Forward the signal, wait for every child; False when one had to be killed."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signum)
    clean = True
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            clean = False
    return clean


def main(argv: list[str] | None = None) -> int:
    """Run the application until SIGINT/SIGTERM; the exit code."""
    from fapiao import config

    parser = argparse.ArgumentParser(description="fapiao: web server + background worker")
    parser.add_argument("--host", default=config.get("FAPIAO_HOST") or "127.0.0.1")
    parser.add_argument("--port", type=int, default=config.int_setting("FAPIAO_PORT", 8000))
    options = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fapiao.web.settings")
    from fapiao.cli.bootstrap import first_start
    from fapiao.cli.db import migrate

    data_dir = config.data_dir()
    print(f"数据目录 Data directory: {data_dir}", flush=True)
    migrate()
    for line in first_start(data_dir):
        print(line, flush=True)

    env = {**os.environ, "FAPIAO_DATA_DIR": str(data_dir)}
    serve = ["serve", "--host", options.host, "--port", str(options.port), "--no-migrate"]
    children = [_spawn(serve, env)]
    backend = config.get("FAPIAO_TASKS_BACKEND") or "database"
    if backend == "database":
        children.append(_spawn(["worker"], env))
    else:
        print(f"FAPIAO_TASKS_BACKEND={backend}: 不启动后台进程 · no worker started", flush=True)

    received: list[int] = []

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    failed = False
    while not received:
        if any(child.poll() is not None for child in children):
            print("子进程意外退出，正在停止 · A child process exited; stopping", flush=True)
            failed = True
            break
        time.sleep(0.2)
    clean = _stop(children, received[0] if received else signal.SIGTERM)
    print("已停止 · Stopped", flush=True)
    return 0 if clean and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
