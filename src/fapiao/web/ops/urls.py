"""URLs of the ops app: health checks and metrics at the root."""

from __future__ import annotations

from django.urls import path

from fapiao.web.ops import views

app_name = "ops"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
