"""连号发票 (consecutive numbers): many invoices from one seller with consecutive numbers.

Legacy 发票号码 are 8 digits, sequential within one 发票代码; 数电 numbers are 20 digits whose
last 15 are a sequence within a year + region + channel prefix (formats reference §1).  A seller
that sells to you again and again now and then issues two numbers in a row; a long run means
the seller issues almost nothing to anyone else, which is worth a look (虚开, split sales).
Sales invoices (the company is the seller) are left out: its own numbers are consecutive.
"""

from __future__ import annotations

from collections.abc import Iterable

from fapiao.core.anomalies.base import (
    DEFAULT_THRESHOLDS,
    Alert,
    AnomalyThresholds,
    buyer_key,
    identity_label,
    normalise_id,
    seller_key,
)
from fapiao.core.findings import Severity
from fapiao.core.invoice import Direction, Invoice

CONSECUTIVE_NUMBERS = "anomaly.consecutive_numbers"

_DIGITAL_PREFIX = 5  # YY + region (2) + channel (1)


def _series(invoice: Invoice) -> tuple[str, int] | None:
    """(series, position): the 发票代码 or 数电 prefix, and the number within it."""
    identity = invoice.identity
    if identity is None:
        return None
    code, number = (normalise_id(part) for part in identity)
    if not number.isdigit():
        return None
    if not code and len(number) == 20:
        return (number[:_DIGITAL_PREFIX], int(number[_DIGITAL_PREFIX:]))
    if code and len(number) == 8:
        return (code, int(number))
    return None


def detect_consecutive_numbers(
    company: str,
    invoices: Iterable[Invoice],
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> list[Alert]:
    """One alert per run of at least ``consecutive_min_run`` consecutive numbers from one seller
    to one buyer within one series."""
    groups: dict[tuple[str, str, str], dict[int, Invoice]] = {}
    for invoice in invoices:
        if invoice.direction is Direction.SALES or not seller_key(invoice):
            continue
        series = _series(invoice)
        if series is None:
            continue
        key = (seller_key(invoice), buyer_key(invoice), series[0])
        groups.setdefault(key, {}).setdefault(series[1], invoice)
    alerts = []
    for (seller, buyer, prefix), by_number in sorted(groups.items()):
        for run in _runs(sorted(by_number)):
            if len(run) >= thresholds.consecutive_min_run:
                members = [by_number[n] for n in run]
                alerts.append(_alert(company, seller, buyer, prefix, members))
    return alerts


def _runs(numbers: list[int]) -> list[list[int]]:
    """Maximal runs of consecutive integers in a sorted list."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def _alert(company: str, seller: str, buyer: str, series: str, members: list[Invoice]) -> Alert:
    labels = [identity_label(i.identity) for i in members if i.identity]
    name = members[0].seller.name or seller
    first, last = labels[0], labels[-1]
    return Alert(
        CONSECUTIVE_NUMBERS,
        Severity.WARNING,
        company,
        f"run:{seller}:{buyer}:{first}",
        f"{name} 开具了 {len(members)} 张连号发票：{first} 至 {last}",
        f"{name} issued {len(members)} invoices with consecutive numbers: {first} to {last}",
        {
            "seller": seller,
            "buyer": buyer,
            "series": series,
            "count": len(members),
            "first": first,
            "last": last,
        },
        tuple(i.identity for i in members if i.identity),
    )
