"""投递 (delivery) of alerts on one channel: e-mail through Django's mail backend, webhooks and
group robots as JSON POSTs through urllib with a short timeout.

The payloads come from :mod:`fapiao.core.alerts`; this module only does the I/O and reports
whether it worked.  A robot answers HTTP 200 with an error code in its JSON when it refuses a
message (``errcode`` for 企业微信/钉钉, ``code`` for 飞书): that counts as a failure too.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage

from fapiao.core.alerts import (
    dingtalk_request,
    feishu_payload,
    render_email,
    webhook_request,
    wecom_payload,
)
from fapiao.core.anomalies import Alert as CoreAlert

TIMEOUT_SECONDS = 5.0
_JSON = {"Content-Type": "application/json; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one send went."""

    ok: bool
    error: str = ""


def _post(url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
    if not url.lower().startswith(("http://", "https://")):
        return Outcome(False, f"not an http(s) URL: {url[:80]}")
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        return Outcome(False, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        return Outcome(False, f"{type(exc).__name__}: {exc}")
    try:
        data = json.loads(answer) if answer else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = {}
    if isinstance(data, dict):
        code = data.get("errcode", data.get("code", data.get("StatusCode", 0)))
        if code not in (0, None, "0"):
            return Outcome(False, f"refused: {json.dumps(data, ensure_ascii=False)[:200]}")
    return Outcome(True)


def send_email(
    alerts: Sequence[CoreAlert], *, recipients: Sequence[str], company_name: str
) -> Outcome:
    """One e-mail to the channel's addresses."""
    payload = render_email(alerts, company_name=company_name)
    message = EmailMessage(
        payload.subject, payload.body, settings.DEFAULT_FROM_EMAIL, list(recipients)
    )
    try:
        message.send(fail_silently=False)
    except OSError as exc:
        return Outcome(False, f"{type(exc).__name__}: {exc}")
    return Outcome(True)


def send(
    kind: str,
    alerts: Sequence[CoreAlert],
    *,
    target: str,
    secret: str,
    company_key: str,
    company_name: str,
    now: dt.datetime,
) -> Outcome:
    """Send one message with ``alerts`` on a channel of ``kind``."""
    if kind == "email":
        recipients = [a.strip() for a in target.replace(";", ",").split(",") if a.strip()]
        return send_email(alerts, recipients=recipients, company_name=company_name)
    if kind == "webhook":
        request = webhook_request(
            alerts, company=company_key, secret=secret, now=now, delivery_id=secrets.token_hex(16)
        )
        return _post(target, request.body, request.headers)
    if kind == "wecom":
        body = json.dumps(wecom_payload(alerts), ensure_ascii=False).encode()
        return _post(target, body, _JSON)
    if kind == "dingtalk":
        robot = dingtalk_request(alerts, webhook_url=target, now=now, secret=secret or None)
        return _post(robot.url, robot.body, _JSON)
    if kind == "feishu":
        payload = feishu_payload(alerts, now=now, secret=secret or None, card=True)
        return _post(target, json.dumps(payload, ensure_ascii=False).encode(), _JSON)
    return Outcome(False, f"unknown channel kind {kind}")
