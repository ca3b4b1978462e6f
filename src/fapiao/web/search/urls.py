"""URLs of the search page (mounted at ``/search/``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.web.search import views

app_name = "search"

urlpatterns: list[URLPattern] = [
    path("", views.search_view, name="search"),
    path("saved/", views.saved_filter_create_view, name="saved_create"),
    path("saved/<int:pk>/", views.saved_filter_apply_view, name="saved_apply"),
    path("saved/<int:pk>/delete/", views.saved_filter_delete_view, name="saved_delete"),
]
