"""URLs of the feedback pages."""

from __future__ import annotations

from django.urls import path

from fapiao.web.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.submit, name="submit"),
    path("list/", views.feedback_list, name="list"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/screenshot/", views.screenshot, name="screenshot"),
]
