"""Writes of alerts: record what the detectors found, change an alert's status, and keep a
company's channels, thresholds, risk list (异常凭证/失控发票) and holiday calendar.

Every change writes an event.  New alerts are delivered after commit
(:func:`fapiao.web.alerts.services_delivery.alerts_deliver`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from fapiao.core.anomalies import Alert as CoreAlert
from fapiao.core.anomalies import AnomalyThresholds, read_calendar_csv, read_risk_list
from fapiao.core.errors import FapiaoError
from fapiao.core.findings import Severity
from fapiao.web.alerts.models import Alert, AlertChannel, AlertSettings, AlertStatus, ChannelKind
from fapiao.web.alerts.secrets import secret_seal
from fapiao.web.alerts.thresholds import thresholds_to_json
from fapiao.web.companies.models import Company
from fapiao.web.events.services import event_record

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    AlertStatus.OPEN: frozenset({AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED}),
    AlertStatus.ACKNOWLEDGED: frozenset({AlertStatus.OPEN, AlertStatus.RESOLVED}),
    AlertStatus.RESOLVED: frozenset({AlertStatus.OPEN}),
}


class AlertTransitionError(FapiaoError):
    """The status change is not allowed from the alert's current status."""

    code = "alerts.transition"
    default_message = "不允许的预警状态变更"
    default_message_en = "This alert status change is not allowed"


def company_key(company: Company) -> str:
    """How alerts name the company (the key of de-duplication and of the webhook body)."""
    return company.tax_id


def alert_to_core(row: Alert) -> CoreAlert:
    """A stored alert as the core's alert (for rendering and throttling)."""
    return CoreAlert(
        row.code,
        Severity(row.severity),
        company_key(row.company),
        row.subject,
        row.message,
        row.message_en,
        dict(row.values),
        tuple((str(i[0]), str(i[1])) for i in row.invoices),
    )


def alerts_record(
    *, company: Company, found: Sequence[CoreAlert], now: dt.datetime | None = None
) -> list[Alert]:
    """Keep what the detectors found: a new subject makes an alert, a known one is seen again
    (a resolved one reopens).  New and reopened alerts are delivered after commit."""
    now = now or timezone.now()
    touched: list[Alert] = []
    fresh = False
    with transaction.atomic(durable=True):
        for item in found:
            row = (
                Alert.objects.select_for_update()
                .filter(company=company, code=item.code, subject=item.subject[:255])
                .first()
            )
            data: dict[str, Any] = {
                "severity": item.severity.value,
                "message": item.message,
                "message_en": item.message_en,
                "values": item.as_dict()["values"],
                "invoices": [list(i) for i in item.invoices],
                "last_seen_at": now,
            }
            if row is None:
                row = Alert.objects.create(
                    company=company,
                    code=item.code,
                    subject=item.subject[:255],
                    first_seen_at=now,
                    **data,
                )
                event_record(
                    company=company,
                    actor=None,
                    action="alert.raised",
                    obj=row,
                    before=None,
                    after={"code": row.code, "subject": row.subject},
                )
                fresh = True
            else:
                before = row.status
                for name, value in data.items():
                    setattr(row, name, value)
                row.occurrences += 1
                if row.status == AlertStatus.RESOLVED:
                    row.status = AlertStatus.OPEN
                    event_record(
                        company=company,
                        actor=None,
                        action="alert.reopened",
                        obj=row,
                        before={"status": before},
                        after={"status": row.status},
                    )
                    fresh = True
                row.save()
            touched.append(row)
        if fresh:
            from fapiao.web.alerts.services_delivery import alerts_deliver

            company_id = company.pk
            transaction.on_commit(lambda: alerts_deliver(company_id=company_id))
    return touched


def alert_transition(*, alert: Alert, actor: AbstractBaseUser | None, status: str) -> Alert:
    """确认 / 解决 / 重新打开 an alert, if the transition is allowed."""
    with transaction.atomic(durable=True):
        row = Alert.objects.select_for_update().get(pk=alert.pk)
        if status not in ALLOWED_TRANSITIONS[row.status]:
            raise AlertTransitionError(
                f"预警不能从“{row.get_status_display()}”改为“{status}”",
                f"An alert cannot go from {row.status} to {status}",
            )
        before = row.status
        row.status = status
        row.save(update_fields=["status"])
        event_record(
            company=row.company,
            actor=actor,
            action="alert.status_changed",
            obj=row,
            before={"status": before},
            after={"status": status},
        )
    return row


