from __future__ import annotations

import datetime as dt
import json

from alert_helpers import NOW, alert

from fapiao.core.alerts import (
    dingtalk_payload,
    dingtalk_request,
    dingtalk_sign,
    feishu_payload,
    feishu_sign,
    render_email,
    verify_webhook,
    webhook_request,
    webhook_signature,
    wecom_payload,
)
from fapiao.core.findings import Severity

# expected signatures computed with openssl, not with Python:
#   printf '1717200000{"a":1}' | openssl dgst -sha256 -hmac whsec_test
#   printf '1717200000000\nSECtest' | openssl dgst -sha256 -hmac SECtest -binary | base64
#   printf '' | openssl dgst -sha256 -hmac "$(printf '1717200000\nfeishu-secret')" -binary | base64
WEBHOOK_HEX = "33ff64031ecbe686f0a2da0149cb6e1ea6ce8872d6f42b4e404e13591093dc46"
DINGTALK_B64 = "g4Ggn5DRZhe6B6t+M5/94sewQRAYt1lxgQkg2T0YrNs="
FEISHU_B64 = "ZTF/ipPR8quWg85Yw/IUXXdanhCijrDUEovGyScOUKs="


def test_signatures_match_hand_computed_hmacs() -> None:
    assert NOW.timestamp() == 1717200000
    assert webhook_signature("whsec_test", 1717200000, b'{"a":1}') == f"sha256={WEBHOOK_HEX}"
    assert (
        dingtalk_sign("SECtest", 1717200000000)
        == "g4Ggn5DRZhe6B6t%2BM5%2F94sewQRAYt1lxgQkg2T0YrNs%3D"
    )
    assert feishu_sign("feishu-secret", 1717200000) == FEISHU_B64


def test_webhook_request_is_signed_json_with_timestamp_and_delivery() -> None:
    request = webhook_request(
        [alert("a"), alert("b", severity=Severity.ERROR)],
        company="acme",
        secret="whsec_test",
        now=NOW,
        delivery_id="d-1",
    )
    assert request.headers["X-Fapiao-Timestamp"] == "1717200000"
    assert request.headers["X-Fapiao-Delivery"] == "d-1"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["X-Fapiao-Signature"] == webhook_signature(
        "whsec_test", 1717200000, request.body
    )
    payload = json.loads(request.body)
    assert payload["version"] == 1
    assert payload["delivery_id"] == "d-1"
    assert payload["sent_at"] == "2024-06-01T00:00:00+00:00"
    assert payload["count"] == 2
    assert [a["subject"] for a in payload["alerts"]] == ["b", "a"]  # errors first
    assert payload["alerts"][1] == {
        "code": "anomaly.risky_seller",
        "severity": "warning",
        "company": "acme",
        "subject": "a",
        "message": "发票 a 的销售方在风险名单上",
        "message_en": "The seller of a is on the risk list",
        "values": {"invoice": "a"},
        "invoices": [{"code": "", "number": "24372000000000000001"}],
    }
    assert "风险名单".encode() in request.body  # UTF-8, not \\u escapes


def test_webhook_verification_rejects_tampering_stale_and_replayed_requests() -> None:
    request = webhook_request([alert()], company="acme", secret="s3", now=NOW, delivery_id="d-9")
    later = NOW + dt.timedelta(minutes=4)
    assert verify_webhook(request.body, request.headers, secret="s3", now=later)
    assert not verify_webhook(request.body + b" ", request.headers, secret="s3", now=later)
    assert not verify_webhook(request.body, request.headers, secret="other", now=later)
    stale = NOW + dt.timedelta(minutes=6)
    assert not verify_webhook(request.body, request.headers, secret="s3", now=stale)
    assert not verify_webhook(
        request.body, request.headers, secret="s3", now=later, seen_deliveries={"d-9"}
    )
    lower = {k.lower(): v for k, v in request.headers.items()}
    assert verify_webhook(request.body, lower, secret="s3", now=later)


