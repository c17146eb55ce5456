"""The admin site: django-otp's, which lets in only a session verified by a device."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class TwoFactorAdminSite(OTPAdminSite):
    """OTPAdminSite under the usual name, so ``admin:index`` and every reverse keep working."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request, extra_context=None):
        """One door: the staff login page, throttled and locked out like any login, then
        the two-factor enrolment or code (clinic.security.middleware.TwoFactorMiddleware).

        django-otp's own form asks for a code a person without a device cannot give.
        A signed-in person who may not use admin still gets admin's own answer.
        """
        if request.user.is_authenticated:
            return super().login(request, extra_context)
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target)
