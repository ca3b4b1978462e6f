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
