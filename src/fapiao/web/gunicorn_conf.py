"""gunicorn settings for several stateless web processes (多进程网页服务), e.g. behind nginx::

    gunicorn -c python:fapiao.web.gunicorn_conf fapiao.web.wsgi:application

Binds ``FAPIAO_HOST:FAPIAO_PORT``; ``FAPIAO_WEB_WORKERS`` processes of ``FAPIAO_WEB_THREADS``
threads each (``gthread``).  The master checks the master key first (a wrong or missing key stops
it before any worker starts), then forks; every worker opens its own database connections.  Run
``django-admin migrate --settings=fapiao.web.settings`` first: gunicorn does not migrate.
Static files: ``django-admin collectstatic`` into ``FAPIAO_DATA_DIR/static`` and let the reverse
proxy serve ``/static/`` (see docs/deployment.md).
"""

from __future__ import annotations

import os
from typing import Any

from fapiao import config as _settings

bind = f"{_settings.get('FAPIAO_HOST') or '127.0.0.1'}:{_settings.int_setting('FAPIAO_PORT', 8000)}"
workers = _settings.int_setting("FAPIAO_WEB_WORKERS", 2)
threads = _settings.int_setting("FAPIAO_WEB_THREADS", 4)
worker_class = "gthread"
timeout = 120
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (bounded memory)
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The reverse proxy on the same machine terminates TLS and sets X-Forwarded-Proto.
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "fapiao-web"
control_socket_disable = True  # several instances per machine must not share one control socket


def on_starting(server: Any) -> None:
    """Refuse to start with a wrong or missing master key (checked once, in the master)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fapiao.web.settings")
    import django

    django.setup()
    from django.db import connections

    from fapiao.web.keys.keyring import keyring_check

    try:
        keyring_check()
    finally:
        connections.close_all()  # never share a connection with the forked workers
