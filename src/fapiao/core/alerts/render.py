"""预警文本 (alert text): the Chinese-first, English-second wording every channel shares.

Messages are cut by whole alerts, never inside one, to fit a channel's size limit; what does not
fit is counted in a closing line, so that nothing is dropped without a trace.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from fapiao.core.anomalies.base import SEVERITY_ORDER, Alert, identity_label
from fapiao.core.findings import Severity

SEVERITY_LABELS = {
    Severity.ERROR: ("错误", "Error"),
    Severity.WARNING: ("警告", "Warning"),
    Severity.INFO: ("提示", "Notice"),
}
TITLE = "发票预警"
TITLE_EN = "Fapiao alerts"


def ordered(alerts: Sequence[Alert]) -> list[Alert]:
    """Most urgent first, then by code and subject (stable for equal keys)."""
    return sorted(alerts, key=lambda a: (SEVERITY_ORDER[a.severity], a.code, a.subject))


def summary(alerts: Sequence[Alert]) -> tuple[str, str]:
    """(Chinese, English) count of alerts by severity, e.g. ``3 条预警（错误 1、警告 2）``."""
    counts = Counter(a.severity for a in alerts)
    present = [s for s in SEVERITY_ORDER if counts[s]]
    zh = "、".join(f"{SEVERITY_LABELS[s][0]} {counts[s]}" for s in present)
    en = ", ".join(f"{counts[s]} {SEVERITY_LABELS[s][1].lower()}" for s in present)
    noun = "alert" if len(alerts) == 1 else "alerts"
    return f"{len(alerts)} 条预警（{zh}）", f"{len(alerts)} {noun} ({en})"


def invoices_text(alert: Alert) -> str:
    """The invoices involved, as people read them."""
    return ", ".join(identity_label(i) for i in alert.invoices)


def text_block(alert: Alert) -> str:
    """One alert as plain text: Chinese line, English line, code."""
    zh, en = SEVERITY_LABELS[alert.severity]
    return f"[{zh} {en}] {alert.message}\n{alert.message_en}\n({alert.code})"


def markdown_block(alert: Alert) -> str:
    """One alert as chat-robot markdown: bold severity, Chinese line, English line, code."""
    zh, en = SEVERITY_LABELS[alert.severity]
    return f"**[{zh} {en}]** {alert.message}\n{alert.message_en}\n`{alert.code}`"


def fit(
    head: str,
    alerts: Sequence[Alert],
    block: Callable[[Alert], str],
    max_bytes: int,
    separator: str = "\n\n",
) -> str:
    """Head plus as many whole alert blocks as fit in ``max_bytes`` UTF-8, then a line counting
    the rest."""
    parts = [head]
    for index, alert in enumerate(alerts):
        rest = len(alerts) - index
        tail = f"……另有 {rest} 条预警未显示 / {rest} more alerts not shown"
        candidate = separator.join([*parts, block(alert)])
        following = separator.join([candidate, tail]) if rest > 1 else candidate
        if len(following.encode()) > max_bytes:
            return separator.join([*parts, tail])
        parts.append(block(alert))
    return separator.join(parts)
