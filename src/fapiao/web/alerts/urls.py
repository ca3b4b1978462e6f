"""URLs of the alerts app."""

from __future__ import annotations

from django.urls import path

from fapiao.web.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/status/", views.alert_status, name="status"),
    path("detect/", views.detect_now, name="detect"),
    path("settings/", views.alert_settings, name="settings"),
    path("settings/channels/", views.channel_add, name="channel_add"),
    path("settings/channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("settings/thresholds/", views.thresholds_save, name="thresholds"),
    path("settings/risk-list/", views.risk_list_upload, name="risk_list"),
    path("settings/calendar/", views.calendar_upload, name="calendar"),
]