def test_wecom_markdown_payload() -> None:
    payload = wecom_payload([alert("a")])
    assert set(payload) == {"msgtype", "markdown"}
    assert payload["msgtype"] == "markdown"
    content = payload["markdown"]["content"]
    assert list(payload["markdown"]) == ["content"]
    assert content.startswith(
        "### 发票预警 Fapiao alerts\n1 条预警（警告 1） / 1 alert (1 warning)"
    )
    assert content.index("发票 a 的销售方") < content.index("The seller of a")
    assert "`anomaly.risky_seller`" in content


def test_wecom_content_stays_within_4096_bytes_and_counts_the_rest() -> None:
    many = [alert(f"invoice:{n:020d}") for n in range(200)]
    content = wecom_payload(many)["markdown"]["content"]
    assert len(content.encode()) <= 4096
    shown = content.count("`anomaly.risky_seller`")
    assert 0 < shown < 200
    assert content.endswith(
        f"……另有 {200 - shown} 条预警未显示 / {200 - shown} more alerts not shown"
    )


def test_dingtalk_markdown_and_signed_url() -> None:
    url = "https://oapi.dingtalk.com/robot/send?access_token=TOKEN"
    request = dingtalk_request([alert("a")], webhook_url=url, now=NOW, secret="SECtest")
    assert request.url == (
        f"{url}&timestamp=1717200000000&sign=g4Ggn5DRZhe6B6t%2BM5%2F94sewQRAYt1lxgQkg2T0YrNs%3D"
    )
    assert request.payload == dingtalk_payload([alert("a")])
    assert request.payload["msgtype"] == "markdown"
    assert request.payload["markdown"]["title"] == "发票预警：1 条预警（警告 1）"
    assert "The seller of a" in request.payload["markdown"]["text"]
    assert json.loads(request.body) == request.payload
    unsigned = dingtalk_request([alert("a")], webhook_url=url, now=NOW)
    assert unsigned.url == url


def test_feishu_text_payload_with_signature() -> None:
    payload = feishu_payload([alert("a")], now=NOW, secret="feishu-secret")
    assert payload["timestamp"] == "1717200000"
    assert payload["sign"] == FEISHU_B64
    assert payload["msg_type"] == "text"
    assert list(payload["content"]) == ["text"]
    text = payload["content"]["text"]
    assert text.startswith("发票预警 Fapiao alerts\n")
    assert "[警告 Warning] 发票 a 的销售方在风险名单上\nThe seller of a is on the risk list" in text
    assert "sign" not in feishu_payload([alert("a")], now=NOW)


def test_feishu_interactive_card_is_coloured_by_the_worst_severity() -> None:
    alerts = [alert("a"), alert("b", severity=Severity.ERROR)]
    payload = feishu_payload(alerts, now=NOW, card=True)
    assert payload["msg_type"] == "interactive"
    card = payload["card"]
    assert card["header"]["template"] == "red"
    assert card["header"]["title"] == {"tag": "plain_text", "content": "发票预警 Fapiao alerts"}
    [element] = card["elements"]
    assert element["tag"] == "div"
    assert element["text"]["tag"] == "lark_md"
    assert element["text"]["content"].index("b 的销售方") < element["text"]["content"].index(
        "a 的销售方"
    )


def test_email_is_chinese_first_then_english() -> None:
    payload = render_email(
        [alert("a"), alert("b", severity=Severity.ERROR)], company_name="示例公司"
    )
    assert payload.subject == (
        "【发票预警】示例公司：2 条预警（错误 1、警告 1） / "
        "Fapiao alerts: 2 alerts (1 error, 1 warning)"
    )
    chinese, english = payload.body.split("—— English ——")
    assert "1. 发票 b 的销售方在风险名单上" in chinese
    assert "发票：24372000000000000001" in chinese
    assert "1. The seller of b is on the risk list" in english
    assert "Invoices: 24372000000000000001" in english
    message = payload.to_message(sender="fapiao@example.com", recipients=["a@example.com"])
    assert message["Subject"] == payload.subject
    assert message.get_content().startswith("示例公司：2 条预警")


def test_email_subject_of_one_alert_names_it() -> None:
    payload = render_email([alert("a")])
    assert (
        payload.subject
        == "【发票预警】发票 a 的销售方在风险名单上 / Fapiao alerts: 1 alert (1 warning)"
    )
