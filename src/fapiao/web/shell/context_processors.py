"""Template context of every page: menu, current company and the user's other companies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from fapiao.web.companies.selectors import company_list_for_user
from fapiao.web.shell.navigation import nav_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """``nav``, ``current_company``, ``current_membership`` and ``switchable_companies``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "current_company": None, "current_membership": None}
    return {
        "nav": nav_for(request),
        "current_company": getattr(request, "company", None),
        "current_membership": getattr(request, "membership", None),
        "switchable_companies": company_list_for_user(user=user),
    }
