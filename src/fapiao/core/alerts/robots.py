"""群机器人 (chat-group robots): 企业微信, 钉钉 and 飞书 payloads, with their signatures.

Formats as the platforms document them (no network I/O here):

- 企业微信群机器人: ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`` with
  ``{"msgtype": "markdown", "markdown": {"content": ...}}``; content at most 4096 bytes UTF-8.
- 钉钉自定义机器人: ``POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN`` with
  ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}``.  With 加签, append
  ``&timestamp=<ms>&sign=<s>`` where ``s`` = urlencode(base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp}\\n{secret}"))); the timestamp must be within an hour of DingTalk's clock.
- 飞书自定义机器人: ``POST https://open.feishu.cn/open-apis/bot/v2/hook/ID`` with
  ``{"msg_type": "text", "content": {"text": ...}}`` or ``{"msg_type": "interactive",
  "card": ...}``; with 签名校验, add ``"timestamp": "<seconds>"`` and ``"sign":
  base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))``; body at most 20 KB.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fapiao.core.alerts.render import (
    TITLE,
    TITLE_EN,
    fit,
    markdown_block,
    ordered,
    summary,
    text_block,
)
from fapiao.core.anomalies.base import Alert
from fapiao.core.findings import Severity

WECOM_MAX_BYTES = 4096
DINGTALK_MAX_BYTES = 18000
FEISHU_MAX_BYTES = 18000  # the whole body may not exceed 20 KB
_FEISHU_TEMPLATES = {Severity.ERROR: "red", Severity.WARNING: "orange", Severity.INFO: "blue"}


@dataclass(frozen=True, slots=True)
class RobotRequest:
    """What to POST to a robot: the URL and the JSON payload."""

    url: str
    payload: Mapping[str, Any]

    @property
    def body(self) -> bytes:
        """The JSON body, UTF-8."""
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":")).encode()


def _head(alerts: Sequence[Alert]) -> str:
    zh, en = summary(alerts)
    return f"### {TITLE} {TITLE_EN}\n{zh} / {en}"


def wecom_payload(alerts: Sequence[Alert]) -> dict[str, Any]:
    """企业微信 group robot markdown message."""
    items = ordered(alerts)
    content = fit(_head(items), items, markdown_block, WECOM_MAX_BYTES)
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: urlencoded base64 HMAC-SHA256 of ``timestamp\\nsecret`` keyed by the secret."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def dingtalk_payload(alerts: Sequence[Alert]) -> dict[str, Any]:
    """钉钉 robot markdown message."""
    items = ordered(alerts)
    zh, _ = summary(items)
    text = fit(_head(items), items, markdown_block, DINGTALK_MAX_BYTES)
    return {"msgtype": "markdown", "markdown": {"title": f"{TITLE}：{zh}", "text": text}}


def dingtalk_request(
    alerts: Sequence[Alert], *, webhook_url: str, now: dt.datetime, secret: str | None = None
) -> RobotRequest:
    """The 钉钉 request: the webhook URL, signed when the robot has a 加签 secret."""
    url = webhook_url
    if secret:
        timestamp_ms = int(now.timestamp() * 1000)
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
    return RobotRequest(url, dingtalk_payload(alerts))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """飞书 签名: base64 HMAC-SHA256 keyed by ``timestamp\\nsecret`` over an empty message."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def feishu_payload(
    alerts: Sequence[Alert],
    *,
    now: dt.datetime,
    secret: str | None = None,
    card: bool = False,
) -> dict[str, Any]:
    """飞书 robot message: plain text, or an interactive card coloured by the worst severity."""
    items = ordered(alerts)
    zh, en = summary(items)
    payload: dict[str, Any] = {}
    if secret:
        timestamp_s = int(now.timestamp())
        payload["timestamp"] = str(timestamp_s)
        payload["sign"] = feishu_sign(secret, timestamp_s)
    if not card:
        head = f"{TITLE} {TITLE_EN}\n{zh} / {en}"
        payload["msg_type"] = "text"
        payload["content"] = {"text": fit(head, items, text_block, FEISHU_MAX_BYTES)}
        return payload
    content = fit(f"{zh} / {en}", items, markdown_block, FEISHU_MAX_BYTES)
    worst = items[0].severity if items else Severity.INFO
    payload["msg_type"] = "interactive"
    payload["card"] = {
        "config": {"wide_screen_mode": True},
        "header": {
            "title": {"tag": "plain_text", "content": f"{TITLE} {TITLE_EN}"},
            "template": _FEISHU_TEMPLATES[worst],
        },
        "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": content}}],
    }
    return payload
