"""预警投递 (alert delivery payloads): e-mail, generic signed webhook, 企业微信, 钉钉 and 飞书,
plus de-duplication and rate limiting over the record of earlier sends.

Pure functions: they build what to send and decide what to send; the web layer does the I/O.
The channel formats are documented in docs/alerts.md.
"""

from __future__ import annotations

from fapiao.core.alerts.mail import EmailPayload, render_email
from fapiao.core.alerts.robots import (
    RobotRequest,
    dingtalk_payload,
    dingtalk_request,
    dingtalk_sign,
    feishu_payload,
    feishu_sign,
    wecom_payload,
)
from fapiao.core.alerts.throttle import (
    DIGEST,
    RateLimited,
    SentAlert,
    deduplicate,
    digest_alert,
    rate_limit,
)
from fapiao.core.alerts.webhook import (
    WebhookRequest,
    verify_webhook,
    webhook_body,
    webhook_request,
    webhook_signature,
)

__all__ = [
    "DIGEST",
    "EmailPayload",
    "RateLimited",
    "RobotRequest",
    "SentAlert",
    "WebhookRequest",
    "deduplicate",
    "digest_alert",
    "dingtalk_payload",
    "dingtalk_request",
    "dingtalk_sign",
    "feishu_payload",
    "feishu_sign",
    "rate_limit",
    "render_email",
    "verify_webhook",
    "webhook_body",
    "webhook_request",
    "webhook_signature",
    "wecom_payload",
]
