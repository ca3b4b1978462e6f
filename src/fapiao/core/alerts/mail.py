"""邮件预警 (alert e-mail): subject and body, Chinese first and English second.

Only the payload is built here (a stdlib :class:`email.message.EmailMessage` on request); sending
over SMTP belongs to the web layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from fapiao.core.alerts.render import TITLE, TITLE_EN, invoices_text, ordered, summary
from fapiao.core.anomalies.base import Alert

_SUBJECT_MESSAGE_CHARS = 60


@dataclass(frozen=True, slots=True)
class EmailPayload:
    """An alert e-mail: subject and plain-text body."""

    subject: str
    body: str

    def to_message(self, *, sender: str, recipients: Sequence[str]) -> EmailMessage:
        """The stdlib message, ready for ``smtplib.SMTP.send_message``."""
        message = EmailMessage()
        message["Subject"] = self.subject
        message["From"] = sender
        message["To"] = ", ".join(recipients)
        message.set_content(self.body, charset="utf-8")
        return message


def _short(text: str) -> str:
    return text if len(text) <= _SUBJECT_MESSAGE_CHARS else text[: _SUBJECT_MESSAGE_CHARS - 1] + "…"


def render_email(alerts: Sequence[Alert], *, company_name: str | None = None) -> EmailPayload:
    """The e-mail for a batch of alerts of one company."""
    if not alerts:
        raise ValueError("no alerts to render")
    items = ordered(alerts)
    zh, en = summary(items)
    who = f"{company_name}：" if company_name else ""
    who_en = f"{company_name}: " if company_name else ""
    if len(items) == 1:
        subject = f"【{TITLE}】{who}{_short(items[0].message)} / {TITLE_EN}: {en}"
    else:
        subject = f"【{TITLE}】{who}{zh} / {TITLE_EN}: {en}"
    lines = [f"{who}{zh}", ""]
    for number, alert in enumerate(items, start=1):
        lines.append(f"{number}. {alert.message}")
        lines.append(f"   代码：{alert.code}")
        if alert.invoices:
            lines.append(f"   发票：{invoices_text(alert)}")
    lines += ["", "—— English ——", "", f"{who_en}{en}", ""]
    for number, alert in enumerate(items, start=1):
        lines.append(f"{number}. {alert.message_en}")
        lines.append(f"   Code: {alert.code}")
        if alert.invoices:
            lines.append(f"   Invoices: {invoices_text(alert)}")
    return EmailPayload(subject, "\n".join(lines) + "\n")
