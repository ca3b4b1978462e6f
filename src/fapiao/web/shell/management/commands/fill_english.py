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
    """The catalogue text with every translation of a pair filled in from its source string.

    Empty translations are filled; so are entries that ``makemessages`` marked fuzzy (it guesses
    them from a similar old string: wrong, and never compiled), whose flag and previous-string
    lines are dropped.  Plural entries get the English of the singular and of the plural.
    """
    text = text.replace(
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: PACKAGE VERSION',
        ('msgid ""\nmsgstr ""\n"Project-Id-Version: fapiao'),
    )
    text = text.replace('"Language: \\n"', '"Language: en\\n"')
    text = text.replace("charset=CHARSET", "charset=UTF-8")
    return "\n\n".join(_fill_entry(block) for block in text.split("\n\n"))


def _fill_entry(block: str) -> str:
    lines = block.split("\n")
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
    if fuzzy:
        lines = [_unfuzzy(line) for line in lines if not line.startswith("#|")]
        lines = [line for line in lines if line != "#,"]
    fields = _fields(lines)
    message_id = fields.get("msgid", "")
    if not message_id or '\\"' in message_id:
        return "\n".join(lines)
    wanted = {"msgstr": message_id}
    if "msgid_plural" in fields:
        wanted = {"msgstr[0]": message_id, "msgstr[1]": fields["msgid_plural"]}
    out: list[str] = []
    skipping = False
    for line in lines:
        keyword = line.split(" ", 1)[0]
        if keyword in wanted and (fuzzy or fields.get(keyword) == ""):
            translation = english(wanted[keyword]).replace('"', '\\"')
            out.append(f'{keyword} "{translation}"')
            skipping = True  # drop the old value's continuation lines
            continue
        if skipping and line.startswith('"'):
            continue
        skipping = False
        out.append(line)
    return "\n".join(out)


def _unfuzzy(line: str) -> str:
    if not line.startswith("#,"):
        return line
    flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
    return "#, " + ", ".join(flags) if flags else "#,"


def _fields(lines: list[str]) -> dict[str, str]:
    """``msgid``, ``msgid_plural``, ``msgstr`` … of an entry, continuation lines joined."""
    fields: dict[str, str] = {}
    current = ""
    for line in lines:
        if line.startswith("#"):
            continue
        if line.startswith('"') and current:
            fields[current] += line[1:-1]
            continue
        keyword, _, value = line.partition(" ")
        if value.startswith('"') and value.endswith('"'):
            current = keyword
            fields[current] = value[1:-1]
    return fields


class Command(BaseCommand):
    """``django-admin fill_english``."""

    help = "Fill empty English translations from the '中文 · English' source strings."

    def handle(self, *args: Any, **options: Any) -> None:
        CATALOGUE.write_text(fill(CATALOGUE.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"filled {CATALOGUE}")
