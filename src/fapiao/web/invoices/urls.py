"""URLs of the invoice pages (mounted at ``/invoices/``).

Other engineers add their own modules here with one ``include`` line each (review, status).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from fapiao.web.invoices import views, views_intake

app_name = "invoices"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.invoice_list_view, name="list"),
    path("download.zip", views.invoice_zip_view, name="download_zip"),
    path("<int:pk>/", views.invoice_detail_view, name="detail"),
    path(
        "<int:pk>/sources/<int:source_id>/download/",
        views.source_download_view,
        name="source_download",
    ),
    path(
        "<int:pk>/sources/<int:source_id>/pages/<int:page>.png",
        views.source_preview_view,
        name="source_preview",
    ),
    path("new/", views_intake.manual_entry_view, name="manual"),
    path("new/validate/", views_intake.manual_validate_view, name="manual_validate"),
    path("ledger/", views_intake.ledger_upload_view, name="ledger"),
    path("ledger/confirm/", views_intake.ledger_confirm_view, name="ledger_confirm"),
    path("", include("fapiao.web.invoices.urls_review")),
]
