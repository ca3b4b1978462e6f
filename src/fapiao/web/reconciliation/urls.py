"""URLs of the reconciliation pages."""

from __future__ import annotations

from django.urls import path

from fapiao.web.reconciliation import views

app_name = "reconciliation"
urlpatterns = [
    path("", views.run_list_view, name="list"),
    path("<int:pk>/", views.run_detail_view, name="detail"),
    path("<int:pk>/localisation.json", views.localisation_view, name="localisation"),
    path("<int:pk>/results.xlsx", views.results_export_view, name="export"),
    path("results/<int:pk>/apply/", views.result_apply_view, name="apply"),
    path("results/<int:pk>/dismiss/", views.result_dismiss_view, name="dismiss"),
]
