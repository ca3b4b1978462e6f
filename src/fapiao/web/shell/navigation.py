"""导航 (navigation): the menu of the top bar, filtered by the member's role.

Each app adds one ``NavItem`` to ``NAV``.  An item whose URL name does not resolve (its app is
not installed yet) is left out rather than breaking every page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ALL_ROLES = ("admin", "clerk", "reviewer", "viewer")


@dataclass(frozen=True, slots=True)
class NavItem:
    """One menu entry: label, URL name, and the roles that see it."""

    label: str | Promise
    url_name: str
    roles: tuple[str, ...] = ALL_ROLES


@dataclass(frozen=True, slots=True)
class NavLink:
    """A resolved menu entry as the template shows it."""

    label: str | Promise
    url: str
    is_active: bool


NAV: list[NavItem] = [
    NavItem(_("首页 · Home"), "shell:home"),
    NavItem(_("发票 · Invoices"), "invoices:list"),
    NavItem(_("上传 · Upload"), "intake:upload", ("admin", "clerk")),
    NavItem(_("仪表盘 · Dashboard"), "reports:dashboard"),
    NavItem(_("对账 · Reconciliation"), "reconciliation:list"),
    NavItem(_("检索 · Search"), "search:search"),
    NavItem(_("反馈 · Feedback"), "feedback:list", ("admin",)),
    NavItem(_("待审核 · Review"), "invoices:review_queue", ("admin", "reviewer")),
    NavItem(_("报销 · Claims"), "claims:list"),
    NavItem(_("接口令牌 · API tokens"), "api_tokens"),
    NavItem(_("预警 · Alerts"), "alerts:list"),
    NavItem(_("审计日志 · Audit trail"), "events:list", ("admin", "viewer")),
]


def nav_for(request: HttpRequest) -> list[NavLink]:
    """The menu entries the current member may see, with the active one marked."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    links = []
    for item in NAV:
        if membership.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        links.append(NavLink(item.label, url, active))
    return links
