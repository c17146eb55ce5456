"""TOTP two-factor: who needs it, enrolment, verification (django-otp does the maths)."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import roles
from clinic.security import sign_ins

DEVICE_NAME = "Authenticator app"
# The API's 403 codes while the second factor is due (docs/api.md).
CODE_REQUIRED = "otp_required"
ENROLMENT_REQUIRED = "otp_enrolment_required"
ENROL_FIRST = (
    "Your role needs two-factor sign-in: set it up on the Security page (/accounts/security/)"
    " first."
)
# [user id, has a confirmed device]: asked once per session, not on every request.
_SESSION_KEY = "talus_two_factor"


def is_required_for(user) -> bool:
    """The roles of ``TWO_FACTOR_ROLES`` (and every staff or superuser account, which
    counts as admin) reach nothing but enrolment before their second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return roles.role_of(user) in settings.TWO_FACTOR_ROLES


def confirmed_device(user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def session_requires_code(request: HttpRequest, user) -> bool:
    """True when the user has a confirmed device: this session must then be verified."""
    cached = request.session.get(_SESSION_KEY)
    if isinstance(cached, list) and len(cached) == 2 and cached[0] == user.pk:
        return bool(cached[1])
    has_device = confirmed_device(user) is not None
    request.session[_SESSION_KEY] = [user.pk, has_device]
    return has_device


def forget_device_check(request: HttpRequest) -> None:
    """Ask the database again on the next request (the device was removed meanwhile)."""
    request.session.pop(_SESSION_KEY, None)


def device_for_setup(user) -> TOTPDevice:
    """The unconfirmed device being set up; kept across reloads so a scanned code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The key in base32, as a person types it into an authenticator app."""
    return b32encode(device.bin_key).decode()


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image file, no inline style)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm the new device with a code from it; the session then counts as verified.

    Every other session and every API token of the person ends: they were opened with the
    password alone (or with the phone this one replaces).
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One device per person: an older confirmed one is replaced, not kept alongside.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        request.session.cycle_key()
        sign_ins.logout_everywhere(user=device.user, keep=request.session.session_key)
    django_otp.login(request, device)
    request.session[_SESSION_KEY] = [device.user_id, True]
    return True


def session_verify(*, request: HttpRequest, user, token: str) -> bool:
    """Check a code against the user's confirmed device and mark the session verified."""
    device = confirmed_device(user)
    if device is None:
        return False
    verified = django_otp.verify_token(user, device.persistent_id, token)
    if verified is None:
        return False
    django_otp.login(request, verified)
    return True
