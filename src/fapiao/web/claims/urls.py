"""URLs of the claim pages (mounted at ``/claims/``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.web.claims import views

app_name = "claims"

urlpatterns: list[URLPattern] = [
    path("", views.claim_list_view, name="list"),
    path("new/", views.claim_new_view, name="new"),
    path("<int:pk>/", views.claim_detail_view, name="detail"),
    path("<int:pk>/invoices/", views.claim_picker_view, name="picker"),
    path("<int:pk>/invoices/add/", views.claim_invoice_add_view, name="add_invoice"),
    path("<int:pk>/receipts/add/", views.claim_receipt_add_view, name="add_receipt"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.claim_item_remove_view, name="remove_item"),
    path("<int:pk>/<str:action>/", views.claim_action_view, name="action"),
]
