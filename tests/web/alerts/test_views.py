"""Alert pages: the list and status changes, the settings page, uploads; company scoping."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fapiao.web.alerts.models import Alert, AlertChannel, AlertSettings, AlertStatus
from fapiao.web.alerts.selectors import thresholds_get
from fapiao.web.companies.models import Role
from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db


def _alert(company, **kw) -> Alert:
    defaults = {
        "code": "anomaly.buyer_mismatch",
        "severity": "error",
        "subject": "invoice:1",
        "message": "购买方不是本公司",
        "message_en": "Not addressed to the company",
    }
    return Alert.objects.create(company=company, **{**defaults, **kw})


def test_the_list_shows_only_the_current_companys_open_alerts(client, company, other_company):
    user = UserFactory()
    login_as(client, user, company, Role.VIEWER)
    _alert(company, message="本公司的预警")
    _alert(other_company, message="别家的预警")
    _alert(company, subject="invoice:2", message="已解决的预警", status=AlertStatus.RESOLVED)

    page = client.get(reverse("alerts:list")).content.decode()

    assert "本公司的预警" in page
    assert "别家的预警" not in page
    assert "已解决的预警" not in page
    assert "已解决的预警" in client.get(reverse("alerts:list") + "?status=all").content.decode()


def test_a_reviewer_resolves_an_alert_and_another_companys_is_404(client, company, other_company):
    user = UserFactory()
    login_as(client, user, company, Role.REVIEWER)
    mine, theirs = _alert(company), _alert(other_company)

    response = client.post(reverse("alerts:status", args=[mine.pk]), {"status": "resolved"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == AlertStatus.RESOLVED
    assert (
        client.post(reverse("alerts:status", args=[theirs.pk]), {"status": "resolved"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == AlertStatus.OPEN


def test_a_viewer_cannot_change_an_alert(client, company):
    login_as(client, UserFactory(), company, Role.VIEWER)
    alert = _alert(company)
    assert (
        client.post(reverse("alerts:status", args=[alert.pk]), {"status": "resolved"}).status_code
        == 403
    )


def test_settings_are_for_admins(client, company):
    login_as(client, UserFactory(), company, Role.CLERK)
    assert client.get(reverse("alerts:settings")).status_code == 403


def test_an_admin_adds_a_channel_with_a_sealed_secret_and_removes_it(client, company):
    login_as(client, UserFactory(), company, Role.ADMIN)
    assert client.get(reverse("alerts:settings")).status_code == 200
    response = client.post(
        reverse("alerts:channel_add"),
        {
            "kind": "webhook",
            "target": "https://hooks.example.cn/fapiao",
            "secret": "top-secret",
            "max_per_hour": 5,
        },
    )
    assert response.status_code == 302
    channel = AlertChannel.objects.get(company=company)
    assert channel.secret
    assert "top-secret" not in channel.secret
    page = client.get(reverse("alerts:settings")).content.decode()
    assert "top-secret" not in page
    assert "https://hooks.example.cn/fapiao" in page

    other = AlertChannel.objects.create(company=CompanyFactory(), kind="wecom", target="https://x")
    assert client.post(reverse("alerts:channel_delete", args=[other.pk])).status_code == 404
    client.post(reverse("alerts:channel_delete", args=[channel.pk]))
    assert not AlertChannel.objects.filter(company=company).exists()


def test_a_bad_channel_address_is_refused_with_the_reason(client, company):
    login_as(client, UserFactory(), company, Role.ADMIN)
    response = client.post(
        reverse("alerts:channel_add"),
        {"kind": "email", "target": "not-an-address", "max_per_hour": 10},
    )
    assert response.status_code == 400
    assert "电子邮件地址无效" in response.content.decode()
    response = client.post(
        reverse("alerts:channel_add"),
        {"kind": "webhook", "target": "ftp://x", "max_per_hour": 10},
    )
    assert response.status_code == 400
    assert not AlertChannel.objects.exists()


def test_thresholds_risk_list_and_calendar_are_saved_per_company(client, company, other_company):
    login_as(client, UserFactory(), company, Role.ADMIN)
    form = client.get(reverse("alerts:settings")).context["thresholds_form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data = {k: v for k, v in data.items() if v is not False}
    data["approval_threshold"] = "5000"
    assert client.post(reverse("alerts:thresholds"), data).status_code == 302

    csv = "纳税人识别号,名称\n91440300MA5RISKY01,风险公司\n".encode()
    client.post(
        reverse("alerts:risk_list"), {"risk-file": SimpleUploadedFile("risk.csv", csv, "text/csv")}
    )
    client.post(
        reverse("alerts:calendar"),
        {"calendar-file": SimpleUploadedFile("cal.csv", "2031-01-01,休\n".encode(), "text/csv")},
    )

    saved = AlertSettings.objects.get(company=company)
    assert Decimal(saved.thresholds["approval_threshold"]) == Decimal(5000)
    assert thresholds_get(company=company).approval_threshold == Decimal(5000)
    assert thresholds_get(company=other_company).approval_threshold == Decimal(10000)
    assert [e["tax_id"] for e in saved.risk_list] == ["91440300MA5RISKY01"]
    assert saved.calendar == {"2031-01-01": "holiday"}
    assert not AlertSettings.objects.filter(company=other_company).exists()


def test_alerts_appear_in_the_menu(client, company):
    login_as(client, UserFactory(), company, Role.VIEWER)
    page = client.get(reverse("alerts:list")).content.decode()
    assert reverse("alerts:list") in page
