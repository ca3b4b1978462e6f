"""Reads of alerts: company-scoped, keyword-only."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from fapiao.core.anomalies import AnomalyThresholds
from fapiao.web.alerts.models import Alert, AlertChannel, AlertSettings
from fapiao.web.alerts.thresholds import thresholds_from_json
from fapiao.web.companies.models import Company


def alert_list(*, company: Company, status: str | None = None) -> QuerySet[Alert]:
    """A company's alerts, most recently seen first."""
    rows = Alert.objects.filter(company=company)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-last_seen_at", "-pk")


def alert_get(*, company: Company, pk: int) -> Alert:
    """One alert of the company (``Alert.DoesNotExist`` for another company's)."""
    return Alert.objects.get(company=company, pk=pk)


def channel_list(*, company: Company) -> QuerySet[AlertChannel]:
    """A company's delivery channels."""
    return AlertChannel.objects.filter(company=company).order_by("kind", "pk")


def channel_get(*, company: Company, pk: int) -> AlertChannel:
    """One channel of the company (``AlertChannel.DoesNotExist`` for another company's)."""
    return AlertChannel.objects.get(company=company, pk=pk)


def alert_settings_get(*, company: Company) -> AlertSettings:
    """The company's alert settings (unsaved defaults when it has none yet)."""
    found = AlertSettings.objects.filter(company=company).first()
    return found if found is not None else AlertSettings(company=company)


def thresholds_get(*, company: Company) -> AnomalyThresholds:
    """The company's thresholds (the defaults where it set none)."""
    return thresholds_from_json(alert_settings_get(company=company).thresholds)


def alert_counts_by_code() -> list[tuple[str, str, int]]:
    """``(code, status, count)`` over every company (for the metrics endpoint)."""
    rows = Alert.objects.values("code", "status").annotate(n=Count("pk")).order_by("code", "status")
    return [(r["code"], r["status"], r["n"]) for r in rows]
