"""Delivery of a company's open alerts on each of its channels, de-duplicated and rate-limited
by :mod:`fapiao.core.alerts.throttle` over the record of earlier sends (:class:`AlertDelivery`).

An alert sent on a channel is not sent there again within 24 hours; at most ``max_per_hour``
messages go out per channel in any rolling hour, the excess summarised in one digest; with no
budget left the rest waits for the next run (nothing is dropped: alerts stay open until
someone resolves them).  A failed send is recorded as failed and tried again next time.  The
send records are written (under a lock on the channel row) before the messages go out, so two
workers never send the same batch twice, and no database lock is held during HTTP or SMTP (a
process killed between the two leaves the alert open: it goes out again after the 24 hours).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fapiao.core.alerts import SentAlert, deduplicate, rate_limit
from fapiao.core.alerts.throttle import DEFAULT_DEDUP_WINDOW
from fapiao.core.anomalies import Alert as CoreAlert
from fapiao.web.alerts.delivery import send
from fapiao.web.alerts.models import Alert, AlertChannel, AlertDelivery, AlertStatus
from fapiao.web.alerts.secrets import secret_open
from fapiao.web.alerts.services import alert_to_core, company_key
from fapiao.web.companies.models import Company

_LOOKBACK = max(DEFAULT_DEDUP_WINDOW, dt.timedelta(hours=1))


def _previous(channel: AlertChannel, now: dt.datetime) -> list[SentAlert]:
    rows = AlertDelivery.objects.filter(
        channel=channel, succeeded=True, sent_at__gte=now - _LOOKBACK
    ).values_list("code", "subject", "sent_at", "in_digest")
    key = company_key(channel.company)
    return [SentAlert(c, key, s, str(channel.pk), at, d) for c, s, at, d in rows]


def _reserve(
    channel: AlertChannel, alerts: list[CoreAlert], now: dt.datetime, *, in_digest: bool = False
) -> list[AlertDelivery]:
    """Send records written before sending (as sent), so a second worker does not send again."""
    return AlertDelivery.objects.bulk_create(
        AlertDelivery(
            company_id=channel.company_id,
            channel=channel,
            code=a.code,
            subject=a.subject[:255],
            sent_at=now,
            in_digest=in_digest,
            succeeded=True,
        )
        for a in alerts
    )


def channel_deliver(*, channel: AlertChannel, alerts: list[CoreAlert], now: dt.datetime) -> int:
    """Send what is due on one channel; messages that went out.

    The plan (de-duplication, hourly budget) is made and its send records are written in one
    short transaction that locks the channel row; the HTTP and SMTP calls happen after it, with
    no database lock held; a send that fails marks its records failed, to be tried again.
    """
    with transaction.atomic(durable=True):
        channel = (
            AlertChannel.objects.select_for_update().select_related("company").get(pk=channel.pk)
        )
        previous = _previous(channel, now)
        name = str(channel.pk)
        fresh = deduplicate(alerts, previous, channel=name, now=now)
        if not fresh:
            return 0
        plan = rate_limit(fresh, previous, channel=name, now=now, max_per_hour=channel.max_per_hour)
        messages = [([a], _reserve(channel, [a], now)) for a in plan.send]
        if plan.digest is not None:
            rows = _reserve(channel, [plan.digest], now)
            rows += _reserve(channel, plan.covered, now, in_digest=True)
            messages.append(([plan.digest], rows))
    secret = secret_open(company_id=channel.company_id, sealed=channel.secret)
    sent = 0
    for body, rows in messages:
        outcome = send(
            channel.kind,
            body,
            target=channel.target,
            secret=secret,
            company_key=company_key(channel.company),
            company_name=channel.company.name,
            now=now,
        )
        if not outcome.ok:
            AlertDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                succeeded=False, error=outcome.error[:2000]
            )
        sent += outcome.ok
    return sent


def alerts_deliver(*, company_id: int, now: dt.datetime | None = None) -> int:
    """Deliver the company's open alerts on every enabled channel; messages that went out."""
    now = now or timezone.now()
    company = Company.objects.get(pk=company_id)
    rows = Alert.objects.filter(company=company, status=AlertStatus.OPEN).select_related("company")
    alerts = [alert_to_core(row) for row in rows]
    if not alerts:
        return 0
    total = 0
    for channel in AlertChannel.objects.filter(company=company, is_enabled=True).order_by("pk"):
        total += channel_deliver(channel=channel, alerts=alerts, now=now)
    return total
