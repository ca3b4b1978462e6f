"""URLs of the account pages."""

from __future__ import annotations

from django.urls import path

from fapiao.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("login/", views.login, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout, name="logout"),
    path("reauth/", views.reauth, name="reauth"),
    path("2fa/", views.totp_setup, name="totp_setup"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("2fa/disable/", views.totp_disable, name="totp_disable"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("password/done/", views.password_change_done, name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/done/", views.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
]
