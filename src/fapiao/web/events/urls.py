"""URLs of the audit trail: /audit/."""

from __future__ import annotations

from django.urls import path

from fapiao.web.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list_view, name="list"),
    path("verify/", views.event_verify_view, name="verify"),
    path("export.xlsx", views.event_export_view, name="export"),
]
