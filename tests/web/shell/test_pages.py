"""The shell: CSP on every page, no inline script or style, navigation by role, home page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from web.companies.factories import CompanyFactory, UserFactory
from web.helpers import login_as

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/password/reset/",
]
MEMBER_PAGES = [
    "/",
    "/companies/",
    "/companies/new/",
    "/accounts/profile/",
    "/accounts/2fa/",
    "/accounts/password/",
    "/feedback/",
]
ADMIN_PAGES = ["/companies/settings/", "/companies/members/", "/companies/members/bulk/"]


def _assert_strict(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html), "inline <script> without src"
    assert ' style="' not in html
    assert "<style" not in html


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_anonymous_pages_are_strict(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    _assert_strict(response)


@pytest.mark.parametrize("url", MEMBER_PAGES + ADMIN_PAGES + ["/feedback/list/"])
def test_admin_pages_are_strict(client: Client, url: str):
    login_as(client, UserFactory(), CompanyFactory(), role="admin")
    response = client.get(url)
    assert response.status_code == 200, url
    _assert_strict(response)


def test_csp_header_on_redirects_and_404(client: Client):
    assert "Content-Security-Policy" in client.get("/").headers
    assert "Content-Security-Policy" in client.get("/no-such-page/").headers


def test_feedback_link_and_csrf_header_on_every_page(client: Client):
    login_as(client, UserFactory(), CompanyFactory(), role="clerk")
    html = client.get("/companies/").content.decode()
    assert 'href="/feedback/?page=/companies/"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '"allowEval": false' in html


def test_navigation_is_filtered_by_role(client: Client):
    company = CompanyFactory()
    login_as(client, UserFactory(), company, role="viewer")
    assert 'href="/feedback/list/"' not in client.get("/").content.decode()
    login_as(client, UserFactory(), company, role="admin")
    assert 'href="/feedback/list/"' in client.get("/").content.decode()


def test_anonymous_user_is_sent_to_login(client: Client):
    response = client.get("/companies/settings/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/?next=")


def test_member_without_company_is_sent_to_company_list(client: Client):
    login_as(client, UserFactory())
    response = client.get("/")
    assert response.headers["Location"] == "/companies/"
