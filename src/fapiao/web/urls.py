"""URL configuration: one ``include`` per app."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from fapiao.web.shell.middleware import two_factor_exempt

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/setlang/", two_factor_exempt(set_language), name="set_language"),
    path("accounts/", include("fapiao.web.accounts.urls")),
    path("companies/", include("fapiao.web.companies.urls")),
    path("feedback/", include("fapiao.web.feedback.urls")),
    path("audit/", include("fapiao.web.events.urls")),
    path("invoices/", include("fapiao.web.invoices.urls")),
    path("intake/", include("fapiao.web.intake.urls")),
    path("search/", include("fapiao.web.search.urls")),
    path("claims/", include("fapiao.web.claims.urls")),
    path("api/", include("fapiao.web.api.urls")),
    path("reconciliation/", include("fapiao.web.reconciliation.urls")),
    path("alerts/", include("fapiao.web.alerts.urls")),
    path("", include("fapiao.web.ops.urls")),
    path("", include("fapiao.web.reports.urls")),
    path("", include("fapiao.web.shell.urls")),
]

handler404 = "fapiao.web.api.errors.page_not_found"
