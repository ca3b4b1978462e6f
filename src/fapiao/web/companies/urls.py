"""URLs of the company pages."""

from __future__ import annotations

from django.urls import path

from fapiao.web.companies import deletion, views

app_name = "companies"
urlpatterns = [
    path("", views.company_list, name="list"),
    path("switch/", views.company_switch, name="switch"),
    path("new/", views.company_create, name="create"),
    path("settings/", views.company_settings, name="settings"),
    path("members/", views.member_list, name="members"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("members/bulk/", views.bulk_assign, name="bulk_assign"),
    path("delete/", deletion.company_delete_view, name="delete"),
    path("deleted/", deletion.deleted_list_view, name="deleted"),
    path("deleted/<int:pk>/shred/", deletion.deleted_shred_view, name="deleted_shred"),
]
