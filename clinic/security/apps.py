"""Django admin served by django-otp's admin site, so it needs a verified device."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    """Installs TwoFactorAdminSite as ``admin.site``: every ``@admin.register`` lands on it."""

    default_site = "clinic.security.admin_site.TwoFactorAdminSite"
