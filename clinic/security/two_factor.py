"""TOTP two-factor: who needs it, enrolment, verification (django-otp does the maths)."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import roles

DEVICE_NAME = "Authenticator app"
# [user id, has a confirmed device]: asked once per session, not on every request.
_SESSION_KEY = "talus_two_factor"


def is_required_for(user) -> bool:
    """Admin accounts must use two-factor to reach Django admin."""
    return bool(user.is_staff or user.is_superuser or roles.role_of(user) == roles.ADMIN)


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
    """Confirm the new device with a code from it; the session then counts as verified."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One device per person: an older confirmed one is replaced, not kept alongside.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
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
