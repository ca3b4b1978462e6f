"""通用 Webhook (generic webhook): a signed JSON payload any receiver can verify.

Request: ``POST`` with ``Content-Type: application/json; charset=utf-8`` and headers

- ``X-Fapiao-Timestamp``: Unix seconds when the request was signed;
- ``X-Fapiao-Delivery``: the delivery id, also in the body (unique per delivery);
- ``X-Fapiao-Signature``: ``sha256=<hex>``, HMAC-SHA256 with the shared secret over the ASCII
  decimal timestamp immediately followed by the raw body bytes (``b"1700000000" + body``).

Replay protection: a receiver recomputes the signature over the raw body (constant-time compare),
rejects a timestamp more than 5 minutes from its clock, and remembers the delivery ids it accepted
for that long, rejecting a repeat (:func:`verify_webhook` does all three).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fapiao.core.alerts.render import ordered
from fapiao.core.anomalies.base import Alert

SIGNATURE_HEADER = "X-Fapiao-Signature"
TIMESTAMP_HEADER = "X-Fapiao-Timestamp"
DELIVERY_HEADER = "X-Fapiao-Delivery"
PAYLOAD_VERSION = 1
DEFAULT_TOLERANCE = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """What to POST: the exact body bytes and the headers."""

    body: bytes
    headers: Mapping[str, str]


def _key(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def webhook_signature(secret: str | bytes, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, timestamp + body)."""
    digest = hmac.new(_key(secret), str(timestamp).encode("ascii") + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def webhook_body(
    alerts: Sequence[Alert], *, company: str, sent_at: dt.datetime, delivery_id: str
) -> bytes:
    """The JSON body: version, delivery id, company, send time and the alerts, UTF-8."""
    payload: dict[str, Any] = {
        "version": PAYLOAD_VERSION,
        "delivery_id": delivery_id,
        "company": company,
        "sent_at": sent_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "count": len(alerts),
        "alerts": [a.as_dict() for a in ordered(alerts)],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def webhook_request(
    alerts: Sequence[Alert],
    *,
    company: str,
    secret: str | bytes,
    now: dt.datetime,
    delivery_id: str,
) -> WebhookRequest:
    """The signed request for a batch of alerts; ``now`` is an aware instant."""
    timestamp = int(now.timestamp())
    body = webhook_body(alerts, company=company, sent_at=now, delivery_id=delivery_id)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        DELIVERY_HEADER: delivery_id,
        SIGNATURE_HEADER: webhook_signature(secret, timestamp, body),
    }
    return WebhookRequest(body, headers)


def verify_webhook(
    body: bytes,
    headers: Mapping[str, str],
    *,
    secret: str | bytes,
    now: dt.datetime,
    seen_deliveries: Container[str] = (),
    tolerance: dt.timedelta = DEFAULT_TOLERANCE,
) -> bool:
    """What a receiver checks: signature, fresh timestamp, delivery not seen before."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        timestamp = int(lower.get(TIMESTAMP_HEADER.lower(), ""))
    except ValueError:
        return False
    if abs(now.timestamp() - timestamp) > tolerance.total_seconds():
        return False
    if lower.get(DELIVERY_HEADER.lower(), "") in seen_deliveries:
        return False
    expected = webhook_signature(secret, timestamp, body)
    return hmac.compare_digest(expected, lower.get(SIGNATURE_HEADER.lower(), ""))
