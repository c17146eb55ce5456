"""Two-factor pages under /accounts/2fa/."""

from django.urls import path

from clinic.security import views

urlpatterns = [
    path("accounts/2fa/", views.setup, name="two-factor-setup"),
    path("accounts/2fa/verify/", views.verify, name="two-factor-verify"),
]
