"""Chinese first, English selectable: the language switch and the English catalogue."""

from __future__ import annotations

import pytest
from django.test import Client

from fapiao.web.shell.management.commands.fill_english import english

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(client: Client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录 · Log in" in html


def test_switch_to_english_and_back(client: Client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.headers["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "登录" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "登录 · Log in" in client.get("/accounts/login/").content.decode()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("登录 · Log in", "Log in"),
        ("方向（导出未注明时）· Direction", "Direction"),
        ("剩余 %(left)d 个 · %(left)d left", "%(left)d left"),
        ("红字", "Red-letter"),
        ("只有中文", ""),
    ],
)
def test_english_part_of_a_pair(source: str, expected: str):
    assert english(source) == expected


def test_fill_refills_fuzzy_guesses_and_plurals_and_keeps_translations():
    from fapiao.web.shell.management.commands.fill_english import fill

    catalogue = "\n\n".join(
        [
            'msgid ""\nmsgstr ""\n"Language: en\\n"',
            '#: a.py:1\n#, fuzzy\n#| msgid "请重新登录 · Please log in again"\n'
            'msgid "登录已过期 · Session expired"\nmsgstr "Please log in again"',
            '#: b.html:2\n#, fuzzy, python-format\nmsgid "%(n)s 个 · %(n)s item"\n'
            'msgid_plural "%(n)s 个 · %(n)s items"\nmsgstr[0] "old"\nmsgstr[1] ""',
            '#: c.py:3\nmsgid "保存 · Save"\nmsgstr ""',
            '#: d.py:4\nmsgid "取消 · Cancel"\nmsgstr "Cancel it"',
        ]
    )
    blocks = fill(catalogue).split("\n\n")
    assert blocks[1] == '#: a.py:1\nmsgid "登录已过期 · Session expired"\nmsgstr "Session expired"'
    assert blocks[2] == (
        '#: b.html:2\n#, python-format\nmsgid "%(n)s 个 · %(n)s item"\n'
        'msgid_plural "%(n)s 个 · %(n)s items"\nmsgstr[0] "%(n)s item"\nmsgstr[1] "%(n)s items"'
    )
    assert blocks[3].endswith('msgstr "Save"')
    assert blocks[4].endswith('msgstr "Cancel it"')  # a translation by hand stays


def test_the_committed_catalogue_has_no_guesses_and_no_gaps():
    from fapiao.web.shell.management.commands.fill_english import CATALOGUE, _fields, english

    entries = CATALOGUE.read_text(encoding="utf-8").split("\n\n")
    assert not [e for e in entries if "#, fuzzy" in e or "\n#|" in e]
    gaps = []
    for entry in entries[1:]:
        if entry.startswith("#~"):
            continue
        fields = _fields(entry.split("\n"))
        if english(fields.get("msgid", "")) and not (
            fields.get("msgstr") or fields.get("msgstr[0]")
        ):
            gaps.append(fields["msgid"])
    assert gaps == []
