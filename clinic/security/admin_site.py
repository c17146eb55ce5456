"""The admin site: django-otp's, which lets in only a session verified by a device."""

from __future__ import annotations

from django_otp.admin import OTPAdminSite


class TwoFactorAdminSite(OTPAdminSite):
    """OTPAdminSite under the usual name, so ``admin:index`` and every reverse keep working."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
