"""Delivery: signed webhooks, the three group robots and e-mail, de-duplicated and rate-limited."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import pytest
from django.core import mail
from django.utils import timezone

from fapiao.core.alerts import verify_webhook
from fapiao.core.anomalies import Alert as CoreAlert
from fapiao.core.findings import Severity
from fapiao.web.alerts.models import Alert, AlertDelivery
from fapiao.web.alerts.secrets import secret_open
from fapiao.web.alerts.services import alerts_record, channel_save
from fapiao.web.alerts.services_delivery import alerts_deliver
from web.alerts.crafted import NOW, invoice

pytestmark = pytest.mark.django_db


def _alert(company, n: int, severity: Severity = Severity.WARNING) -> CoreAlert:
    return CoreAlert(
        "anomaly.buyer_mismatch",
        severity,
        company.tax_id,
        f"invoice:{n}",
        f"第 {n} 张发票的购买方不是本公司",
        f"Invoice {n} is not addressed to the company",
        {"n": n},
        (("", f"2532200000000000{n:04d}"),),
    )


def test_a_new_alert_reaches_the_webhook_after_commit_with_a_valid_signature(
    company, user, hook, django_capture_on_commit_callbacks
):
    channel = channel_save(
        company=company, actor=user, kind="webhook", target=f"{hook.url}/hook", secret="s3cret"
    )
    assert "s3cret" not in channel.secret
    assert secret_open(company_id=company.pk, sealed=channel.secret) == "s3cret"
    invoice(company, buyer_tax_id="91110000OTHER00001")
    from fapiao.web.alerts.detection import alerts_detect

    with django_capture_on_commit_callbacks(execute=True):
        alerts_detect(company=company, now=NOW)

    [received] = hook.requests
    assert received.path == "/hook"
    assert verify_webhook(received.body, received.headers, secret="s3cret", now=timezone.now())
    assert not verify_webhook(received.body, received.headers, secret="other", now=timezone.now())
    body = received.json()
    assert body["company"] == company.tax_id
    assert [a["code"] for a in body["alerts"]] == ["anomaly.buyer_mismatch"]
    assert AlertDelivery.objects.get().succeeded


def test_robots_get_their_own_message_formats(company, user, hook):
    channel_save(company=company, actor=user, kind="wecom", target=f"{hook.url}/wecom?key=K")
    channel_save(
        company=company,
        actor=user,
        kind="dingtalk",
        target=f"{hook.url}/ding?access_token=T",
        secret="SECding",
    )
    channel_save(
        company=company, actor=user, kind="feishu", target=f"{hook.url}/feishu", secret="fs"
    )
    alerts_record(company=company, found=[_alert(company, 1)], now=NOW)

    assert alerts_deliver(company_id=company.pk, now=NOW) == 3

    by_path = {urllib.parse.urlsplit(r.path).path: r for r in hook.requests}
    assert by_path["/wecom"].json()["msgtype"] == "markdown"
    assert "购买方" in by_path["/wecom"].json()["markdown"]["content"]
    ding = by_path["/ding"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(ding.path).query)
    assert query["access_token"] == ["T"]
    assert query["timestamp"] == [str(int(NOW.timestamp() * 1000))]
    assert query["sign"]
    assert ding.json()["msgtype"] == "markdown"
    feishu = by_path["/feishu"].json()
    assert feishu["msg_type"] == "interactive"
    assert feishu["timestamp"] == str(int(NOW.timestamp()))
    assert feishu["sign"]


def test_e_mail_goes_through_djangos_mail_backend(company, user):
    channel_save(company=company, actor=user, kind="email", target="a@example.cn, b@example.cn")
    alerts_record(company=company, found=[_alert(company, 1, Severity.ERROR)], now=NOW)

    assert alerts_deliver(company_id=company.pk, now=NOW) == 1

    [message] = mail.outbox
    assert message.to == ["a@example.cn", "b@example.cn"]
    assert "发票预警" in message.subject or "购买方" in message.subject
    assert "Invoice 1 is not addressed" in message.body


def test_an_alert_is_not_sent_again_on_a_channel_within_a_day(company, user, hook):
    channel_save(company=company, actor=user, kind="webhook", target=hook.url, secret="s")
    alerts_record(company=company, found=[_alert(company, 1)], now=NOW)

    assert alerts_deliver(company_id=company.pk, now=NOW) == 1
    assert alerts_deliver(company_id=company.pk, now=NOW + dt.timedelta(hours=23)) == 0
    assert alerts_deliver(company_id=company.pk, now=NOW + dt.timedelta(hours=25)) == 1
    assert len(hook.requests) == 2


def test_over_the_hourly_limit_the_rest_goes_in_one_digest_then_waits(company, user, hook):
    channel_save(
        company=company, actor=user, kind="webhook", target=hook.url, secret="s", max_per_hour=3
    )
    alerts_record(company=company, found=[_alert(company, n) for n in range(5)], now=NOW)

    assert alerts_deliver(company_id=company.pk, now=NOW) == 3

    bodies = [r.json() for r in hook.requests]
    assert [b["alerts"][0]["code"] for b in bodies] == [
        "anomaly.buyer_mismatch",
        "anomaly.buyer_mismatch",
        "alert.digest",
    ]
    assert bodies[2]["alerts"][0]["values"]["count"] == "3"
    assert AlertDelivery.objects.filter(in_digest=True).count() == 3
    # a new alert in the same hour: no budget left, it waits (nothing dropped)
    alerts_record(company=company, found=[_alert(company, 9)], now=NOW)
    assert alerts_deliver(company_id=company.pk, now=NOW + dt.timedelta(minutes=10)) == 0
    assert len(hook.requests) == 3
    assert alerts_deliver(company_id=company.pk, now=NOW + dt.timedelta(minutes=61)) == 1
    assert "invoice:9" in hook.requests[-1].body.decode()


def test_a_failed_send_is_recorded_and_tried_again(company, user, hook):
    channel_save(company=company, actor=user, kind="wecom", target=hook.url)
    alerts_record(company=company, found=[_alert(company, 1)], now=NOW)
    hook.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}

    assert alerts_deliver(company_id=company.pk, now=NOW) == 0
    failed = AlertDelivery.objects.get()
    assert not failed.succeeded
    assert "93000" in failed.error

    hook.answer = {"errcode": 0}
    hook.status = 200
    assert alerts_deliver(company_id=company.pk, now=NOW + dt.timedelta(minutes=1)) == 1


def test_an_unreachable_receiver_fails_quickly_without_raising(company, user):
    channel_save(
        company=company, actor=user, kind="webhook", target="http://127.0.0.1:9/", secret="s"
    )
    alerts_record(company=company, found=[_alert(company, 1)], now=NOW)
    assert alerts_deliver(company_id=company.pk, now=NOW) == 0
    assert "URLError" in AlertDelivery.objects.get().error or "Connection" in (
        AlertDelivery.objects.get().error
    )


def test_resolved_alerts_and_disabled_channels_send_nothing(company, user, hook):
    from fapiao.web.alerts.models import Alert, AlertStatus

    channel = channel_save(company=company, actor=user, kind="webhook", target=hook.url, secret="s")
    alerts_record(company=company, found=[_alert(company, 1)], now=NOW)
    Alert.objects.update(status=AlertStatus.RESOLVED)
    assert alerts_deliver(company_id=company.pk, now=NOW) == 0
    Alert.objects.update(status=AlertStatus.OPEN)
    channel_save(
        company=company,
        actor=user,
        kind="webhook",
        target=hook.url,
        is_enabled=False,
        channel=channel,
    )
    assert alerts_deliver(company_id=company.pk, now=NOW) == 0
    assert hook.requests == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_at_once_send_each_alert_once(hook):
    import threading

    from django.db import connection, connections

    from web.companies.factories import CompanyFactory

    if connection.vendor != "postgresql":
        # The SQLite test database is in memory with a shared cache, where a second writer gets
        # "table is locked" at once instead of waiting; the file database in production waits.
        pytest.skip("needs PostgreSQL: concurrent writers on the in-memory SQLite test database")
    company = CompanyFactory()
    channel_save(company=company, actor=None, kind="webhook", target=hook.url, secret="s")
    for n in range(3):  # stored directly: alerts_record would deliver them at once on commit
        Alert.objects.create(
            company=company,
            code="anomaly.buyer_mismatch",
            severity="warning",
            subject=f"invoice:{n}",
            message="m",
            message_en="m",
        )
    assert hook.requests == []
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            alerts_deliver(company_id=company.pk, now=NOW)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    subjects = sorted(r.json()["alerts"][0]["subject"] for r in hook.requests)
    assert subjects == ["invoice:0", "invoice:1", "invoice:2"]
