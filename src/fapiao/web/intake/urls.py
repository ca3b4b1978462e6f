"""URLs of intake (mounted at ``/intake/``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from fapiao.web.intake import views

app_name = "intake"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.upload_view, name="upload"),
    path("batches/", views.batch_list_view, name="batches"),
    path("batches/<int:pk>/", views.batch_detail_view, name="batch"),
    path("batches/<int:pk>/progress/", views.batch_progress_view, name="batch_progress"),
    path("tray/", views.tray_view, name="tray"),
    path("tray/<int:pk>/assign/", views.tray_assign_view, name="tray_assign"),
]
