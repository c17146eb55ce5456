"""django-axes hooks: the client's address, and the answer to a locked-out login."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address that failed logins are counted against.

    Behind our TLS-terminating proxy (DJANGO_BEHIND_PROXY) every request comes from the
    proxy, so the client is the last X-Forwarded-For entry: the one the proxy appended.
    Entries before it are whatever the client sent, and could be forged.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def cool_off_minutes() -> int:
    """Minutes until the lock lifts: a failure during the lock restarts the whole cool-off."""
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def locked_out_response(request: HttpRequest, original_response=None, credentials=None):
    """429 for a locked-out login: JSON for the API, a page that says when to retry."""
    minutes = cool_off_minutes()
    message = (
        f"Too many failed logins. This account is locked on this computer; "
        f"try again in {minutes} minutes."
    )
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "code": "locked_out", "retry_after_minutes": minutes},
            status=429,
        )
    else:
        response = render(request, "security/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
