"""Pages of the shell: the home page (a simple company overview; the dashboard replaces it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fapiao.web.shell.navigation import nav_for
from fapiao.web.shell.permissions import company_required


@company_required()
def home(request: HttpRequest) -> HttpResponse:
    """首页 (home): the current company and links to what the member may do."""
    return render(request, "shell/home.html", {"links": nav_for(request)[1:]})
