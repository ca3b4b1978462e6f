"""URLs of review (审核) and status (状态) pages, included by ``invoices/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from fapiao.web.invoices import views_review as views

urlpatterns: list[URLPattern] = [
    path("review/", views.review_queue_view, name="review_queue"),
    path("review/approve/", views.invoice_bulk_approve_view, name="bulk_approve"),
    path("<int:pk>/review/", views.review_detail_view, name="review"),
    path("<int:pk>/approve/", views.invoice_approve_view, name="approve"),
    path("<int:pk>/return/", views.invoice_return_view, name="return"),
    path("<int:pk>/submit/", views.invoice_submit_view, name="submit"),
    path("<int:pk>/correct/", views.invoice_correct_view, name="correct"),
    path("<int:pk>/status/", views.status_actions_view, name="status_actions"),
    path("<int:pk>/status/<str:kind>/", views.status_set_view, name="status_set"),
]