def _settings_locked(company: Company) -> AlertSettings:
    row, _ = AlertSettings.objects.select_for_update().get_or_create(company=company)
    return row


def thresholds_save(
    *, company: Company, actor: AbstractBaseUser | None, thresholds: AnomalyThresholds
) -> AlertSettings:
    """Keep the company's alert thresholds (only what differs from the defaults is stored)."""
    with transaction.atomic(durable=True):
        row = _settings_locked(company)
        before = dict(row.thresholds)
        row.thresholds = thresholds_to_json(thresholds)
        row.save(update_fields=["thresholds"])
        event_record(
            company=company,
            actor=actor,
            action="alert_settings.thresholds_saved",
            obj=row,
            before=before,
            after=row.thresholds,
        )
    return row


def risk_list_upload(
    *, company: Company, actor: AbstractBaseUser | None, data: bytes, filename: str
) -> AlertSettings:
    """Replace the company's risk list (异常凭证/失控发票) with an uploaded CSV or workbook."""
    entries = read_risk_list(data, filename=filename)
    stored = [
        {
            "tax_id": e.tax_id,
            "name": e.name,
            "list_type": e.list_type,
            "listed_date": e.listed_date.isoformat() if e.listed_date else None,
        }
        for e in entries
    ]
    with transaction.atomic(durable=True):
        row = _settings_locked(company)
        before = {"entries": len(row.risk_list), "file": row.risk_list_name}
        row.risk_list = stored
        row.risk_list_name = filename[:255]
        row.risk_list_uploaded_at = timezone.now()
        row.save(update_fields=["risk_list", "risk_list_name", "risk_list_uploaded_at"])
        event_record(
            company=company,
            actor=actor,
            action="alert_settings.risk_list_uploaded",
            obj=row,
            before=before,
            after={"entries": len(stored), "file": row.risk_list_name},
        )
    return row


def calendar_upload(
    *, company: Company, actor: AbstractBaseUser | None, data: bytes
) -> AlertSettings:
    """Add uploaded calendar days (CSV ``date,type``: 休/班) for years the package does not know;
    an uploaded day replaces the same day uploaded before."""
    days = read_calendar_csv(data)
    with transaction.atomic(durable=True):
        row = _settings_locked(company)
        before = {"days": len(row.calendar)}
        row.calendar = {
            **row.calendar,
            **{day.isoformat(): kind.value for day, kind in sorted(days.items())},
        }
        row.calendar_uploaded_at = timezone.now()
        row.save(update_fields=["calendar", "calendar_uploaded_at"])
        event_record(
            company=company,
            actor=actor,
            action="alert_settings.calendar_uploaded",
            obj=row,
            before=before,
            after={"days": len(row.calendar), "uploaded": len(days)},
        )
    return row


def channel_save(
    *,
    company: Company,
    actor: AbstractBaseUser | None,
    kind: str,
    target: str,
    secret: str | None = None,
    is_enabled: bool = True,
    max_per_hour: int = 10,
    channel: AlertChannel | None = None,
) -> AlertChannel:
    """Add or change a delivery channel; ``secret=None`` keeps the stored secret."""
    kind = ChannelKind(kind)
    with transaction.atomic(durable=True):
        if channel is None:
            row = AlertChannel(company=company, kind=kind)
            before = None
        else:
            row = AlertChannel.objects.select_for_update().get(pk=channel.pk, company=company)
            before = {"kind": row.kind, "target": row.target, "is_enabled": row.is_enabled}
        row.kind, row.target, row.is_enabled = kind, target.strip(), is_enabled
        row.max_per_hour = max(1, max_per_hour)
        if secret is not None:
            row.secret = secret_seal(company_id=company.pk, secret=secret)
        row.save()
        event_record(
            company=company,
            actor=actor,
            action="alert_channel.saved",
            obj=row,
            before=before,
            after={
                "kind": row.kind,
                "target": row.target,
                "is_enabled": row.is_enabled,
                "has_secret": bool(row.secret),
            },
        )
    return row


def channel_delete(*, channel: AlertChannel, actor: AbstractBaseUser | None) -> None:
    """Remove a delivery channel (its send records go with it)."""
    with transaction.atomic(durable=True):
        event_record(
            company=channel.company,
            actor=actor,
            action="alert_channel.deleted",
            obj=channel,
            before={"kind": channel.kind, "target": channel.target},
            after=None,
        )
        channel.delete()
