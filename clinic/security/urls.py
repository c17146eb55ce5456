"""Security pages under /accounts/."""

from django.urls import path

from clinic.security import views

urlpatterns = [
    path("accounts/security/", views.security, name="security"),
    path(
        "accounts/security/logout-everywhere/",
        views.logout_everywhere,
        name="logout-everywhere",
    ),
    path("accounts/2fa/", views.setup, name="two-factor-setup"),
    path("accounts/2fa/verify/", views.verify, name="two-factor-verify"),
]
