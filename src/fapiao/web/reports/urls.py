"""URLs of the reports app: /dashboard/ and /reports/… (mounted at the site root)."""

from __future__ import annotations

from django.urls import path

from fapiao.web.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("reports/charts/<slug:name>.json", views.chart_view, name="chart"),
    path("reports/export/invoices.xlsx", views.export_invoices_view, name="export_invoices"),
    path("reports/export/summary.xlsx", views.export_summary_view, name="export_summary"),
    path("reports/export/events.xlsx", views.export_events_view, name="export_events"),
    path("reports/export/claims.xlsx", views.export_claims_view, name="export_claims"),
    path("reports/print/invoices/", views.print_invoices_view, name="print_invoices"),
    path("reports/print/summary/", views.print_summary_view, name="print_summary"),
]
