"""``fapiao serve``: apply pending migrations, then serve the web application.

The server is the standard library's WSGI server with one thread per request
(``django.core.servers.basehttp.ThreadedWSGIServer``, the same classes ``runserver`` uses, but
without its autoreloader or debug handling: ``DEBUG`` stays as configured, off by default).
Static files are served by Django's ``StaticFilesHandler`` straight from the apps' ``static/``
folders (no ``collectstatic`` step); ``Last-Modified``/``If-Modified-Since`` are honoured.  This
fits one company or a small office on one machine; behind a reverse proxy (nginx, Caddy) for
HTTPS or heavy traffic, point the proxy at this server and set ``FAPIAO_HTTPS=1``.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Annotated, Any

import typer

from fapiao import config
from fapiao.cli.common import console
from fapiao.cli.db import django_setup, migrate
from fapiao.cli.keys import startup_check as keys_startup_check


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""
    app.command("serve")(serve)


def build_application() -> Any:
    """The WSGI application: Django, with ``/static/`` answered from the apps' static files."""
    django_setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.exceptions import SuspiciousOperation
    from django.core.handlers.exception import response_for_exception
    from django.core.wsgi import get_wsgi_application

    class StaticFiles(StaticFilesHandler):
        """Static files with nosniff and an hour of caching; a path outside them is a 400."""

        def serve(self, request: Any) -> Any:
            response = super().serve(request)
            response["X-Content-Type-Options"] = "nosniff"
            response["Cache-Control"] = "public, max-age=3600"
            return response

        def get_response(self, request: Any) -> Any:
            try:
                return super().get_response(request)
            except SuspiciousOperation as exc:
                return response_for_exception(request, exc)

    return StaticFiles(get_wsgi_application())


def make_server(host: str, port: int, application: Any) -> Any:
    """A threaded WSGI server bound to host:port (port 0 picks a free one)."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Server(ThreadedWSGIServer):
        request_queue_size = 128

    server = Server((host, port), WSGIRequestHandler, ipv6=":" in host)
    server.set_app(application)
    return server


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def serve(
    host: Annotated[
        str | None, typer.Option(help="监听地址（默认 FAPIAO_HOST=127.0.0.1） · address")
    ] = None,
    port: Annotated[int | None, typer.Option(help="端口（默认 FAPIAO_PORT=8000） · port")] = None,
    run_migrations: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="先执行数据库迁移 · migrate first")
    ] = True,
) -> None:
    """启动网页服务 · Serve the web application (threaded WSGI server)."""
    host = host or config.get("FAPIAO_HOST") or "127.0.0.1"
    port = port if port is not None else config.int_setting("FAPIAO_PORT", 8000)
    if run_migrations:
        migrate()
    keys_startup_check()
    server = make_server(host, port, build_application())
    from django.conf import settings

    if host not in settings.ALLOWED_HOSTS:
        console.print(
            "提示 Note: FAPIAO_ALLOWED_HOSTS 须包含客户端访问本服务所用的主机名 · "
            "FAPIAO_ALLOWED_HOSTS must list the host names clients use to reach this server"
        )
    bound_port = server.server_address[1]
    console.print(
        f"网页服务已启动 · Serving on http://{host}:{bound_port}/ (Ctrl-C 停止 · to stop)"
    )
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("网页服务已停止 · Server stopped")
    finally:
        server.server_close()
