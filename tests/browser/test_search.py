"""Search by pinyin initials of the seller's name and by a number with one digit wrong."""

from __future__ import annotations

from typing import Any

import pytest

from fapiao.web.companies.models import Company, Role

from .conftest import SELLER_NAME

pytestmark = [pytest.mark.browser]


def _one_digit_wrong(number: str) -> str:
    last = int(number[-3])
    return number[:-3] + str((last + 1) % 10) + number[-2:]


def test_search_by_pinyin_initials_and_by_a_mistyped_number(
    browser: Any, company: Company, uploaded: dict[str, Any], make_user: Any
) -> None:
    first, second = uploaded["truths"][0], uploaded["truths"][1]
    assert first.seller_name == SELLER_NAME
    me = browser.open(make_user("只读丙"), company, Role.VIEWER)
    tab = me.page
    me.goto("/search/")
    results = tab.locator("#search-results")

    # typing in the box searches as you type (htmx swaps the results in)
    with tab.expect_response(lambda r: "/search/?" in r.url and "q=bjhy" in r.url):
        tab.locator("#id_q").press_sequentially("bjhy", delay=50)
    tab.wait_for_selector(f"#search-results a:has-text('{first.number}')")
    assert SELLER_NAME in results.inner_text()
    assert second.number not in results.inner_text()
    assert "q=bjhy" in tab.url  # hx-push-url: the search can be bookmarked
    me.shot("pinyin")

    typo = _one_digit_wrong(second.number)
    assert typo != second.number
    tab.fill("#id_q", typo)
    with tab.expect_response(lambda r: f"q={typo}" in r.url):
        tab.press("#id_q", "Enter")
    row = tab.locator(f"#search-results tr:has(a:has-text('{second.number}'))")
    row.wait_for()
    assert "近似号码" in row.inner_text()
    assert first.number not in results.inner_text()
    me.shot("number-typo")
