"""金额异常 (amount anomalies): splitting under an approval threshold, and amounts far outside a
seller's own history.

- 拆分报销 (splitting): several invoices from one seller to one buyer within a few days, each
  just under the approval threshold (审批金额), together above it.
- 金额离群 (outlier): the modified z-score of Iglewicz & Hoaglin (1993),
  ``0.6745 × (x − median) / MAD``, over the seller's earlier invoices; above 3.5 is an outlier.
  When the MAD is 0 the mean absolute deviation stands in (``(x − median) / (1.253314 × MeanAD)``).
  A seller with too little history is not judged, and the amount must also differ from the
  median by a factor, so that a seller with very regular amounts does not alert on small changes.
Amounts are 价税合计 (what is paid); red (红字) and non-positive invoices are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from fapiao.core.anomalies.base import (
    DEFAULT_THRESHOLDS,
    Alert,
    AnomalyThresholds,
    buyer_key,
    identities,
    invoice_label,
    is_blue,
    money,
    seller_key,
)
from fapiao.core.findings import Severity
from fapiao.core.invoice import Invoice

SPLIT_UNDER_THRESHOLD = "anomaly.split_under_threshold"
AMOUNT_OUTLIER = "anomaly.amount_outlier"

_MAD_SCALE = Decimal("0.6745")
_MEAN_AD_SCALE = Decimal("1.253314")
_INFINITY = Decimal("Infinity")


def _gross(invoice: Invoice) -> Decimal:
    assert invoice.gross_amount is not None
    return invoice.gross_amount


def _order(invoice: Invoice) -> tuple[dt.date, str]:
    return (invoice.issue_date or dt.date.min, invoice_label(invoice))


def detect_split_amounts(
    company: str,
    invoices: Iterable[Invoice],
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> list[Alert]:
    """Groups of invoices from one seller to one buyer, each just under the approval threshold,
    issued within the window and together above the threshold."""
    limit = thresholds.approval_threshold
    floor = limit * (1 - thresholds.split_margin)
    window = dt.timedelta(days=thresholds.split_window_days)
    groups: dict[tuple[str, str], list[Invoice]] = {}
    for invoice in invoices:
        if not is_blue(invoice) or invoice.issue_date is None:
            continue
        if floor <= _gross(invoice) < limit and seller_key(invoice):
            groups.setdefault((seller_key(invoice), buyer_key(invoice)), []).append(invoice)
    alerts = []
    for (seller, buyer), members in sorted(groups.items()):
        members.sort(key=_order)
        dates = [i.issue_date or dt.date.min for i in members]
        start = 0
        while start < len(members):
            end = start
            while end + 1 < len(members) and dates[end + 1] - dates[start] <= window:
                end += 1
            group = members[start : end + 1]
            total = sum((_gross(i) for i in group), Decimal(0))
            if len(group) >= thresholds.split_min_count and total > limit:
                alerts.append(_split_alert(company, seller, buyer, group, total, thresholds))
                start = end + 1
            else:
                start += 1
    return alerts


def _split_alert(
    company: str,
    seller: str,
    buyer: str,
    group: list[Invoice],
    total: Decimal,
    thresholds: AnomalyThresholds,
) -> Alert:
    labels = [invoice_label(i) for i in group]
    first, last = group[0].issue_date, group[-1].issue_date
    assert first is not None
    assert last is not None
    name = group[0].seller.name or seller
    limit = money(thresholds.approval_threshold)
    return Alert(
        SPLIT_UNDER_THRESHOLD,
        Severity.WARNING,
        company,
        f"split:{seller}:{buyer}:{labels[0]}",
        f"疑似拆分报销：{name} 在 {first.isoformat()} 至 {last.isoformat()} 开具 {len(group)} 张"
        f"略低于审批金额 {limit} 的发票（{'、'.join(labels)}），合计 {money(total)}",
        f"Possible split to avoid approval: {name} issued {len(group)} invoices just under the "
        f"approval threshold {limit} from {first.isoformat()} to {last.isoformat()} "
        f"({', '.join(labels)}), {money(total)} in total",
        {
            "seller": seller,
            "buyer": buyer,
            "count": len(group),
            "total": total,
            "approval_threshold": thresholds.approval_threshold,
            "first_date": first,
            "last_date": last,
        },
        identities(group),
    )


def _median(values: list[Decimal]) -> Decimal:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def modified_z_score(value: Decimal, history: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(z, median, MAD) of a value against earlier values (Iglewicz & Hoaglin)."""
    median = _median(history)
    deviations = [abs(x - median) for x in history]
    mad = _median(deviations)
    if mad > 0:
        return _MAD_SCALE * (value - median) / mad, median, mad
    mean_ad = sum(deviations, Decimal(0)) / len(deviations)
    if mean_ad > 0:
        return (value - median) / (_MEAN_AD_SCALE * mean_ad), median, mad
    if value == median:
        return Decimal(0), median, mad
    return (_INFINITY if value > median else -_INFINITY), median, mad


def detect_amount_outliers(
    company: str,
    invoices: Iterable[Invoice],
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> list[Alert]:
    """Invoices whose amount is far outside the seller's earlier invoices."""
    by_seller: dict[str, list[Invoice]] = {}
    for invoice in invoices:
        if is_blue(invoice) and invoice.issue_date is not None and seller_key(invoice):
            by_seller.setdefault(seller_key(invoice), []).append(invoice)
    alerts = []
    for seller, members in sorted(by_seller.items()):
        members.sort(key=_order)
        for index in range(thresholds.outlier_min_history, len(members)):
            start = max(0, index - thresholds.outlier_max_history)
            history = [_gross(i) for i in members[start:index]]
            invoice = members[index]
            value = _gross(invoice)
            z, median, mad = modified_z_score(value, history)
            ratio = thresholds.outlier_min_ratio
            far = value >= median * ratio or value * ratio <= median
            if abs(z) > thresholds.outlier_z and far:
                found = _outlier_alert(company, seller, invoice, len(history), z, median, mad)
                alerts.append(found)
    return alerts


def _outlier_alert(
    company: str,
    seller: str,
    invoice: Invoice,
    count: int,
    z: Decimal,
    median: Decimal,
    mad: Decimal,
) -> Alert:
    label = invoice_label(invoice)
    name = invoice.seller.name or seller
    shown = "∞" if z.is_infinite() else f"{z.quantize(Decimal('0.01'))}"
    value = _gross(invoice)
    return Alert(
        AMOUNT_OUTLIER,
        Severity.WARNING,
        company,
        f"invoice:{label}",
        f"发票 {label} 金额 {money(value)} 远离 {name} 以往 {count} 张发票的中位数 "
        f"{money(median)}（修正 z 分数 {shown}）",
        f"Invoice {label} for {money(value)} is far from the median {money(median)} of "
        f"{name}'s {count} earlier invoices (modified z-score {shown})",
        {
            "invoice": label,
            "seller": seller,
            "gross_amount": value,
            "median": median,
            "mad": mad,
            "z": shown,
            "history": count,
        },
        (invoice.identity,) if invoice.identity else (),
    )
