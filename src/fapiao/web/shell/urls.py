"""URLs of the shell."""

from __future__ import annotations

from django.urls import path

from fapiao.web.shell import views

app_name = "shell"
urlpatterns = [path("", views.home, name="home")]
