"""Fill the English catalogue from the "中文 · English" source strings.

Source strings are written as Chinese-English pairs; the English translation of such a string is
its part after " · ".  Run after ``makemessages -l en --no-wrap``, then ``compilemessages``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

CATALOGUE = Path(__file__).resolve().parents[3] / "locale" / "en" / "LC_MESSAGES" / "django.po"
SEPARATOR = re.compile(r"\s*·\s+")
ENTRY = re.compile(r'^msgid "(?P<id>(?:[^"\\]|\\.)+)"\nmsgstr ""$', re.MULTILINE)

# Chinese-only strings (e-mail bodies) and their English.
EXTRA = {
    "您好，": "Hello,",
    "请打开以下链接验证您的邮箱（3 天内有效）：": "Open this link to verify your e-mail address:",
    "有人申请重置您在发票管理系统的密码。如果是您本人，请打开以下链接：": (
        "Someone asked to reset your fapiao password. If it was you, open this link:"
    ),
    "如果不是您本人申请，请忽略此邮件。": "If it was not you, ignore this e-mail.",
    "红字": "Red-letter",
    "发票汇总表": "Invoice summary",
}


def english(message_id: str) -> str:
    """The English part of a "中文 · English" string ("" when it has none)."""
    if message_id in EXTRA:
        return EXTRA[message_id]
    parts = SEPARATOR.split(message_id, maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


def fill(text: str) -> str:
    """The catalogue text with every empty translation of a pair filled in."""

    def replace(match: re.Match[str]) -> str:
        message_id = match.group("id")
        translation = english(message_id).replace('"', '\\"') if '\\"' not in message_id else ""
        return f'msgid "{message_id}"\nmsgstr "{translation}"'

    text = text.replace(
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: PACKAGE VERSION',
        ('msgid ""\nmsgstr ""\n"Project-Id-Version: fapiao'),
    )
    text = text.replace('"Language: \\n"', '"Language: en\\n"')
    text = text.replace("charset=CHARSET", "charset=UTF-8")
    return ENTRY.sub(replace, text)


class Command(BaseCommand):
    """``django-admin fill_english``."""

    help = "Fill empty English translations from the '中文 · English' source strings."

    def handle(self, *args: Any, **options: Any) -> None:
        CATALOGUE.write_text(fill(CATALOGUE.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"filled {CATALOGUE}")
