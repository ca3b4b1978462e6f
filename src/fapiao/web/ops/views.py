"""/healthz, /readyz and /metrics: no login, no company; /metrics only from this machine or
with the FAPIAO_METRICS_TOKEN bearer token."""

from __future__ import annotations

import hmac

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fapiao import config
from fapiao.web.ops.health import readiness
from fapiao.web.ops.metrics import metrics_text

LOCAL_ADDRESSES = frozenset({"127.0.0.1", "::1"})
PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the instance can serve, else 503 with the reasons."""
    checks = readiness()
    ready = all(c.ok for c in checks)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {
            c.name: {"ok": c.ok, **({"reason": c.reason} if c.reason else {})} for c in checks
        },
    }
    return JsonResponse(body, status=200 if ready else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """With a token set, only its bearer; without, only a direct request from this machine."""
    token = config.get("FAPIAO_METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    direct = "X-Forwarded-For" not in request.headers and "Forwarded" not in request.headers
    return direct and request.META.get("REMOTE_ADDR") in LOCAL_ADDRESSES


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (403 for anyone else)."""
    if not metrics_allowed(request):
        return HttpResponse("forbidden", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(metrics_text(), content_type=PROMETHEUS_TYPE)
